"""The records behind a number of an analysis view, and one record with where it came from.

``DrillList`` lists at most ``drill.LIMIT`` records (and says how many there are in all);
opening one shows the record as the review pages show it, under its provenance panel.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.domain.review import state_label
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.analysis.filters import TRUST_LEVELS
from smartcity_desktop.services.gui_support import format_count

if TYPE_CHECKING:
    from smartcity_desktop.services.analysis.drill import DrillResult, DrillRow
    from smartcity_desktop.services.context import AppContext

Index = QModelIndex | QPersistentModelIndex
HEADERS = (
    N_("Jenis"),
    N_("Judul"),
    N_("Desa/kelurahan"),
    N_("Kecamatan"),
    N_("Kepercayaan"),
    N_("Reviu kecamatan"),
)
TITLE_COLUMN = 1


def trust_text(label: str) -> str:
    """The trust label with the same mark as the record lists (✔ certified, ⚠ locally trusted)."""
    if label == _(TRUST_LEVELS["certified"]):
        return "✔ " + label
    if label == _(TRUST_LEVELS["locally_trusted"]):
        return "⚠ " + label
    return label


# What decides each column's text (``DrillModel.data``): rows alike in it look alike.
_SHOWN_BY: tuple[Callable[[DrillRow], Any] | None, ...] = (
    attrgetter("kind"),
    None,  # the title: stretched, never measured
    attrgetter("desa_name"),
    attrgetter("kecamatan_name"),
    attrgetter("trust"),
    attrgetter("review_state"),
)


class DrillModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: tuple[DrillRow, ...] = ()
        self._headers = [_(h) for h in HEADERS]

    def set_rows(self, rows: tuple[DrillRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return kind_label(row.kind)
        if column == 1:
            return row.title
        if column == 2:
            return row.desa_name
        if column == 3:
            return row.kecamatan_name
        if column == 4:
            return trust_text(row.trust)
        return state_label(row.review_state) if row.review_state else _("belum direviu")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class DrillList(QWidget):
    """The count line and the records; ``open_requested(row)`` on double-click or Enter."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = QLabel()
        self.model = DrillModel(self)
        self.table = _Table()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Catatan di balik angka"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        # The title takes what the other columns leave; they are as wide as their longest
        # entry (a desa or kecamatan name is never cut: ``fit_columns``); a title too long for
        # its column is whole in its tooltip.
        header.setStretchLastSection(False)
        for column in range(len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self.table.activated_row.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)

    def show_result(self, result: DrillResult) -> None:
        self.model.set_rows(result.rows)
        self.fit_columns()
        if result.truncated:
            text = _("Menampilkan {shown} dari {total} catatan.").format(
                shown=format_count(len(result.rows)), total=format_count(result.total)
            )
        else:
            text = _("{n} catatan.").format(n=format_count(result.total))
        self.count.setText(text)
        if result.rows:
            self.table.selectRow(0)

    def fit_columns(self) -> None:
        """Each column but the title as wide as its widest entry, as ResizeToContents measures
        it (the delegate's size of each cell, one more pixel for the grid, at least the
        header's), but measured once per distinct value: a list of 5,000 records holds a few
        hundred village names and a handful of kinds, trust levels and review states. Asking
        the model for every cell (ResizeToContents, again at each layout change) was most of
        the time between a double-click on a big number and the list on screen."""
        header = self.table.horizontalHeader()
        grid = 1 if self.table.showGrid() else 0
        rows = self.model.rows
        for column, value in enumerate(_SHOWN_BY):
            if column == TITLE_COLUMN or value is None:
                continue
            first: dict[Any, int] = {}
            for n, row in enumerate(rows):
                first.setdefault(value(row), n)
            widths = (
                self.table.sizeHintForIndex(self.model.index(n, column)).width() + grid
                for n in first.values()
            )
            header.resizeSection(column, max([header.sectionSizeHint(column), *widths]))

    def current_row(self) -> DrillRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None


class _Table(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class DrillDialog(QDialog):
    """What the number is, the records behind it, and "Buka catatan"."""

    def __init__(self, ctx: AppContext, what: str, result: DrillResult, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Catatan di balik angka"))
        # As wide as the window allows (a 1366-pixel laptop: the titles get the room).
        screen = parent.screen().availableGeometry() if parent.screen() else None
        width = 1000 if screen is None else max(1000, min(1300, screen.width() - 60))
        self.resize(width, 560)
        heading = QLabel(what)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.list = DrillList()
        self.list.open_requested.connect(self.open_record)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            _("&Buka catatan"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setAccessibleName(_("Buka catatan terpilih dengan asal datanya"))
        self.open_button.setEnabled(bool(result.rows))
        self.open_button.setAutoDefault(False)
        close = buttons.addButton(_("&Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self._open_current)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        # Inside the dialog already: its columns are measured in the font they are shown in.
        self.list.show_result(result)
        self.list.table.setFocus()
        self.record_dialog: RecordDialog | None = None

    def _open_current(self) -> None:
        index = self.list.table.currentIndex()
        if index.isValid():
            self.open_record(index.row())

    def open_record(self, row: int) -> None:
        record = self.list.model.rows[row]
        self.record_dialog = RecordDialog(self.ctx, record.kind, record.id, self)
        self.record_dialog.open()


class RecordDialog(QDialog):
    """One village record, read-only, under where it came from (the provenance panel)."""

    def __init__(self, ctx: AppContext, kind: str, record_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        from smartcity_desktop.domain.fields import RecordKind
        from smartcity_desktop.gui.forms.provenance_panel import ProvenancePanel
        from smartcity_desktop.gui.review.record_view import RecordView
        from smartcity_desktop.services.provenance import record_provenance
        from smartcity_desktop.services.review_desk import record_details

        details = record_details(ctx, kind, record_id)
        self.setWindowTitle(details.title)
        self.resize(860, 620)
        self.provenance = ProvenancePanel(record_provenance(ctx, RecordKind(kind), record_id))
        self.view = RecordView(ctx)
        self.view.show_record(details)
        buttons = QDialogButtonBox()
        buttons.addButton(_("&Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.provenance)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.view.text.setFocus()
