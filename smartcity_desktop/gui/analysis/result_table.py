"""One table of an analysis view: a model over ``services.analysis.Table`` and a view whose first
column stays in place while the others scroll (23 kecamatan do not fit beside the labels).

The totals row comes last, in bold. Double-click or Enter on a cell asks for the records behind
it (``drill_requested``); a cell without its own drill-down opens its row's.

Fitted to the window (a 1366-pixel laptop is the usual office screen): long column titles wrap
onto two or three lines (the whole title is the header's tooltip), number columns are as wide as
their numbers, and the text columns share what is left: the first (the names) takes the room a
narrow table leaves; in a wide one the longest texts wrap onto more lines first. Only a table
that does not fit even so (23 kecamatan) scrolls sideways. Internal columns (``Column.internal``:
an isu's key) are not shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from smartcity_desktop.gui.analysis.cells import (
    DARK_FROM,
    HEAT,
    balanced_lines,
    format_cell,
    heat_class,
    is_number,
)
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.result import Drill, Row, Table

Index = QModelIndex | QPersistentModelIndex
TOTALS_BACKGROUND = "#eeeeee"
WRAP = Qt.TextFlag.TextWordWrap
# A text column is not squeezed below this (the first column: FIRST_FLOOR or this share of the
# table's width), so a wrapped name still shows a few words per line.
TEXT_FLOOR = 110
FIRST_FLOOR = 180
FIRST_SHARE = 0.25
# Rows grow to their wrapped text in tables up to this long (a view's lists stop at 500).
WRAP_ROWS_UP_TO = 1000


class ResultTableModel(QAbstractTableModel):
    def __init__(self, table: Table, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table
        self.rows: list[Row] = [*table.rows, *([table.totals] if table.totals else [])]
        heat = [n for n, c in enumerate(table.columns) if c.heat]
        values = [
            float(v)
            for row in table.rows
            for n in heat
            if isinstance(v := row.values[n], int | float) and not isinstance(v, bool)
        ]
        self.highest = max(values, default=0.0)
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def is_totals(self, row: int) -> bool:
        return self.table.totals is not None and row == len(self.rows) - 1

    def text(self, row: int, column: int) -> str:
        return format_cell(self.rows[row].values[column], self.table.columns[column].type)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        spec = self.table.columns[column]
        value = self.rows[row].values[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if is_number(spec.type):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        totals = self.is_totals(row)
        if role == Qt.ItemDataRole.FontRole and totals:
            return self._bold
        level = None if totals or not spec.heat else heat_class(value, self.highest)
        if role == Qt.ItemDataRole.BackgroundRole:
            if level is not None:
                return QBrush(QColor(HEAT[level]))
            return QBrush(QColor(TOTALS_BACKGROUND)) if totals else None
        if role == Qt.ItemDataRole.ForegroundRole and level is not None:
            return QBrush(QColor("white" if level >= DARK_FROM else "black"))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.describe(row, column)
        return None

    def describe(self, row: int, column: int) -> str:
        """Row label, column title and value: what a tooltip and a screen reader say."""
        label = self.text(row, 0)
        title = self.table.columns[column].title
        text = self.text(row, column)
        if column == 0:
            return text
        said = f"{label} · {title}: {text}"
        if self.drill(row, column) is not None:
            said += " — " + _("Enter atau klik dua kali: catatan di balik angka ini")
        return said

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            spec = self.table.columns[section]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return spec.title
            if role == Qt.ItemDataRole.TextAlignmentRole and is_number(spec.type):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | WRAP)
        return None

    def drill(self, row: int, column: int) -> Drill | None:
        drills = self.rows[row].drills
        return drills.get(self.table.columns[column].key) or drills.get("")


class WrapHeader(QHeaderView):
    """A horizontal header whose long titles wrap onto balanced lines: a section is as wide as
    its longest line, and the header as tall as its most lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | WRAP)
        self.setSectionsClickable(True)

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        model = self.model()
        if model is None:
            return size
        title = str(model.headerData(logicalIndex, self.orientation()) or "")
        lines = balanced_lines(title)
        if len(lines) < 2:
            return size
        metrics = self.fontMetrics()
        whole = metrics.horizontalAdvance(title)
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        # + 2: Qt wraps the title itself in the painted rectangle; a pixel short breaks a word.
        width = size.width() - whole + widest + 2
        return QSize(width, size.height() + (len(lines) - 1) * metrics.lineSpacing())


class ResultTableView(QTableView):
    """A table whose first column is frozen: a second view drawn over it, sharing the model and
    the selection, scrolled vertically with the main view (the pattern of Qt's frozen-column
    example)."""

    drill_requested = Signal(int, int)  # row, column

    def __init__(self, model: ResultTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName(model.table.title)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setHorizontalHeader(WrapHeader(self))
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(200)
        header.setHighlightSections(False)
        for column, spec in enumerate(model.table.columns):
            self.setColumnHidden(column, spec.internal)
        self.resizeColumnsToContents()
        # Each column's own width (its widest cell or header line); fit_columns shares the
        # window's width out from these.
        self.natural = [self.columnWidth(c) for c in range(model.columnCount())]
        self._fitting = False
        self._wrapped_rows = False
        self.frozen = QTableView(self)
        self.frozen.setHorizontalHeader(WrapHeader(self.frozen))
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.setAccessibleName(_("Kolom pertama {title}").format(title=model.table.title))
        self.frozen.verticalHeader().hide()
        self.frozen.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.horizontalHeader().setHighlightSections(False)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.frozen.setWordWrap(True)
        self.frozen.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.frozen.setStyleSheet("QTableView { border: none; border-right: 1px solid #999; }")
        for column in range(1, model.columnCount()):
            self.frozen.setColumnHidden(column, True)
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self.viewport().stackUnder(self.frozen)
        self.frozen.show()
        self._place_frozen()
        header.sectionResized.connect(self._column_resized)
        self.verticalHeader().sectionResized.connect(self._row_resized)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.doubleClicked.connect(self._activated)
        self.frozen.doubleClicked.connect(self._activated)
        # A vertical scroll bar appearing or going changes the room the columns share.
        self.verticalScrollBar().rangeChanged.connect(lambda *_a: self._fit_later())
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.timeout.connect(self.fit_columns)

    @property
    def result_model(self) -> ResultTableModel:
        model = self.model()
        assert isinstance(model, ResultTableModel)
        return model

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.drill_requested.emit(index.row(), index.column())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def _row_resized(self, row: int, _old: int, new: int) -> None:
        self.frozen.setRowHeight(row, new)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_columns()
        self._place_frozen()

    def _fit_later(self) -> None:
        if not self._fitting:
            self._fit_timer.start(0)

    def room(self) -> int:
        """The width the columns can share without a horizontal scroll bar."""
        width = self.maximumViewportSize().width()
        rows = sum(self.rowHeight(r) for r in range(self.model().rowCount()))
        tall = self.maximumViewportSize().height() - self.horizontalHeader().height()
        if rows > tall:
            width -= self.verticalScrollBar().sizeHint().width()
        return max(width - 1, 0)

    def fit_columns(self) -> None:
        """Share the room out: see the module's docstring."""
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit(self.room())
        finally:
            self._fitting = False

    def _fit(self, room: int) -> None:
        columns = self.result_model.table.columns
        shown = [c for c in range(len(columns)) if not columns[c].internal]
        natural = self.natural
        widths = {c: natural[c] for c in shown}
        total = sum(widths.values())
        if total <= room:
            if shown:
                widths[shown[0]] += room - total  # the names take what is left
        else:
            floors = {
                c: min(
                    natural[c],
                    max(FIRST_FLOOR, int(room * FIRST_SHARE)) if c == shown[0] else TEXT_FLOOR,
                )
                for c in shown
                if not is_number(columns[c].type)
            }
            fixed = total - sum(natural[c] for c in floors)
            if fixed + sum(floors.values()) > room:
                # It scrolls sideways however narrow the texts: only the frozen first column
                # gives way (more room for the scrolled ones); the others keep their lines.
                floors = {c: natural[c] for c in floors if c != shown[0]} | {
                    c: w for c, w in floors.items() if c == shown[0]
                }
                fixed = total - sum(natural[c] for c in floors)
            # The widest texts give way first: every text column is cut to at most ``cap``
            # (never below its floor); the largest cap that fits is found by halving.
            low, high = 0, max((natural[c] for c in floors), default=0)
            while low < high:
                cap = (low + high + 1) // 2
                used = fixed + sum(min(natural[c], max(cap, floors[c])) for c in floors)
                if used <= room:
                    low = cap
                else:
                    high = cap - 1
            for c in floors:
                widths[c] = min(natural[c], max(low, floors[c]))
        for c, width in widths.items():
            if self.columnWidth(c) != width:
                self.setColumnWidth(c, width)
        cut = any(widths[c] < natural[c] for c in shown)
        if cut and self.model().rowCount() <= WRAP_ROWS_UP_TO:
            self.resizeRowsToContents()
            self._wrapped_rows = True
        elif self._wrapped_rows:
            default = self.verticalHeader().defaultSectionSize()
            for row in range(self.model().rowCount()):
                self.setRowHeight(row, default)
            self._wrapped_rows = False

    def _place_frozen(self) -> None:
        frame = self.frameWidth()
        header = self.horizontalHeader().height()
        if self.frozen.horizontalHeader().height() != header:
            self.frozen.horizontalHeader().setFixedHeight(header)
        self.frozen.setGeometry(
            frame,
            frame,
            self.columnWidth(0) + 1,
            self.viewport().height() + header,
        )

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = super().moveCursor(action, modifiers)
        # Keep the cell the cursor moved to out from under the frozen column.
        if action == QAbstractItemView.CursorAction.MoveLeft and current.column() > 0:
            x = self.visualRect(current).topLeft().x()
            if x < self.frozen.columnWidth(0):
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + x - self.frozen.columnWidth(0))
        return current

    def scrollTo(
        self,
        index: Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.column() > 0:
            super().scrollTo(index, hint)
