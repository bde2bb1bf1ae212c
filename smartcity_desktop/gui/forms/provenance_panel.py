"""Where a received record comes from, shown at the top of its (read-only) form: the owning desa
and kecamatan by name, the trust mark, and the bundles that brought it, with their dates and the
kecamatan they came through. The data is gathered by ``services.provenance``."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.provenance import BundleOrigin, RecordProvenance, trust_label

BUNDLE_HEADERS = (
    N_("No. urut pengirim"),
    N_("Dibuat pengirim"),
    N_("Diterima di sini"),
    N_("Lewat kecamatan"),
    N_("Kepercayaan"),
    N_("Isi"),
)
TRUST_MARKS = {"certified": "✔ ", "locally_trusted": "⚠ "}


def _when(value: datetime) -> str:
    # Stored naive in UTC; officials read their own clock.
    return value.replace(tzinfo=UTC).astimezone().strftime("%d-%m-%Y %H:%M")


def trust_mark(level: str | None) -> str:
    return TRUST_MARKS.get(level or "", "") + trust_label(level)


class ProvenancePanel(QGroupBox):
    def __init__(self, provenance: RecordProvenance) -> None:
        super().__init__(_("Asal data"))
        self.provenance = provenance
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(12)
        grid.setColumnMinimumWidth(0, 170)
        grid.setColumnStretch(1, 1)

        self.owner = self._value(self._owner_text())
        self.trust = self._value(trust_mark(provenance.trust_level) or _("tidak diketahui"))
        if provenance.trust_level == "locally_trusted":
            self.trust.setToolTip(
                _(
                    "Pengirim dipercaya lokal: kuncinya disematkan di kantor ini setelah sidik "
                    "jarinya dicocokkan, belum bersertifikat kabupaten."
                )
            )
        elif provenance.trust_level == "certified":
            self.trust.setToolTip(
                _("Pengirim bersertifikat: kuncinya disahkan oleh kunci akar kabupaten.")
            )
        self._add_row(grid, 0, _("Pemilik"), self.owner)
        self._add_row(grid, 1, _("Kepercayaan"), self.trust)

        self.bundles = QTableWidget(len(provenance.bundles), len(BUNDLE_HEADERS))
        self.bundles.setAccessibleName(_("Paket yang membawa catatan ini"))
        self.bundles.setHorizontalHeaderLabels([_(h) for h in BUNDLE_HEADERS])
        self.bundles.verticalHeader().hide()
        self.bundles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bundles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.bundles.setTabKeyNavigation(False)
        self.bundles.setWordWrap(False)
        self.bundles.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.bundles.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, bundle in enumerate(provenance.bundles):
            for column, text in enumerate(self._cells(bundle)):
                item = QTableWidgetItem(text)
                item.setToolTip(
                    _("Berkas {file}\nSidik isi paket {hash}").format(
                        file=bundle.file_name, hash=bundle.content_hash
                    )
                )
                self.bundles.setItem(row, column, item)
        # Every bundle in view at once: the form scrolls, this small table does not.
        height = self.bundles.horizontalHeader().sizeHint().height() + 4
        height += sum(self.bundles.rowHeight(r) for r in range(self.bundles.rowCount()))
        self.bundles.setFixedHeight(height)
        self.bundles.setVisible(bool(provenance.bundles))

        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        self.note.setText(self._note_text())
        self.note.setVisible(bool(self.note.text()))
        bundles_label = QLabel(_("Paket"))
        bundles_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        bundles_label.setBuddy(self.bundles)
        grid.addWidget(bundles_label, 2, 0)
        grid.addWidget(self.bundles, 2, 1)
        grid.addWidget(self.note, 3, 1)

    def _value(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _add_row(self, grid: QGridLayout, row: int, title: str, value: QLabel) -> None:
        label = QLabel(title)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        value.setAccessibleName(title)
        grid.addWidget(label, row, 0)
        grid.addWidget(value, row, 1)

    def _owner_text(self) -> str:
        p = self.provenance
        names = [n for n in (p.desa_name, p.kecamatan_name) if n]
        place = ", ".join(names) if names else p.owner_office
        return _("{place} (kode {code})").format(place=place, code=p.owner_office)

    def _cells(self, bundle: BundleOrigin) -> list[str]:
        if bundle.current:
            content = _("revisi ini (revisi {n})").format(n=self.provenance.revision)
        else:
            content = _("paket sebelumnya dari pengirim ini")
        return [
            str(bundle.sequence),
            _when(bundle.created_at),
            _when(bundle.imported_at),
            bundle.via_label,
            trust_mark(bundle.trust_level),
            content,
        ]

    def _note_text(self) -> str:
        p = self.provenance
        if not p.bundles:
            return _("Paket yang membawa catatan ini tidak tercatat di kantor ini.")
        text = ""
        if len(p.bundles) > 1:
            text = _(
                "Revisi yang lebih lama datang dalam salah satu paket sebelumnya; kantor ini "
                "mencatat per catatan hanya paket yang membawa revisi terakhirnya."
            )
        if p.more_earlier:
            text += " " + _("Ada {n} paket lebih awal lagi dari pengirim ini.").format(
                n=p.more_earlier
            )
        return text

    def bundle_rows(self) -> list[list[str]]:
        """The table's text, row by row (for tests and accessibility checks)."""
        return [
            [self.bundles.item(r, c).text() for c in range(self.bundles.columnCount())]
            for r in range(self.bundles.rowCount())
        ]
