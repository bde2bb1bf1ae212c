"""First-run set-up of an office: language, role, office, operator and passphrase.

Nothing is written to the data folder until the summary page's "Siapkan kantor" button:
``services.office.init_office`` then builds the database under a temporary name and renames it into
place, so cancelling at any earlier point leaves the folder as it was. The last page shows the new
office key's fingerprint, which the official writes down for the regency.

Each page builds its widgets once and sets every text in ``retranslate()``, so choosing English on
the first page switches the rest of the wizard at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from smartcity_desktop.domain.regions import Region
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.qt_translations import install_qt_translations
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import _, current_language, set_language
from smartcity_desktop.services.gui_support import (
    DEFAULT_KABUPATEN,
    MIN_PASSPHRASE_LENGTH,
    RegionIndex,
    fingerprint_lines,
    passphrase_strength,
    region_code_typed,
)
from smartcity_desktop.services.office import InitResult, init_office
from smartcity_desktop.storage.paths import DataPaths

LANGUAGE_CHOICES = (("id", "Bahasa Indonesia"), ("en", "English"))
ROLE_CHOICES = ("desa", "kecamatan", "kabupaten")
REGION_CODE_ROLE = Qt.ItemDataRole.UserRole + 1


def load_region_index() -> RegionIndex:
    from smartcity_desktop.services.regions import bundled_regions

    return RegionIndex(bundled_regions())


@dataclass
class SetupChoices:
    language: str = "id"
    role: str = "desa"
    office_code: str = ""
    operator: str = ""
    passphrase: str = ""


def _heading_font(widget: QWidget, scale: float = 1.0, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font


class LanguagePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = QLabel(wordWrap=True)
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        self.buttons: dict[str, QRadioButton] = {}
        for code, label in LANGUAGE_CHOICES:
            # Language names stay in their own language so everyone finds theirs.
            button = QRadioButton(label)
            button.setAccessibleName(label)
            self.group.addButton(button)
            self.buttons[code] = button
            layout.addWidget(button)
        self.buttons["id"].setChecked(True)
        layout.addStretch(1)

    def chosen(self) -> str:
        return next(code for code, b in self.buttons.items() if b.isChecked())

    def retranslate(self) -> None:
        self.setTitle(_("Selamat datang di SmartCity Desktop"))
        self.setSubTitle(_("Langkah 1 dari 5: bahasa tampilan"))
        self.intro.setText(
            _(
                "Aplikasi ini mencatat permasalahan, potensi dan usulan inovasi untuk Masterplan "
                "Smart City. Beberapa langkah berikut menyiapkan kantor Anda di komputer ini. "
                "Pilih bahasa tampilan:"
            )
        )

    def validatePage(self) -> bool:
        language = self.chosen()
        self._wizard.choices.language = language
        if language != current_language():
            set_language(language)
            install_qt_translations(language)
            self._wizard.retranslate()
        return True


class RolePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = QLabel(wordWrap=True)
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        self.buttons: dict[str, QRadioButton] = {}
        self.notes: dict[str, QLabel] = {}
        for role in ROLE_CHOICES:
            button = QRadioButton()
            note = QLabel(wordWrap=True)
            note.setIndent(24)
            note.setBuddy(button)
            self.group.addButton(button)
            self.buttons[role] = button
            self.notes[role] = note
            layout.addWidget(button)
            layout.addWidget(note)
            layout.addSpacing(6)
        self.buttons["desa"].setChecked(True)
        layout.addStretch(1)

    def chosen(self) -> str:
        return next(role for role, b in self.buttons.items() if b.isChecked())

    def retranslate(self) -> None:
        self.setTitle(_("Peran kantor"))
        self.setSubTitle(_("Langkah 2 dari 5: tingkat kantor yang memakai komputer ini"))
        self.intro.setText(_("Kantor ini bekerja di tingkat:"))
        labels = {
            "desa": (
                _("Desa / Kelurahan"),
                _(
                    "Mencatat permasalahan, potensi dan usulan inovasi desa, mengirimkannya ke "
                    "kecamatan, lalu melihat hasil verifikasinya dan memperbaiki yang dikembalikan."
                ),
            ),
            "kecamatan": (
                _("Kecamatan"),
                _(
                    "Menerima data desa, mereviu setiap catatan, memverifikasi per desa dan "
                    "memantau kelengkapannya, lalu meneruskannya ke kabupaten dan mengirim "
                    "hasilnya kembali ke desa."
                ),
            ),
            "kabupaten": (
                _("Kabupaten"),
                _(
                    "Menghimpun data seluruh desa beserta reviu kecamatannya untuk Masterplan "
                    "Smart City, lalu menerima atau mengembalikan verifikasi kecamatan."
                ),
            ),
        }
        for role, (label, note) in labels.items():
            self.buttons[role].setText(label)
            self.buttons[role].setAccessibleName(label)
            self.buttons[role].setAccessibleDescription(note)
            self.notes[role].setText(note)

    def validatePage(self) -> bool:
        self._wizard.choices.role = self.chosen()
        return True


class _FilteredList(QWidget):
    """A search box over a list of regions; emits the chosen code."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.not_found = QLabel(wordWrap=True)
        self.not_found.setStyleSheet("color: #b3261e;")
        self.not_found.hide()
        self.label.setBuddy(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.search)
        layout.addWidget(self.not_found)
        layout.addWidget(self.list, 1)
        self.list.currentItemChanged.connect(self._current_changed)
        # Down arrow from the search box goes to the list: keyboard users never need the mouse.
        self.search.returnPressed.connect(self._focus_list)

    def _focus_list(self) -> None:
        if self.list.count():
            self.list.setFocus()
            if self.list.currentRow() < 0:
                self.list.setCurrentRow(0)

    def fill(self, regions: list[tuple[str, str]], keep: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for code, text in regions:
            item = QListWidgetItem(text)
            item.setData(REGION_CODE_ROLE, code)
            self.list.addItem(item)
            if code == keep:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
        self.list.blockSignals(False)
        self.not_found.setVisible(not regions and bool(self.search.text().strip()))

    def current_code(self) -> str | None:
        item = self.list.currentItem()
        return item.data(REGION_CODE_ROLE) if item is not None else None

    def select(self, code: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(REGION_CODE_ROLE) == code:
                self.list.setCurrentRow(row)
                self.list.scrollToItem(self.list.item(row))
                return

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.chosen.emit(current.data(REGION_CODE_ROLE))


class OfficePage(QWizardPage):
    """Province and kabupaten combos, then searchable kecamatan and desa lists as the role needs."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.index: RegionIndex | None = None
        self.selected: str | None = None

        self.loading = QLabel()
        self.province = QComboBox()
        self.kabupaten = QComboBox()
        for combo in (self.province, self.kabupaten):
            combo.setMaxVisibleItems(20)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(18)
        self.province_label = QLabel()
        self.province_label.setBuddy(self.province)
        self.kabupaten_label = QLabel()
        self.kabupaten_label.setBuddy(self.kabupaten)
        self.kecamatan = _FilteredList()
        self.desa = _FilteredList()
        self.desa_hint = QLabel(wordWrap=True)
        self.desa_hint.setStyleSheet("color: #566573;")
        self.desa.layout().addWidget(self.desa_hint)
        self.summary = QLabel(wordWrap=True)
        self.summary.setFont(_heading_font(self, 1.0, bold=True))

        top = QGridLayout()
        top.addWidget(self.province_label, 0, 0)
        top.addWidget(self.province, 0, 1)
        top.addWidget(self.kabupaten_label, 0, 2)
        top.addWidget(self.kabupaten, 0, 3)
        top.setColumnStretch(1, 1)
        top.setColumnStretch(3, 1)
        lists = QHBoxLayout()
        lists.addWidget(self.kecamatan, 1)
        lists.addWidget(self.desa, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loading)
        layout.addLayout(top)
        layout.addLayout(lists, 1)
        layout.addWidget(self.summary)

        self.province.currentIndexChanged.connect(self._province_changed)
        self.kabupaten.currentIndexChanged.connect(self._kabupaten_changed)
        self.kecamatan.chosen.connect(self._kecamatan_chosen)
        self.kecamatan.search.textChanged.connect(self._fill_kecamatan)
        self.desa.chosen.connect(self._desa_chosen)
        self.desa.search.textChanged.connect(self._fill_desa)
        self._set_enabled(False)

    # --- data --------------------------------------------------------------------------------

    def set_index(self, index: RegionIndex) -> None:
        self.index = index
        self.loading.hide()
        self._set_enabled(True)
        self.province.blockSignals(True)
        self.province.clear()
        for region in index.provinces():
            self.province.addItem(region.name, region.code)
        self.province.blockSignals(False)
        self.choose(DEFAULT_KABUPATEN)

    def choose(self, code: str) -> None:
        """Select a region and its ancestors in the pickers (also used by tests)."""
        assert self.index is not None
        path = self.index.path(code)
        if not path:
            return
        self.province.setCurrentIndex(self.province.findData(path[0].code))
        self._province_changed()
        if len(path) > 1:
            self.kabupaten.setCurrentIndex(self.kabupaten.findData(path[1].code))
            self._kabupaten_changed()
        if len(path) > 2:
            self.kecamatan.search.clear()
            self.kecamatan.select(path[2].code)
        if len(path) > 3:
            self.desa.search.clear()
            self.desa.select(path[3].code)

    def _set_enabled(self, enabled: bool) -> None:
        for w in (self.province, self.kabupaten, self.kecamatan, self.desa):
            w.setEnabled(enabled)

    def _province_changed(self) -> None:
        if self.index is None:
            return
        self.kabupaten.blockSignals(True)
        self.kabupaten.clear()
        for region in self.index.children(self.province.currentData()):
            self.kabupaten.addItem(region.name, region.code)
        self.kabupaten.blockSignals(False)
        self._kabupaten_changed()

    def _kabupaten_changed(self) -> None:
        self._fill_kecamatan()
        self._fill_desa()
        self._update_selection()

    def _fill_kecamatan(self) -> None:
        if self.index is None:
            return
        text = self.kecamatan.search.text()
        found = self.index.matching(self.kabupaten.currentData(), text)
        keep = self.kecamatan.current_code()
        by_code = region_code_typed(text) is not None
        self.kecamatan.fill(
            [(r.code, f"{r.name} · {r.code}" if by_code else r.name) for r in found], keep
        )
        if self.kecamatan.current_code() != keep:
            self._fill_desa()
            self._update_selection()

    def _fill_desa(self) -> None:
        if self.index is None:
            return
        text = self.desa.search.text()
        keep = self.desa.current_code()
        kecamatan = self.kecamatan.current_code()
        by_code = region_code_typed(text) is not None
        if kecamatan is not None and not by_code:
            found = [(r.code, r.display_name) for r in self.index.matching(kecamatan, text)]
        elif text.strip():
            # No kecamatan chosen yet, or a code typed (it may lie in another kecamatan): search
            # the desa of the whole kabupaten, naming the kecamatan (and the code when typed).
            found = [
                (r.code, f"{r.display_name} ({kec.name})" + (f" · {r.code}" if by_code else ""))
                for kec in self.index.children(self.kabupaten.currentData())
                for r in self.index.matching(kec.code, text)
            ]
        else:
            found = []
        self.desa.fill(found, keep)
        self.desa_hint.setVisible(not found and not text.strip())
        self._update_selection()

    def _kecamatan_chosen(self, _code: str) -> None:
        self.desa.search.blockSignals(True)
        self.desa.search.clear()
        self.desa.search.blockSignals(False)
        self._fill_desa()

    def _desa_chosen(self, code: str) -> None:
        assert self.index is not None
        region = self.index.get(code)
        if region is not None and region.parent_code != self.kecamatan.current_code():
            # Refilling the list now, inside the click that chose the village, would let the
            # click's selection land on whichever village takes that row in the new list: the
            # summary would name one village and the list highlight another. Refill afterwards.
            self._update_selection()
            QTimer.singleShot(0, lambda: self._show_kecamatan_of(code))
            return
        self._update_selection()

    def _show_kecamatan_of(self, code: str) -> None:
        """A desa found through the kabupaten-wide search: show its kecamatan as chosen too."""
        if self.index is None or self.desa.current_code() != code:
            return
        region = self.index.get(code)
        if region is not None and region.parent_code != self.kecamatan.current_code():
            # Found through the kabupaten-wide search: show its kecamatan as chosen too.
            self.kecamatan.search.blockSignals(True)
            self.kecamatan.search.clear()
            self.kecamatan.search.blockSignals(False)
            self.kecamatan.list.blockSignals(True)
            self._fill_kecamatan()
            self.kecamatan.select(region.parent_code or "")
            self.kecamatan.list.blockSignals(False)
            self.desa.search.blockSignals(True)
            self.desa.search.clear()
            self.desa.search.blockSignals(False)
            self.desa.fill(
                [(r.code, r.display_name) for r in self.index.children(region.parent_code)], code
            )
        self._update_selection()

    def _needed_level(self) -> str:
        return {"desa": "desa_kelurahan", "kecamatan": "kecamatan", "kabupaten": "kabupaten_kota"}[
            self._wizard.choices.role
        ]

    def _update_selection(self) -> None:
        level = self._needed_level()
        code = {
            "kabupaten_kota": self.kabupaten.currentData(),
            "kecamatan": self.kecamatan.current_code(),
            "desa_kelurahan": self.desa.current_code(),
        }[level]
        self.selected = code
        self.summary.setText(self._summary_text())
        self.completeChanged.emit()

    def _summary_text(self) -> str:
        if self.index is None:
            return ""
        region = self.index.get(self.selected)
        if region is None:
            return _("Belum ada kantor yang dipilih.")
        return _("Kantor yang dipilih: {office} ({code})").format(
            office=office_title(self.index, region), code=region.code
        )

    # --- wizard ------------------------------------------------------------------------------

    def initializePage(self) -> None:
        role = self._wizard.choices.role
        self.kecamatan.setVisible(role in ("desa", "kecamatan"))
        self.desa.setVisible(role == "desa")
        self.retranslate()
        self._update_selection()

    def isComplete(self) -> bool:
        return self.index is not None and self.selected is not None

    def validatePage(self) -> bool:
        if self.selected is None:
            return False
        self._wizard.choices.office_code = self.selected
        return True

    def retranslate(self) -> None:
        self.setTitle(_("Kantor"))
        self.setSubTitle(_("Langkah 3 dari 5: pilih wilayah kantor Anda"))
        self.loading.setText(_("Memuat daftar wilayah Kepmendagri…"))
        self.province_label.setText(_("&Provinsi:"))
        self.kabupaten_label.setText(_("&Kabupaten/Kota:"))
        self.province.setAccessibleName(_("Provinsi"))
        self.kabupaten.setAccessibleName(_("Kabupaten/Kota"))
        self.kecamatan.label.setText(_("K&ecamatan:"))
        self.kecamatan.search.setPlaceholderText(_("Cari nama atau kode kecamatan…"))
        self.kecamatan.search.setAccessibleName(_("Cari kecamatan"))
        self.kecamatan.list.setAccessibleName(_("Daftar kecamatan"))
        self.desa.label.setText(_("&Desa/Kelurahan:"))
        self.desa.search.setPlaceholderText(_("Cari nama atau kode desa/kelurahan…"))
        self.desa.search.setAccessibleName(_("Cari desa atau kelurahan"))
        self.desa.list.setAccessibleName(_("Daftar desa dan kelurahan"))
        self.kecamatan.not_found.setText(
            _("Kecamatan tidak ditemukan. Periksa ejaan, atau ketik kodenya, misalnya 32.16.01.")
        )
        self.desa.not_found.setText(
            _(
                "Desa atau kelurahan tidak ditemukan. Periksa ejaan, atau ketik kodenya, misalnya "
                "32.16.01.2001 atau 2001."
            )
        )
        self.desa_hint.setText(
            _(
                "Pilih kecamatan di sebelah kiri, atau ketik nama desa untuk mencarinya di seluruh "
                "kabupaten."
            )
        )
        self.summary.setText(self._summary_text())


def office_title(index: RegionIndex, region: Region) -> str:
    """'Desa Sagara Makmur, Kecamatan Tarumajaya, Kabupaten Bekasi' for the summaries."""
    path = index.path(region.code)
    return ", ".join(r.display_name for r in reversed(path[1:]))


class OperatorPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.operator = QLineEdit()
        self.operator.setMaxLength(200)
        self.passphrase = QLineEdit()
        self.repeat = QLineEdit()
        for edit in (self.passphrase, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_text = QCheckBox()
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setMaximumHeight(10)
        self.strength_label = QLabel()
        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet("color: #b00020;")
        self.intro = QLabel(wordWrap=True)

        self.operator_label = QLabel()
        self.passphrase_label = QLabel()
        self.repeat_label = QLabel()
        self.operator_label.setBuddy(self.operator)
        self.passphrase_label.setBuddy(self.passphrase)
        self.repeat_label.setBuddy(self.repeat)
        form = QFormLayout()
        form.addRow(self.operator_label, self.operator)
        form.addRow(self.passphrase_label, self.passphrase)
        form.addRow(self.repeat_label, self.repeat)
        form.addRow("", self.show_text)
        strength_row = QHBoxLayout()
        strength_row.addWidget(self.strength, 1)
        strength_row.addWidget(self.strength_label, 1)
        form.addRow("", strength_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.intro)
        layout.addStretch(1)

        self.setTabOrder(self.operator, self.passphrase)
        self.setTabOrder(self.passphrase, self.repeat)
        self.setTabOrder(self.repeat, self.show_text)
        for edit in (self.operator, self.passphrase, self.repeat):
            edit.textChanged.connect(self._changed)
        self.show_text.toggled.connect(self._toggle_echo)

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def problems(self) -> list[str]:
        found = []
        if not self.operator.text().strip():
            found.append(_("Isi nama operator."))
        text = self.passphrase.text()
        if len(text) < MIN_PASSPHRASE_LENGTH:
            found.append(
                _("Kata sandi minimal {n} karakter (sekarang {count}).").format(
                    n=MIN_PASSPHRASE_LENGTH, count=len(text)
                )
            )
        elif self.repeat.text() != text:
            found.append(_("Kedua kata sandi belum sama."))
        return found

    def _changed(self) -> None:
        score = passphrase_strength(self.passphrase.text())
        self.strength.setValue(score)
        self.strength_label.setText(self._strength_text(score))
        colour = ("#b00020", "#d35400", "#b7950b", "#1e8449", "#1e8449")[score]
        self.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        # Show what blocks "Lanjut" only once the official has typed something.
        typed = bool(self.passphrase.text() or self.repeat.text())
        self.problem.setText("\n".join(self.problems()) if typed else "")
        self.completeChanged.emit()

    @staticmethod
    def _strength_text(score: int) -> str:
        return (
            _("Terlalu pendek"),
            _("Lemah: tambahkan kata atau angka"),
            _("Cukup"),
            _("Kuat"),
            _("Sangat kuat"),
        )[score]

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        if self.problems():  # QWizard.next() does not consult isComplete()
            return False
        self._wizard.choices.operator = self.operator.text().strip()
        self._wizard.choices.passphrase = self.passphrase.text()
        return True

    def retranslate(self) -> None:
        self.setTitle(_("Operator dan kata sandi"))
        self.setSubTitle(_("Langkah 4 dari 5: siapa yang mengisi data, dan kata sandi kantor"))
        self.operator_label.setText(_("Nama &operator:"))
        self.passphrase_label.setText(_("&Kata sandi kantor:"))
        self.repeat_label.setText(_("&Ulangi kata sandi:"))
        self.show_text.setText(_("&Tampilkan kata sandi"))
        self.operator.setAccessibleName(_("Nama operator"))
        self.operator.setPlaceholderText(_("Nama lengkap petugas yang mengisi data"))
        self.passphrase.setAccessibleName(_("Kata sandi kantor"))
        self.repeat.setAccessibleName(_("Ulangi kata sandi"))
        self.strength.setAccessibleName(_("Kekuatan kata sandi"))
        self.intro.setText(
            _(
                "Kata sandi melindungi kunci tanda tangan kantor. Setiap kali data dikirim ke "
                "kecamatan atau kabupaten, aplikasi memintanya. Pakai minimal {n} karakter, "
                "misalnya beberapa kata yang mudah diingat, dan simpan di tempat aman: kata sandi "
                "yang hilang tidak dapat dipulihkan."
            ).format(n=MIN_PASSPHRASE_LENGTH)
        )
        self._changed()


class SummaryPage(QWizardPage):
    """Shows the choices; its button runs ``init_office`` off the GUI thread."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setCommitPage(True)
        self.busy_flag = False
        self.details = QLabel(wordWrap=True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.status = QLabel(wordWrap=True)
        self.failure = QLabel(wordWrap=True)
        self.failure.setStyleSheet("color: #b00020;")
        self.failure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.failure)

    def initializePage(self) -> None:
        self.failure.clear()
        self.retranslate()

    def _details_text(self) -> str:
        c = self._wizard.choices
        index = self._wizard.office_page.index
        region = index.get(c.office_code) if index else None
        office = office_title(index, region) if index and region else c.office_code
        language = dict(LANGUAGE_CHOICES).get(c.language, c.language)
        role = {
            "desa": _("Desa / Kelurahan"),
            "kecamatan": _("Kecamatan"),
            "kabupaten": _("Kabupaten"),
        }[c.role]
        rows = [
            (_("Bahasa"), language),
            (_("Peran"), role),
            (_("Kantor"), f"{office} ({c.office_code})"),
            (_("Operator"), c.operator),
            (_("Folder data"), str(self._wizard.paths.root)),
        ]
        return "\n".join(f"{label}: {value}" for label, value in rows)

    def isComplete(self) -> bool:
        return not self.busy_flag

    def validatePage(self) -> bool:
        if self._wizard.result is not None:
            return True
        self._start()
        return False  # the task's success moves the wizard on

    def _start(self) -> None:
        c = self._wizard.choices
        self._set_busy(True)
        self.failure.clear()
        paths = self._wizard.paths

        def work(_progress: object) -> InitResult:
            return init_office(
                paths,
                role=c.role,
                office_code=c.office_code,
                operator=c.operator,
                passphrase=c.passphrase,
                language=c.language,
            )

        self._wizard.runner.submit(work, self._succeeded, self._failed)

    def _succeeded(self, result: InitResult) -> None:
        self._set_busy(False)
        self._wizard.result = result
        self._wizard.choices.passphrase = ""  # not kept in memory longer than needed
        self._wizard.next()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.failure.setText(error_text(exc))
        if not isinstance(exc, UserError):
            import logging

            logging.getLogger(__name__).error(
                "office set-up failed", exc_info=(type(exc), exc, exc.__traceback__)
            )

    def _set_busy(self, busy: bool) -> None:
        self.busy_flag = busy
        self.busy.setVisible(busy)
        self.status.setText(_("Menyiapkan kantor dan membuat kunci… mohon tunggu.") if busy else "")
        # completeChanged makes QWizard re-enable Back from its page history, so the buttons are
        # set after it; otherwise Back stays clickable while the office is being written.
        self.completeChanged.emit()
        for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self._wizard.button(button).setEnabled(not busy)

    def retranslate(self) -> None:
        self.setTitle(_("Periksa dan siapkan"))
        self.setSubTitle(_("Langkah 5 dari 5: periksa pilihan Anda"))
        self.details.setText(
            self._details_text()
            + "\n\n"
            + _(
                'Tekan "Siapkan kantor" untuk membuat basis data dan kunci kantor. Sebelum '
                "itu, belum ada yang ditulis ke komputer."
            )
        )


class DonePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = QLabel(wordWrap=True)
        self.fingerprint = QLabel()
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 2.0)
        mono.setBold(True)
        self.fingerprint.setFont(mono)
        self.fingerprint.setStyleSheet(
            "QLabel { border: 2px solid #2e4053; border-radius: 6px; padding: 12px; "
            "background: #fdfefe; color: #17202a; }"
        )
        self.copy = QPushButton()
        self.copy.clicked.connect(self._copy)
        self.after = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.fingerprint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy)
        layout.addLayout(row)
        layout.addWidget(self.after)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.retranslate()

    def _copy(self) -> None:
        result = self._wizard.result
        if result is not None:
            QGuiApplication.clipboard().setText(result.fingerprint)

    def retranslate(self) -> None:
        result = self._wizard.result
        self.setTitle(_("Kantor siap dipakai"))
        self.setSubTitle(f"{result.office_name} ({result.office_code})" if result else "")
        self.intro.setText(
            _(
                "Ini sidik jari kunci kantor Anda. Tulis di kertas sekarang dan serahkan ke "
                "kabupaten (Diskominfosantik). Kabupaten memakainya untuk memastikan bahwa data "
                "yang diterima benar-benar dari kantor Anda."
            )
        )
        self.fingerprint.setText("\n".join(fingerprint_lines(result.fingerprint)) if result else "")
        self.fingerprint.setAccessibleName(_("Sidik jari kunci kantor"))
        self.copy.setText(_("&Salin sidik jari"))
        self.after.setText(
            _(
                'Sidik jari ini juga dapat dilihat kembali nanti di aplikasi. Tekan "Mulai '
                'bekerja" untuk membuka aplikasi.'
            )
        )


class SetupWizard(QWizard):
    """Returns with ``result`` set (an ``InitResult``) when an office was created."""

    def __init__(
        self,
        paths: DataPaths,
        runner: TaskRunner,
        load_regions: Callable[[], RegionIndex] = load_region_index,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.runner = runner
        self.choices = SetupChoices()
        self.result: InitResult | None = None
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.language_page = LanguagePage(self)
        self.role_page = RolePage(self)
        self.office_page = OfficePage(self)
        self.operator_page = OperatorPage(self)
        self.summary_page = SummaryPage(self)
        self.done_page = DonePage(self)
        self.pages = (
            self.language_page,
            self.role_page,
            self.office_page,
            self.operator_page,
            self.summary_page,
            self.done_page,
        )
        for page in self.pages:
            self.addPage(page)
        # Roomy on a 1366x768 laptop, and never larger than the screen at 150 % scaling.
        em = self.fontMetrics().height()
        screen = self.screen().availableGeometry()
        self.resize(min(em * 60, screen.width() - 40), min(em * 42, screen.height() - 60))
        self.retranslate()
        # The region list takes a moment to read; it loads while the official reads page one.
        runner.submit(lambda _p: load_regions(), self.office_page.set_index, self._regions_failed)

    def _regions_failed(self, exc: BaseException) -> None:
        self.office_page.loading.setText(error_text(exc))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Menyiapkan kantor - SmartCity Desktop"))
        b = QWizard.WizardButton
        for button, text in (
            (b.BackButton, _("< &Kembali")),
            (b.NextButton, _("&Lanjut >")),
            (b.CommitButton, _("&Siapkan kantor")),
            (b.FinishButton, _("&Mulai bekerja")),
            (b.CancelButton, _("&Batal")),
        ):
            self.setButtonText(button, text)
        for page in self.pages:
            page.retranslate()

    def reject(self) -> None:
        if self.summary_page.busy_flag:
            return  # the office is being written; closing now would leave the official unsure
        if self.result is not None:
            self.accept()  # the office exists: closing the last page is the same as finishing
            return
        super().reject()
