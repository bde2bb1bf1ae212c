"""Analisis: any registered view on one page, on the known data set of
tests/services/similarity_data.py (Tarumajaya: a1–a4, b1–b3; Babelan: c1–c3, d1), with real
widgets offscreen. The numbers expected are counted by hand from that data set."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.analysis.drill_dialog import DrillDialog, RecordDialog
from smartcity_desktop.gui.analysis.result_table import ResultTableView
from smartcity_desktop.gui.analysis.view_page import AnalysisPage
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.services.analysis import registry
from smartcity_desktop.services.analysis.result import (
    Chart,
    Column,
    ColumnType,
    Drill,
    Row,
    Series,
    Table,
    ViewResult,
)
from smartcity_desktop.services.context import AppContext
from tests.gui.test_main_window import FakeDialogs, make_shell
from tests.services.similarity_data import A, Known, known, known_template

__all__ = ["known", "known_template"]
pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

TARUMAJAYA = "32.16.01"
BABELAN = "32.16.02"


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    yield ctx
    ctx.close()


@pytest.fixture
def kec(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kecamatan")
    yield ctx
    ctx.close()


def open_page(qtbot: Any, ctx: AppContext, shell: Shell | None = None) -> AnalysisPage:
    page = AnalysisPage(shell or make_shell(ctx))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def grid(page: AnalysisPage, tab: int = 0) -> dict[tuple[str, str], str]:
    """(row label, column title) -> the text shown in the cell."""
    model = page.panes[tab].view.result_model
    return {
        (model.text(r, 0), str(model.headerData(c, Qt.Orientation.Horizontal))): model.text(r, c)
        for r in range(model.rowCount())
        for c in range(1, model.columnCount())
    }


def test_the_matrix_shows_the_hand_counted_numbers(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    assert page.current_view() == "matriks-permasalahan"
    assert page.view_title.text() == "Matriks permasalahan"
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Jumlah permasalahan",
        "Jumlah berbobot keparahan",
        "Rata-rata permasalahan per desa",
        "Permasalahan per sub-elemen",
    ]
    cells = grid(page)
    assert cells[("Lingkungan Cerdas", "Tarumajaya")] == "3"  # a1 a3 b1
    assert cells[("Lingkungan Cerdas", "Babelan")] == "3"  # c1 c2 c3
    assert cells[("Kehidupan Cerdas", "Tarumajaya")] == "4"  # a2 a4 b2 b3
    assert cells[("Kehidupan Cerdas", "Babelan")] == "1"  # d1
    assert cells[("Jumlah", "Total")] == "11"
    # Severity-weighted: ringan 1, sedang 2, berat 3, sangat berat 4.
    weighted = grid(page, 1)
    assert weighted[("Lingkungan Cerdas", "Tarumajaya")] == "9"  # 3 + 2 + 4
    # Per village, one decimal in Indonesian: 4 problems over Tarumajaya's 8 villages.
    assert grid(page, 2)[("Kehidupan Cerdas", "Tarumajaya")] == "0,5"
    # The totals row comes last, in bold; a heat cell is coloured and keeps its number.
    model = page.panes[0].view.result_model
    last = model.rowCount() - 1
    assert model.text(last, 0) == "Jumlah"
    assert model.data(model.index(last, 1), Qt.ItemDataRole.FontRole).bold()
    column = model.table.column_index(TARUMAJAYA)
    row = next(r for r in range(last) if model.text(r, 0) == "Kehidupan Cerdas")
    assert model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole) == "4"
    # The chart of the first table, the notes and the data cut-off under the table.
    chart = page.panes[0].chart
    assert chart is not None
    assert chart.accessibleName() == "Permasalahan per kecamatan menurut dimensi"
    assert "Bobot keparahan" in page.notes.text()
    assert "Batas data: paket terakhir diterima" in page.notes.text()


def test_filters_change_the_numbers(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    filters = page.filters
    filters.kecamatan.setCurrentIndex(filters.kecamatan.findData(BABELAN))
    cells = grid(page)
    assert ("Lingkungan Cerdas", "Tarumajaya") not in cells
    assert cells[("Jumlah", "Total")] == "4"
    filters.dimension.setCurrentIndex(filters.dimension.findData("environment"))
    assert grid(page)[("Jumlah", "Total")] == "3"
    filters.kecamatan.setCurrentIndex(0)
    filters.dimension.setCurrentIndex(0)
    # The known villages were pinned by hand: nothing is certified.
    filters.trust.setCurrentIndex(filters.trust.findData("certified"))
    assert grid(page)[("Jumlah", "Total")] == "0"
    filters.trust.setCurrentIndex(0)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    filters.date_from.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert grid(page)[("Jumlah", "Total")] == "0"
    # A reversed period is refused with the filter's message; the table stays as it was.
    filters.date_to.setDate(QDate(2020, 1, 1))
    assert "Periode terbalik" in page.status.text()
    assert grid(page)[("Jumlah", "Total")] == "0"
    filters.date_from.setDate(filters.date_from.minimumDate())
    filters.date_to.setDate(filters.date_to.minimumDate())
    assert grid(page)[("Jumlah", "Total")] == "11"
    filters.stage.setCurrentIndex(filters.stage.findData("belum_kirim"))
    assert grid(page)[("Jumlah", "Total")] == "0"


def test_a_kecamatan_sees_its_own_villages_without_a_kecamatan_choice(
    qtbot: Any, kec: AppContext
) -> None:
    page = open_page(qtbot, kec)
    assert page.filters.kecamatan.isHidden()
    assert page.filters.kecamatan not in page.filters.widgets()
    cells = grid(page)
    assert cells[("Jumlah", "Total")] == "7"  # a1–a4, b1–b3
    assert {title for _row, title in cells} == {"Tarumajaya", "Total"}


def test_a_drill_down_lists_the_records_behind_a_number_and_opens_one(
    qtbot: Any, known: Known, kab: AppContext
) -> None:
    page = open_page(qtbot, kab)
    view = page.panes[0].view
    model = view.result_model
    row = next(r for r in range(model.rowCount()) if model.text(r, 0) == "Lingkungan Cerdas")
    column = model.table.column_index(TARUMAJAYA)
    # By keyboard: the cell made current, then Enter.
    view.setFocus()
    view.setCurrentIndex(model.index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = page.drill_dialog
    assert isinstance(dialog, DrillDialog)
    qtbot.addWidget(dialog)
    listed = dialog.list.model.rows
    assert sorted(known.label_of(r.id) for r in listed) == ["a1", "a3", "b1"]
    assert dialog.list.count.text() == "3 catatan."
    shown = [
        [dialog.list.model.data(dialog.list.model.index(r, c)) for c in range(6)] for r in range(3)
    ]
    assert {line[3] for line in shown} == {"Kecamatan Tarumajaya"}
    assert {line[2] for line in shown} == {"Desa Sagara Makmur", "Desa Samudra Jaya"}
    assert {line[4] for line in shown} == {"⚠ Dipercaya lokal"}
    assert {line[5] for line in shown} == {"belum direviu"}
    # Opening one shows the record under its provenance.
    first = next(r for r, line in enumerate(listed) if known.label_of(line.id) == "a1")
    dialog.list.table.setCurrentIndex(dialog.list.model.index(first, 0))
    qtbot.keyClick(dialog.list.table, Qt.Key.Key_Return)
    record = dialog.record_dialog
    assert isinstance(record, RecordDialog)
    qtbot.addWidget(record)
    assert record.windowTitle() == "Banjir rob merendam tambak"
    assert "Sagara Makmur" in record.provenance.owner.text()
    assert record.provenance.bundles.rowCount() == 1


def test_a_double_click_on_the_totals_opens_the_whole_column(
    qtbot: Any, known: Known, kab: AppContext
) -> None:
    page = open_page(qtbot, kab)
    view = page.panes[0].view
    model = view.result_model
    last = model.rowCount() - 1
    column = model.table.column_index(BABELAN)
    view.scrollTo(model.index(last, column))
    rect = view.visualRect(model.index(last, column))
    # A double click follows a press on the same cell, as with a real mouse.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.drill_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert sorted(known.label_of(r.id) for r in dialog.list.model.rows) == [
        "c1",
        "c2",
        "c3",
        "d1",
    ]


# --- any view: a synthetic one with every column type ------------------------------------------


class _Synthetic(registry.ViewSpec):
    """A view the page has never heard of: two tables, money, percent, a horizontal chart."""

    def compute(self, ctx: AppContext, flt: Any, tick: Any = None) -> ViewResult:
        if tick is not None:
            tick(1, 2)
        money = Table(
            "biaya",
            "Biaya per sumber dana",
            (
                Column("sumber", "Sumber dana"),
                Column("biaya", "Biaya", ColumnType.MONEY, heat=True),
                Column("bagian", "Bagian", ColumnType.PERCENT),
                Column("rata", "Rata-rata", ColumnType.FLOAT),
            ),
            (
                Row(("APBDes", 1_500_000, 62.5, 1.25), {"biaya": Drill(("proposal",))}),
                Row(("APBD Kabupaten", 900_000, 37.5, 3.0)),
            ),
            Row(("Jumlah", 2_400_000, 100.0, 2.125)),
            Chart(
                "Biaya",
                ("APBDes", "APBD Kabupaten"),
                (Series("Biaya", (1_500_000.0, 900_000.0)),),
                horizontal=True,
                value_label="Rp",
            ),
            note="Biaya perkiraan usulan.",
        )
        plain = Table("daftar", "Daftar", (Column("nama", "Nama"),), (Row(("satu",)),))
        return ViewResult(
            "uji-sintetis",
            "Uji sintetis",
            ctx.office.code,
            flt,
            {},
            (money, plain),
            (("Bobot", "semua sama"),),
            computed_at=dt.datetime(2026, 12, 1, 8, 0),
        )


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> str:
    spec = _Synthetic("uji-sintetis", "Uji sintetis", "Tampilan uji dengan semua jenis kolom", "")
    monkeypatch.setitem(registry.VIEWS, spec.name, spec)
    return spec.name


def test_any_view_shows_typed_cells_tabs_and_a_chart(
    qtbot: Any, kab: AppContext, synthetic: str
) -> None:
    page = open_page(qtbot, kab)
    page.select_view(synthetic)
    assert page.view_title.text() == "Uji sintetis"
    assert page.summary.text() == "Tampilan uji dengan semua jenis kolom"
    assert page.tabs.count() == 2 and page.tabs.tabBar().isVisible()
    cells = grid(page)
    assert cells[("APBDes", "Biaya")] == "Rp 1.500.000"
    assert cells[("APBDes", "Bagian")] == "62,5%"
    assert cells[("APBDes", "Rata-rata")] == "1,2"  # one decimal (banker's rounding of 1.25)
    assert cells[("Jumlah", "Biaya")] == "Rp 2.400.000"
    pane = page.panes[0]
    assert pane.note.text() == "Biaya perkiraan usulan." and not pane.note.isHidden()
    assert pane.chart is not None and pane.chart.accessibleName() == "Biaya"
    assert "Bobot: semua sama" in page.notes.text()
    assert "belum ada paket" in page.notes.text() or "Batas data" in page.notes.text()
    # The cell without a drill-down of its own and without a row drill says so.
    page.drill(pane.table, pane.view, 1, 1)
    assert page.status.text() == "Angka ini tidak punya rincian catatan."


def test_export_buttons_call_the_table_writers_off_the_gui_thread(
    qtbot: Any, kab: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    written: list[tuple[str, str, Path]] = []

    def write_xlsx(result: ViewResult, path: Path) -> None:
        written.append(("xlsx", result.view, path))
        path.write_bytes(b"xlsx")

    def write_csv(result: ViewResult, path: Path) -> list[Path]:
        written.append(("csv", result.view, path))
        out = [path.with_name(f"{path.stem}-{t.key}.csv") for t in result.tables]
        for f in out:
            f.write_text("x")
        return out

    # The writers belong to services/analysis/export_table.py; a stand-in here only.
    stand_in = types.ModuleType("smartcity_desktop.services.analysis.export_table")
    stand_in.write_xlsx = write_xlsx  # type: ignore[attr-defined]
    stand_in.write_csv = write_csv  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, stand_in.__name__, stand_in)
    import smartcity_desktop.services.analysis as package

    monkeypatch.setattr(package, "export_table", stand_in, raising=False)

    page = open_page(qtbot, kab)
    dialogs: FakeDialogs = page.shell.dialogs  # type: ignore[assignment]
    assert page.suggested_path("xlsx").name.startswith("matriks-permasalahan-3216-")
    dialogs.save_answer = tmp_path / "matriks.xlsx"
    page.xlsx_button.click()
    dialogs.save_answer = tmp_path / "matriks.csv"
    page.csv_button.click()
    assert [(k, v) for k, v, _p in written] == [
        ("xlsx", "matriks-permasalahan"),
        ("csv", "matriks-permasalahan"),
    ]
    assert "matriks-jumlah.csv" in page.status.text()
    assert page.xlsx_button.isEnabled() and dialogs.errors == []
    # No file chosen: nothing is written.
    dialogs.save_answer = None
    page.xlsx_button.click()
    assert len(written) == 2


# --- cancel ------------------------------------------------------------------------------------


class _Slow(registry.ViewSpec):
    """Waits until released, ticking; a cancel makes its next tick raise."""

    release = threading.Event()
    ticks = 0

    def compute(self, ctx: AppContext, flt: Any, tick: Any = None) -> ViewResult:
        while not self.release.wait(0.01):
            _Slow.ticks += 1
            tick(_Slow.ticks, 0)
        tick(1, 1)
        raise AssertionError("a cancelled computation went on")


def test_cancel_stops_a_running_computation_and_keeps_the_last_view(
    qtbot: Any, kab: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _Slow("lambat", "Lambat", "Tampilan yang lama dihitung", "")
    monkeypatch.setitem(registry.VIEWS, slow.name, slow)
    shell = Shell(kab, TaskRunner(), ChangeHub(), FakeDialogs())  # type: ignore[arg-type]
    page = open_page(qtbot, kab, shell)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    shown = page.result
    page.select_view("lambat")
    assert page.busy.isVisible()
    assert not page.xlsx_button.isEnabled()
    qtbot.waitUntil(lambda: _Slow.ticks > 0, timeout=10_000)
    page.busy.cancel.click()
    _Slow.release.set()
    assert shell.runner.wait(10_000)
    QApplication.processEvents()
    assert page.status.text() == "Dibatalkan."
    assert not page.busy.isVisible()
    assert page.result is shown  # the matrix stays on screen
    assert shell.dialogs.errors == []  # type: ignore[attr-defined]


# --- navigation and keyboard -------------------------------------------------------------------


def test_one_analisis_entry_above_the_village_beside_the_other_analysis_pages(
    qtbot: Any, kab: AppContext
) -> None:
    window = MainWindow(make_shell(kab))
    qtbot.addWidget(window)
    keys = [s.key for s in window.specs]
    assert keys.count("analysis") == 1 and "issues" in keys and "similar" in keys
    page = window.show_page("analysis")
    assert isinstance(page, AnalysisPage)


def test_every_action_is_reachable_by_tab_with_a_name(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    page.views.setFocus()
    seen = []
    widget = page.views
    for _ in range(40):
        seen.append(widget)
        widget = widget.nextInFocusChain()
        while not (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget = widget.nextInFocusChain()
        if widget is page.views:
            break
    filters = page.filters
    wanted = [
        page.views,
        filters.date_from,
        filters.date_to,
        filters.kecamatan,
        filters.stage,
        filters.trust,
        filters.dimension,
        page.reload_button,
    ]
    inside = [w for w in seen if w in wanted or w in (page.xlsx_button, page.csv_button)]
    assert inside[: len(wanted)] == wanted
    table = page.panes[0].view
    order = [w for w in seen if w in (page.reload_button, table, page.xlsx_button, page.csv_button)]
    assert order == [page.reload_button, table, page.xlsx_button, page.csv_button]
    for widget in (*wanted, table, page.xlsx_button, page.csv_button):
        assert widget.accessibleName(), widget
    assert isinstance(table, ResultTableView)


def test_a_desa_record_change_recomputes_the_view(
    qtbot: Any, known: Known, kab: AppContext
) -> None:
    from smartcity_desktop.services.changes import Action, Change

    page = open_page(qtbot, kab)
    first = page.result
    page.shell.hub.publish(Change(Action.UPDATED, "problem", (known.ids["a1"],)))
    assert page.result is not first
    assert A.startswith(TARUMAJAYA)
