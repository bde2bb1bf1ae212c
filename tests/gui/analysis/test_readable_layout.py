"""The analysis pages on the usual office laptop (1366 × 768): readable names instead of internal
keys, tables that fit without scrolling sideways, names shown whole. On the known data set of
tests/services/similarity_data.py, with real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.analysis.cells import balanced_lines
from smartcity_desktop.gui.analysis.drill_dialog import DrillDialog
from smartcity_desktop.gui.analysis.issues_page import KEY_ROLE, IssuesPage
from smartcity_desktop.gui.analysis.result_table import ResultTableView
from smartcity_desktop.gui.analysis.view_page import AnalysisPage
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.services.context import AppContext
from tests.gui.test_main_window import make_shell
from tests.services.similarity_data import Known, known, known_template

__all__ = ["known", "known_template"]
pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

FLOOD_KEY = "proteksi_lingkungan|2.11|banjir+rob"
FLOOD_NAME = "Proteksi lingkungan · 2.11 Lingkungan Hidup · banjir, rob, tambak"


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    yield ctx
    ctx.close()


def laptop(qtbot: Any, ctx: AppContext, page_key: str) -> tuple[MainWindow, Any]:
    """The main window at 1366 × 768 showing ``page_key``, its computation finished."""
    shell = make_shell(ctx)
    window = MainWindow(shell)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    page = window.show_page(page_key)
    window.show()
    shell.runner.wait(10_000)
    QApplication.processEvents()
    return window, page


def show_view(qtbot: Any, page: AnalysisPage, name: str, tab: int = 0) -> ResultTableView:
    page.select_view(name)
    qtbot.waitUntil(lambda: page.result is not None and page.result.view == name, timeout=10_000)
    page.tabs.setCurrentIndex(tab)
    QApplication.processEvents()
    view = page.panes[tab].view
    view.fit_columns()
    QApplication.processEvents()
    return view


def test_isu_strategis_names_the_issue_not_its_key(qtbot: Any, kab: AppContext) -> None:
    _window, page = laptop(qtbot, kab, "analysis")
    view = show_view(qtbot, page, "isu-strategis")
    model = view.result_model
    first = model.data(model.index(0, 0))
    assert first == FLOOD_NAME
    assert "|" not in first and "Proteksi lingkungan" in first
    # The key and the name's parts stay in the data (CSV, XLSX), hidden on screen.
    hidden = [
        model.table.columns[c].key for c in range(model.columnCount()) if view.isColumnHidden(c)
    ]
    assert hidden == ["sub_elemen", "urusan", "judul", "kunci"]
    assert model.rows[0].values[model.table.column_index("kunci")] == FLOOD_KEY
    # The records behind the first issue are headed by its name.
    view.drill_requested.emit(0, 1)
    qtbot.waitUntil(lambda: page.drill_dialog is not None, timeout=10_000)
    dialog = page.drill_dialog
    assert isinstance(dialog, DrillDialog)
    qtbot.addWidget(dialog)
    heading = dialog.findChildren(type(page.status))[0].text()
    assert FLOOD_NAME in heading and "|" not in heading


def test_keselarasan_fits_a_1366_window_without_scrolling_sideways(
    qtbot: Any, kab: AppContext
) -> None:
    _window, page = laptop(qtbot, kab, "analysis")
    for tab in range(4):
        view = show_view(qtbot, page, "keselarasan-urusan-opd-rpjmd", tab)
        assert view.isVisible()
        assert view.horizontalScrollBar().maximum() == 0, page.tabs.tabText(tab)
        shown = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]
        used = sum(view.columnWidth(c) for c in shown)
        assert used <= view.viewport().width()
    view = show_view(qtbot, page, "keselarasan-urusan-opd-rpjmd", 0)
    model = view.result_model
    header = view.horizontalHeader()
    governance = model.table.column_index("governance")
    # The dimension's long name wraps in its header; the whole name is its tooltip.
    title = "Tata Kelola Pemerintahan Cerdas"
    assert model.headerData(governance, Qt.Orientation.Horizontal) == title
    assert model.headerData(governance, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        title
    )
    assert len(balanced_lines(title)) > 1
    assert view.columnWidth(governance) < header.fontMetrics().horizontalAdvance(title)
    # The names column takes the room the numbers leave: no urusan name is cut.
    metrics = view.fontMetrics()
    for row in range(model.rowCount()):
        assert metrics.horizontalAdvance(model.text(row, 0)) < view.columnWidth(0)
    # The frozen first column lies exactly over the first column, under the same header height.
    assert view.frozen.columnWidth(0) == view.columnWidth(0)
    assert view.frozen.horizontalHeader().height() == header.height()


def test_long_tab_titles_are_short_with_the_whole_title_as_tooltip(
    qtbot: Any, kab: AppContext
) -> None:
    _window, page = laptop(qtbot, kab, "analysis")
    show_view(qtbot, page, "kesenjangan-masalah-usulan")
    tabs = page.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Permasalahan tanpa usulan",
        "Usulan tanpa tautan",
        "Daftar permasalahan tanpa usulan",
        "Daftar usulan tanpa tautan",
    ]
    assert tabs.tabToolTip(0) == "Permasalahan tanpa usulan per dimensi dan kecamatan"
    bar = tabs.tabBar()
    assert sum(bar.tabRect(i).width() for i in range(tabs.count())) <= bar.width()


def test_issues_page_names_issues_and_shows_village_lists_whole(
    qtbot: Any, kab: AppContext
) -> None:
    _window, page = laptop(qtbot, kab, "issues")
    assert isinstance(page, IssuesPage)
    page.fit_columns()
    QApplication.processEvents()
    tree = page.tree
    top = tree.topLevelItem(0)
    assert top.text(0) == FLOOD_NAME and "|" not in top.text(0)
    assert top.data(0, KEY_ROLE) == FLOOD_KEY  # what merge and split decide on
    assert FLOOD_KEY in top.toolTip(0)
    metrics = tree.fontMetrics()
    examples = top.text(6)
    assert examples == "Desa Hurip Jaya, Desa Sagara Makmur, Desa Samudra Jaya"
    # Room to spare on a 1366 window: the list of villages and the name are not cut.
    assert metrics.horizontalAdvance(examples) <= tree.columnWidth(6)
    assert tree.horizontalScrollBar().maximum() == 0
    # The name's row is as tall as its wrapped lines need.
    width = tree.columnWidth(0) - 2 * tree.indentation()
    lines = -(-metrics.horizontalAdvance(top.text(0)) // width)
    assert tree.visualItemRect(top).height() >= lines * metrics.height()
    # A name longer than its column wraps onto more lines instead of ending in "…".
    tree.setColumnWidth(0, 200)
    QApplication.processEvents()
    assert tree.visualItemRect(top).height() > metrics.height() * 2


def test_long_titles_break_into_balanced_lines() -> None:
    assert balanced_lines("Total") == ["Total"]
    assert balanced_lines("Desa/kelurahan") == ["Desa/kelurahan"]  # one word is never broken
    assert balanced_lines("Tambun Selatan") == ["Tambun", "Selatan"]
    assert balanced_lines("Tata Kelola Pemerintahan Cerdas") == [
        "Tata Kelola",
        "Pemerintahan",
        "Cerdas",
    ]
    assert balanced_lines("Dinas Pariwisata", 3, 22) == ["Dinas Pariwisata"]


def test_a_long_name_beside_a_horizontal_bar_wraps_instead_of_being_cut(qtbot: Any) -> None:
    from PySide6.QtCharts import QBarCategoryAxis

    from smartcity_desktop.gui.analysis.view_chart import chart_view
    from smartcity_desktop.services.analysis.result import Chart, Series

    names = ("Dinas Pariwisata", "Dinas Komunikasi, Informatika, Persandian dan Statistik")
    view = chart_view(Chart("OPD", names, (Series("Usulan", (2.0, 1.0)),), horizontal=True))
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    QApplication.processEvents()
    (axis,) = [a for a in view.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert axis.categories() == [
        "Dinas Komunikasi,<br>Informatika, Persandian<br>dan Statistik",
        "Dinas Pariwisata",
    ]
    # Too many bars for two lines each: one line, so that the axis hides no name.
    many = tuple(f"{n}. Dinas Pemberdayaan Masyarakat dan Desa" for n in range(1, 13))
    crowded = chart_view(Chart("OPD", many, (Series("Usulan", (1.0,) * 12),), horizontal=True))
    qtbot.addWidget(crowded)
    crowded.resize(400, 200)
    crowded.show()
    QApplication.processEvents()
    (axis,) = [a for a in crowded.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert not any("<br>" in c for c in axis.categories())
