"""The settings of the proposal views: ranking weights, quick-win criteria, the RPJMD crosswalk.

``open_settings(shell, view_name, parent)`` opens the right dialog for a view (the analysis page
offers it as "Pengaturan tampilan…") and says whether anything was saved. Every dialog saves
through the services, which check all values first: a refused value leaves the dialog open with
the message, and nothing stored changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _, current_language

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

RANKING, QUICK_WIN, ALIGNMENT = (
    "peringkat-usulan",
    "kandidat-quick-win",
    "keselarasan-urusan-opd-rpjmd",
)
SETTINGS_VIEWS = frozenset({RANKING, QUICK_WIN, ALIGNMENT})


def has_settings(view_name: str) -> bool:
    return view_name in SETTINGS_VIEWS


def open_settings(shell: Shell, view_name: str, parent: QWidget | None) -> bool:
    """Open the settings dialog of ``view_name``; True when something was saved."""
    dialog: _SettingsDialog
    if view_name == RANKING:
        dialog = WeightsDialog(shell, parent)
    elif view_name == QUICK_WIN:
        dialog = CriteriaDialog(shell, parent)
    elif view_name == ALIGNMENT:
        dialog = CrosswalkDialog(shell, parent)
    else:
        return False
    dialog.exec()
    return dialog.changed


class _SettingsDialog(QDialog):
    def __init__(self, shell: Shell, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.shell = shell
        self.changed = False
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("Simpan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            _("Batal"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> None:
        try:
            self.store()
        except UserError as exc:
            self.shell.dialogs.error(self, exc, _("Pengaturan tidak disimpan"))
            return
        self.changed = True
        self.accept()

    def store(self) -> None:
        raise NotImplementedError


def _locale() -> QLocale:
    """Numbers as the person reads them: 200.000.000 and 12,5 in Indonesian."""
    return QLocale(
        QLocale.Language.Indonesian if current_language() == "id" else QLocale.Language.English
    )


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class WeightsDialog(_SettingsDialog):
    """One number per part of the score; the share of each in the score is shown as typed."""

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent, _("Bobot Peringkat usulan"))
        from smartcity_desktop.services.analysis.view_settings import (
            WEIGHTS,
            ranking_weights,
            weight_label,
        )

        layout = QVBoxLayout(self)
        layout.addWidget(
            _intro(
                _(
                    "Skor = 100 × Σ (bobot × nilai bagian) ÷ Σ bobot. Bobot 0 mengabaikan "
                    "bagian itu; paling sedikit satu bobot harus lebih dari 0. Bobot disimpan "
                    "di kantor ini dan dicetak bersama setiap peringkat."
                )
            )
        )
        form = QFormLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.shares: dict[str, QLabel] = {}
        stored = ranking_weights(shell.ctx)
        for key in WEIGHTS:
            spin = QDoubleSpinBox()
            spin.setRange(0, 1000)
            spin.setDecimals(1)
            spin.setLocale(_locale())
            spin.setValue(stored[key])
            spin.setAccessibleName(weight_label(key))
            spin.valueChanged.connect(lambda _v: self._update_shares())
            share = QLabel()
            share.setMinimumWidth(90)
            row = QHBoxLayout()
            row.addWidget(spin)
            row.addWidget(share)
            row.addStretch(1)
            label = QLabel(weight_label(key) + ":")
            label.setBuddy(spin)
            form.addRow(label, row)
            self.spins[key] = spin
            self.shares[key] = share
        layout.addLayout(form)
        self.defaults_button = QPushButton(_("Kembalikan bobot &bawaan"))
        self.defaults_button.clicked.connect(self.use_defaults)
        bottom = QHBoxLayout()
        bottom.addWidget(self.defaults_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self._update_shares()

    def values(self) -> dict[str, float]:
        return {key: spin.value() for key, spin in self.spins.items()}

    def _update_shares(self) -> None:
        total = sum(self.values().values())
        for key, spin in self.spins.items():
            share = 100 * spin.value() / total if total else 0.0
            self.shares[key].setText(_("{share} % dari skor").format(share=f"{share:.0f}"))

    def use_defaults(self) -> None:
        from smartcity_desktop.services.analysis.view_settings import WEIGHTS

        for key, (_label, default) in WEIGHTS.items():
            self.spins[key].setValue(default)

    def store(self) -> None:
        from smartcity_desktop.services.analysis.view_settings import set_ranking_weights

        change = set_ranking_weights(self.shell.ctx, self.values())
        self.shell.hub.publish(change)


class CriteriaDialog(_SettingsDialog):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent, _("Kriteria Kandidat quick win"))
        from smartcity_desktop.services.analysis.view_settings import quick_win_criteria

        criteria = quick_win_criteria(shell.ctx)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _intro(
                _(
                    "Usulan menjadi kandidat bila memenuhi semua kriteria di bawah. Kriteria "
                    "disimpan di kantor ini dan dicetak bersama daftar kandidat."
                )
            )
        )
        form = QFormLayout()
        self.level = QComboBox()
        for item in ref_list("quick_win").items:
            self.level.addItem(item.label(), item.code)
        self.level.setCurrentIndex(max(self.level.findData(criteria.quick_win_min), 0))
        self._row(form, _("Penilaian quick win &paling rendah:"), self.level)
        self.verified = QCheckBox(_("Harus sudah &diterima kecamatan"))
        self.verified.setChecked(criteria.verified)
        form.addRow("", self.verified)
        self.cost = QDoubleSpinBox()
        self.cost.setRange(0, 1e12)
        self.cost.setDecimals(0)
        self.cost.setSingleStep(10_000_000)
        self.cost.setGroupSeparatorShown(True)
        self.cost.setLocale(_locale())
        self.cost.setPrefix("Rp ")
        self.cost.setSpecialValueText(_("tanpa batas"))
        self.cost.setValue(criteria.cost_max)
        self._row(form, _("&Biaya paling banyak:"), self.cost)
        self.days = QSpinBox()
        self.days.setRange(0, 36_500)
        self.days.setSuffix(_(" hari"))
        self.days.setSpecialValueText(_("tanpa batas"))
        self.days.setValue(criteria.days_max)
        self._row(form, _("&Lama pelaksanaan paling lama:"), self.days)
        self.implementer = QCheckBox(_("&Pelaksana jelas (OPD atau pola pelaksanaan diisi)"))
        self.implementer.setChecked(criteria.implementer)
        form.addRow("", self.implementer)
        layout.addLayout(form)
        self.defaults_button = QPushButton(_("Kembalikan kriteria &bawaan"))
        self.defaults_button.clicked.connect(self.use_defaults)
        bottom = QHBoxLayout()
        bottom.addWidget(self.defaults_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(field)
        field.setAccessibleName(text.replace("&", "").rstrip(":"))
        form.addRow(label, field)

    def use_defaults(self) -> None:
        from smartcity_desktop.services.analysis.view_settings import QuickWinCriteria

        base = QuickWinCriteria()
        self.level.setCurrentIndex(max(self.level.findData(base.quick_win_min), 0))
        self.verified.setChecked(base.verified)
        self.cost.setValue(base.cost_max)
        self.days.setValue(base.days_max)
        self.implementer.setChecked(base.implementer)

    def values(self) -> dict[str, str]:
        return {
            "quick_win_minimal": str(self.level.currentData()),
            "harus_diterima": "ya" if self.verified.isChecked() else "tidak",
            "biaya_maks": str(round(self.cost.value())),
            "durasi_maks_hari": str(self.days.value()),
            "pelaksana_jelas": "ya" if self.implementer.isChecked() else "tidak",
        }

    def store(self) -> None:
        from smartcity_desktop.services.analysis.view_settings import set_quick_win_criteria

        self.shell.hub.publish(set_quick_win_criteria(self.shell.ctx, self.values()))


class CrosswalkDialog(_SettingsDialog):
    """The crosswalk as an editable table; Impor replaces it from a CSV or XLSX file at once."""

    HEADERS = (
        ("urusan", N_("Urusan (kode)")),
        ("sub_elemen", N_("Sub-elemen (kode)")),
        ("opd", N_("OPD")),
        ("kode_program", N_("Kode program RPJMD")),
        ("nama_program", N_("Nama program RPJMD")),
    )

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent, _("Tabel padanan program RPJMD"))
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _intro(
                _(
                    "Setiap baris memadankan urusan, sub-elemen atau OPD (boleh sebagian) dengan "
                    "satu program RPJMD. Usulan mengikuti baris yang paling rinci. Impor dari CSV "
                    "atau XLSX mengganti seluruh tabel; kolomnya: urusan, sub_elemen, opd, "
                    "kode_program, nama_program."
                )
            )
        )
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([_(title) for _key, title in self.HEADERS])
        self.table.setAccessibleName(_("Tabel padanan RPJMD"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for n in range(len(self.HEADERS)):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        for n, width in enumerate((110, 170, 220, 170)):
            self.table.setColumnWidth(n, width)
        layout.addWidget(self.table, 1)
        self.add_button = QPushButton(_("&Tambah baris"))
        self.remove_button = QPushButton(_("&Hapus baris"))
        self.import_button = QPushButton(_("&Impor CSV/XLSX…"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_rows)
        self.import_button.clicked.connect(self.choose_and_import)
        self.count = QLabel()
        bottom = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.import_button):
            bottom.addWidget(button)
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.load()

    def load(self) -> None:
        from smartcity_desktop.services.analysis.crosswalk import crosswalk_rows

        rows = crosswalk_rows(self.shell.ctx)
        self.table.setRowCount(0)
        for row in rows:
            self.add_row(list(row.as_dict().values()))
        self._count()

    def add_row(self, values: Any = None) -> None:
        n = self.table.rowCount()
        self.table.insertRow(n)
        texts = values if isinstance(values, list) else [""] * len(self.HEADERS)
        for column, text in enumerate(texts):
            self.table.setItem(n, column, QTableWidgetItem(text))
        if not isinstance(values, list):
            self.table.setCurrentCell(n, 0)
            self.table.editItem(self.table.item(n, 0))
        self._count()

    def remove_rows(self) -> None:
        for n in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(n)
        self._count()

    def _count(self) -> None:
        self.count.setText(_("{n} baris").format(n=self.table.rowCount()))

    def rows(self) -> list[Any]:
        from smartcity_desktop.services.analysis.crosswalk import CrosswalkRow

        out = []
        for n in range(self.table.rowCount()):
            texts = []
            for column in range(len(self.HEADERS)):
                item = self.table.item(n, column)
                texts.append(" ".join(item.text().split()) if item else "")
            out.append(CrosswalkRow(*texts))
        return out

    def store(self) -> None:
        from smartcity_desktop.services.analysis.crosswalk import replace_crosswalk

        # Empty rows are dropped by the check, so row numbers in messages match the table.
        self.shell.hub.publish(replace_crosswalk(self.shell.ctx, self.rows()))

    def choose_file(self) -> Path | None:
        from smartcity_desktop.gui import file_dialogs

        return file_dialogs.open_file(
            self,
            _("Impor tabel padanan RPJMD"),
            file_dialogs.Purpose.REPORTS,
            None,
            _("Tabel (*.csv *.xlsx)"),
        )

    def choose_and_import(self) -> None:
        path = self.choose_file()
        if path is None:
            return
        if self.table.rowCount() and not self.shell.dialogs.confirm(
            self,
            _("Ganti tabel padanan?"),
            _(
                "Impor mengganti seluruh tabel padanan ({n} baris sekarang, termasuk perubahan "
                "yang belum disimpan) dengan isi {name}. Berkas yang salah tidak mengubah apa pun."
            ).format(n=self.table.rowCount(), name=path.name),
            _("Ganti"),
            _("Batal"),
        ):
            return
        self.import_file(path)

    def import_file(self, path: Path) -> None:
        """Replace the stored table with the file's rows (checked first), then show it."""
        from smartcity_desktop.services.analysis.crosswalk import import_crosswalk

        def done(change: Any) -> None:
            self.changed = True
            self.shell.hub.publish(change)
            self.load()
            self.shell.dialogs.info(
                self,
                _("Impor selesai"),
                _("Tabel padanan RPJMD diganti: {n} baris dari {name}.").format(
                    n=change.details["crosswalk"], name=path.name
                ),
            )

        def failed(exc: BaseException) -> None:
            self.shell.dialogs.error(self, exc, _("Impor tidak dilakukan"))

        self.shell.submit(
            lambda _progress: import_crosswalk(self.shell.ctx, path), done, failed, parent=self
        )
