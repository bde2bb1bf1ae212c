"""Analisis: every view of ``services.analysis.VIEWS`` on one page.

The page knows views only through the result shape (tables of typed columns, drill-downs, a
chart, notes), so a view added to the registry appears here without a line of GUI code. A view is
computed off the GUI thread; a filter change or a cancel overtakes a running computation. A
number opens the records behind it; the view is saved as XLSX or CSV by
``services.analysis.export_table``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.gui.analysis.common import BusyRow, ComputedPage, page_title
from smartcity_desktop.gui.analysis.result_table import ResultTableModel, ResultTableView
from smartcity_desktop.gui.analysis.view_filters import ViewFilters
from smartcity_desktop.gui.tasks import TaskProgress
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import FilterRefused
from smartcity_desktop.services.analysis.registry import VIEWS

if TYPE_CHECKING:
    from smartcity_desktop.gui.analysis.drill_dialog import DrillDialog
    from smartcity_desktop.gui.shell import Shell
    from smartcity_desktop.services.analysis.result import Table, ViewResult
    from smartcity_desktop.services.changes import Change

NAME_ROLE = Qt.ItemDataRole.UserRole
# A table this narrow leaves room for its chart beside it; a wider one has the chart below.
CHART_BESIDE_UP_TO = 4
RECORD_KINDS = ("problem", "potential", "proposal", "review")
NOTE_LINES = 5  # the notes under the tables show this many lines, the rest scroll


def _when(value: dt.datetime) -> str:
    # Stored naive in UTC; officials read their own clock.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().strftime("%d-%m-%Y %H:%M")


class TablePane(QWidget):
    """One table with its chart (beside or below) and its note."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table
        self.view = ResultTableView(ResultTableModel(table))
        self.chart: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        # A chart of nothing but zeros says less than the empty table: leave it out.
        if table.chart is not None and any(v for s in table.chart.series for v in s.values):
            from smartcity_desktop.gui.analysis.view_chart import chart_view

            beside = len(table.columns) <= CHART_BESIDE_UP_TO
            splitter = QSplitter(Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical)
            splitter.setChildrenCollapsible(False)
            self.chart = chart_view(table.chart)
            splitter.addWidget(self.view)
            splitter.addWidget(self.chart)
            if beside:
                view = self.view
                wide = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
                splitter.setSizes([min(wide + 24, 600), 500])
            else:
                # The table as tall as its rows (up to half), the chart the rest.
                view = self.view
                rows = view.verticalHeader().defaultSectionSize() * view.model().rowCount()
                wanted = rows + view.horizontalHeader().sizeHint().height() + 24
                splitter.setSizes([min(wanted, 360), 260])
            layout.addWidget(splitter, 1)
        else:
            layout.addWidget(self.view, 1)
        self.note = QLabel(table.note, wordWrap=True)
        self.note.setProperty("role", "hint")
        self.note.setVisible(bool(table.note))
        layout.addWidget(self.note)


class AnalysisPage(ComputedPage):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent)
        self.result: ViewResult | None = None
        self.panes: list[TablePane] = []
        self.drill_dialog: DrillDialog | None = None
        self._stale = False

        self.views = QListWidget()
        self.views.setAccessibleName(_("Daftar tampilan analisis"))
        for spec in VIEWS.values():
            item = QListWidgetItem(_(spec.title))
            item.setData(NAME_ROLE, spec.name)
            item.setToolTip(_(spec.summary))
            self.views.addItem(item)
        self.views.setMinimumWidth(170)
        self.views.setMaximumWidth(210)
        views_label = QLabel(_("Tampilan &analisis:"))
        views_label.setBuddy(self.views)

        self.view_title = page_title("")
        self.summary = QLabel(wordWrap=True)
        self.filters = ViewFilters(shell)
        self.reload_button = QPushButton(_("&Muat ulang"))
        self.reload_button.setAccessibleName(_("Hitung ulang tampilan analisis"))
        self.busy = BusyRow(_("Kemajuan perhitungan tampilan analisis"))
        self.status = QLabel(wordWrap=True)
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(_("Tabel tampilan analisis"))
        self.notes = QLabel(wordWrap=True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setAccessibleName(_("Catatan dan batas data tampilan"))
        # Long notes (weights, criteria) scroll within a few lines: at 768 pixels high the
        # table and its chart need the room.
        self.notes_area = QScrollArea()
        self.notes_area.setWidget(self.notes)
        self.notes_area.setWidgetResizable(True)
        self.notes_area.setFrameShape(QFrame.Shape.NoFrame)
        self.notes_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notes_area.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * NOTE_LINES + 4)
        self.xlsx_button = QPushButton(_("Simpan &XLSX…"))
        self.xlsx_button.setAccessibleName(_("Simpan tampilan sebagai berkas XLSX"))
        self.csv_button = QPushButton(_("Simpan &CSV…"))
        self.csv_button.setAccessibleName(_("Simpan tabel tampilan sebagai berkas CSV"))
        self._exporting = False

        left = QVBoxLayout()
        left.addWidget(page_title(_("Analisis")))
        left.addWidget(views_label)
        left.addWidget(self.views, 1)
        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        top.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignBottom)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.xlsx_button)
        actions.addWidget(self.csv_button)
        right = QVBoxLayout()
        right.addWidget(self.view_title)
        right.addWidget(self.summary)
        right.addLayout(top)
        right.addWidget(self.busy)
        right.addWidget(self.status)
        right.addWidget(self.tabs, 1)
        right.addWidget(self.notes_area)
        right.addLayout(actions)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(left)
        layout.addLayout(right, 1)

        self.views.currentItemChanged.connect(lambda *_a: self.refresh())
        self.filters.changed.connect(self.refresh)
        self.reload_button.clicked.connect(self.refresh)
        self.busy.cancel.clicked.connect(self.cancel)
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        shell.hub.changed.connect(self._on_change)
        self._chain_focus([])
        if self.views.count():
            self.views.setCurrentRow(0)

    # --- computing ---------------------------------------------------------------------------

    def current_view(self) -> str | None:
        item = self.views.currentItem()
        return None if item is None else str(item.data(NAME_ROLE))

    def select_view(self, name: str) -> None:
        for row in range(self.views.count()):
            if self.views.item(row).data(NAME_ROLE) == name:
                self.views.setCurrentRow(row)
                return
        raise KeyError(name)

    def refresh(self) -> None:
        name = self.current_view()
        if name is None:
            return
        spec = VIEWS[name]
        self.view_title.setText(_(spec.title))
        self.summary.setText(_(spec.summary))
        try:
            flt = self.filters.value()
        except FilterRefused as exc:
            self.status.setText(str(exc))
            return
        ctx = self.shell.ctx
        title = _(spec.title)

        def work(progress: TaskProgress) -> ViewResult:
            def tick(done: int, total: int) -> None:
                progress.check()
                message = _("Menghitung {title}…").format(title=title)
                if total:
                    message += f" {done}/{total}"
                progress.report(done, total, message)

            progress.check()
            return spec.compute(ctx, flt, tick)

        self.compute(
            work,
            _("Menghitung {title}…").format(title=title),
            self.show_result,
            _("Tampilan analisis tidak dapat dihitung"),
        )

    def show_result(self, result: ViewResult) -> None:
        self.result = result
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for pane in self.panes:
            pane.deleteLater()
        self.panes = []
        for table in result.tables:
            pane = TablePane(table)
            pane.view.drill_requested.connect(
                lambda row, column, pane=pane: self.drill(pane.table, pane.view, row, column)
            )
            self.panes.append(pane)
            tab = self.tabs.addTab(pane, table.tab_title)
            self.tabs.setTabToolTip(tab, table.title)
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        self.notes.setText("\n".join(self._note_lines(result)))
        self.status.setText(
            _("Dihitung {when}. Enter atau klik dua kali pada angka: catatan di baliknya.").format(
                when=_when(result.computed_at) if result.computed_at else ""
            )
        )
        self._chain_focus([pane.view for pane in self.panes])
        self._update_actions()

    @staticmethod
    def _note_lines(result: ViewResult) -> list[str]:
        lines = [f"{label}: {value}" for label, value in result.notes]
        if result.cut_off is not None:
            lines.append(
                _("Batas data: paket terakhir diterima {when}.").format(when=_when(result.cut_off))
            )
        else:
            lines.append(_("Batas data: belum ada paket yang diterima."))
        return lines

    def _chain_focus(self, tables: list[QWidget]) -> None:
        chain: list[QWidget] = [
            self.views,
            *self.filters.widgets(),
            self.reload_button,
            self.busy.cancel,
            self.tabs,
            *tables,
            self.xlsx_button,
            self.csv_button,
        ]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

    def _update_actions(self) -> None:
        ready = self.result is not None and not self.busy.isVisible() and not self._exporting
        self.xlsx_button.setEnabled(ready)
        self.csv_button.setEnabled(ready)

    def _on_change(self, change: Change) -> None:
        if any(change.touches(kind) for kind in RECORD_KINDS):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    # --- drill-down --------------------------------------------------------------------------

    def drill(self, table: Table, view: ResultTableView, row: int, column: int) -> None:
        model = view.result_model
        drill = model.drill(row, column)
        result = self.result
        if drill is None or result is None:
            self.status.setText(_("Angka ini tidak punya rincian catatan."))
            return
        # A view of one table often names it as the view: said once ("Isu strategis").
        where = result.title if table.title == result.title else f"{result.title} · {table.title}"
        what = "{where}\n{cell}".format(
            where=where, cell=model.describe(row, column).split(" — ")[0]
        )
        ctx, flt = self.shell.ctx, result.filter

        def work(_progress: TaskProgress) -> Any:
            from smartcity_desktop.services.analysis.drill import drill_records

            return drill_records(ctx, flt, drill)

        self.shell.submit(
            work,
            lambda found: self._show_drill(what, found),
            lambda exc: self.shell.dialogs.error(self, exc, _("Catatan tidak dapat dibuka")),
            parent=self,
        )

    def _show_drill(self, what: str, found: Any) -> None:
        from smartcity_desktop.gui.analysis.drill_dialog import DrillDialog

        self.drill_dialog = DrillDialog(self.shell.ctx, what, found, self)
        self.drill_dialog.open()

    # --- saving ------------------------------------------------------------------------------

    def suggested_path(self, suffix: str) -> Path:
        assert self.result is not None
        code = self.shell.ctx.office.code.replace(".", "")
        name = f"{self.result.view}-{code}-{dt.date.today():%Y%m%d}.{suffix}"
        return Path(self.shell.ctx.paths.exports) / name

    def save(self, kind: str) -> None:
        result = self.result
        if result is None:
            return
        if kind == "xlsx":
            title, file_filter = _("Simpan tampilan sebagai XLSX"), _("Buku kerja Excel (*.xlsx)")
        else:
            title, file_filter = _("Simpan tampilan sebagai CSV"), _("Berkas CSV (*.csv)")
        target = self.shell.dialogs.save_file(self, title, self.suggested_path(kind), file_filter)
        if target is None:
            return

        def work(_progress: TaskProgress) -> list[Path]:
            from smartcity_desktop.services.analysis import export_table

            if kind == "xlsx":
                export_table.write_xlsx(result, target)
                return [target]
            return list(export_table.write_csv(result, target))

        self._exporting = True
        self._update_actions()
        self.status.setText(_("Menyimpan {file}…").format(file=target.name))
        self.shell.submit(
            work,
            self._saved,
            self._save_failed,
            parent=self,
        )

    def _saved(self, files: list[Path]) -> None:
        self._exporting = False
        self._update_actions()
        self.status.setText(_("Tersimpan: {files}").format(files=", ".join(str(f) for f in files)))

    def _save_failed(self, exc: BaseException) -> None:
        self._exporting = False
        self._update_actions()
        self.status.setText("")
        self.shell.dialogs.error(self, exc, _("Tampilan tidak dapat disimpan"))
