"""Record lists as a first-time user meets them: ordered choices sort in their own order, cut
values have a tooltip, counts carry their unit, the layout fits 1366 px, and changes written by
another program show up."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.gui.forms.dialogs import CloseChoice
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.gui.forms.conftest import FakeDialogs
from tests.gui.test_main_window import make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def sample_ctx(desa_ctx: AppContext) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=40, potentials=15, proposals=40, seed=11))
    return desa_ctx


def open_list(qtbot: Any, ctx: AppContext, kind: RecordKind) -> RecordListPage:
    page = RecordListPage(make_shell(ctx), kind)
    qtbot.addWidget(page)
    page.resize(1366 - 200, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def click_header(qtbot: Any, page: RecordListPage, name: str) -> None:
    header = page.table.horizontalHeader()
    column = page.model.column_of(name)
    header.setSectionHidden(column, False)

    def middle() -> int:
        return header.sectionViewportPosition(column) + header.sectionSize(column) // 2

    def on_screen() -> bool:
        page.table.scrollTo(page.model.index(0, column))
        return 0 < middle() < header.viewport().width()

    qtbot.waitUntil(on_screen)  # the layout settles after showing the column
    x = middle()
    QTest.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def texts(page: RecordListPage, name: str) -> list[str]:
    column = page.model.column_of(name)
    return [page.model.index(r, column).data() for r in range(page.model.rowCount())]


def list_order(values: list[str], ref: str) -> list[str]:
    """The distinct labels in the order they appear (empty cells left out)."""
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


@pytest.mark.parametrize(
    ("kind", "name", "ref"),
    [
        (RecordKind.PROBLEM, "severity", "tingkat_keparahan"),
        (RecordKind.PROPOSAL, "quick_win", "quick_win"),
        (RecordKind.PROPOSAL, "scale", "skala"),
    ],
)
def test_ordered_choices_sort_in_their_own_order(
    qtbot: Any, sample_ctx: AppContext, kind: RecordKind, name: str, ref: str
) -> None:
    page = open_list(qtbot, sample_ctx, kind)
    own_order = [item.label() for item in ref_list(ref).items]
    click_header(qtbot, page, name)
    first = list_order(texts(page, name), ref)
    click_header(qtbot, page, name)
    second = list_order(texts(page, name), ref)
    ascending, descending = (
        (first, second)
        if page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        else (second, first)
    )
    assert len(ascending) >= 2
    assert ascending == [label for label in own_order if label in ascending]
    assert descending == list(reversed(ascending))
    # Empty values stay last in both directions.
    values = texts(page, name)
    assert "" not in values[: len([v for v in values if v])]


# --- changes made by another program ----------------------------------------------------------


def run_cli(ctx: AppContext, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "smartcity_desktop.cli.main",
            "--data-dir",
            str(ctx.paths.root),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr


def test_a_list_follows_a_cli_write_and_a_typed_form_stays(
    qtbot: Any, desa_ctx: AppContext
) -> None:
    from smartcity_desktop.gui.main_window import MainWindow

    generate(desa_ctx, SampleRequest(problems=3, potentials=0, proposals=0, seed=3))
    window = MainWindow(make_shell(desa_ctx))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.show_page("problem")
    assert isinstance(page, RecordListPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    # A form with typed, unsaved text.
    page.new_record()
    editor = page.editor
    assert editor is not None
    fake = FakeDialogs()
    fake.close_choice = CloseChoice.DISCARD
    editor.dialogs = fake  # closing the test window must not wait on the question
    title = editor.rows["title"].widget.focus_target()
    assert isinstance(title, QLineEdit)
    title.setFocus()
    QTest.keyClicks(title, "Irigasi sawah tersumbat")

    run_cli(desa_ctx, "sample-data", "--problems", "4", "--potentials", "0", "--proposals", "0")

    qtbot.waitUntil(lambda: page.model.rowCount() == 7, timeout=10_000)
    qtbot.waitUntil(lambda: "Permasalahan: 7" in window.status_counts.text(), timeout=5_000)
    assert "program lain" in window.statusBar().currentMessage()
    assert page.editor is editor
    assert title.text() == "Irigasi sawah tersumbat"


def test_own_saves_are_not_mistaken_for_outside_writes(desa_ctx: AppContext) -> None:
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.data_watch import DataWatch
    from smartcity_desktop.services.records import RecordService

    with DataWatch(desa_ctx) as watch:
        assert not watch.changed_elsewhere()
        generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=5))
        assert not watch.changed_elsewhere()
        other = open_context(desa_ctx.paths)  # a second connection, like a second program
        try:
            RecordService(other).create(
                RecordKind.PROBLEM,
                {"title": "Sampah menumpuk", "dimension": "environment"},
                finalise=False,
            )
            assert watch.changed_elsewhere()
        finally:
            other.db.close()
        assert not watch.changed_elsewhere()  # once per write


# --- 1366 px: whole values, units, widths -----------------------------------------------------


def test_cut_values_have_the_whole_value_as_tooltip_and_counts_their_unit(
    qtbot: Any, desa_ctx: AppContext
) -> None:
    from smartcity_desktop.services.records import RecordService

    service = RecordService(desa_ctx)
    service.create(
        RecordKind.PROBLEM,
        {
            "title": "Pelayanan surat keterangan di kantor desa lambat",
            "description": "Warga menunggu berhari-hari.",
            "dimension": "governance",
            "sub_element": "pelayanan_publik",
            "severity": "sedang",
            "affected_count": 120,
            "affected_unit": "jiwa",
        },
        finalise=True,
    )
    page = open_list(qtbot, desa_ctx, RecordKind.PROBLEM)
    window_width = 1366 - 200  # the sidebar takes the rest of a 1366-pixel screen
    page.resize(window_width, 700)
    dimension = page.model.column_of("dimension")
    cell = page.model.index(0, dimension)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "Tata Kelola Pemerintahan Cerdas"
    # The common case fits: the longest dimension is not cut at 1366 px.
    header = page.table.horizontalHeader()
    needed = page.table.fontMetrics().horizontalAdvance("Tata Kelola Pemerintahan Cerdas")
    assert header.sectionSize(dimension) >= needed + 8
    count = page.model.index(0, page.model.column_of("affected_count"))
    assert count.data() == "120 jiwa"
    assert count.data(Qt.ItemDataRole.ToolTipRole) == "120 jiwa"
    # The title still gets a readable share of the width.
    assert header.sectionSize(page.model.column_of("title")) >= 300


def test_funding_source_and_volume_read_whole(qtbot: Any, desa_ctx: AppContext) -> None:
    from smartcity_desktop.services.records import RecordService

    RecordService(desa_ctx).create(
        RecordKind.PROPOSAL,
        {
            "title": "Sumur bor untuk musim kemarau",
            "description": "Sumur bor bersama di tiap RW.",
            "dimension": "living",
            "sub_element": "kesehatan",
            "funding_source": "apbdes",
            "volume": 3,
            "unit": "unit",
        },
        finalise=False,
    )
    page = open_list(qtbot, desa_ctx, RecordKind.PROPOSAL)
    funding = page.model.index(0, page.model.column_of("funding_source"))
    assert funding.data(Qt.ItemDataRole.ToolTipRole) == "APBDes (Dana Desa/ADD)"
    assert page.model.index(0, page.model.column_of("volume")).data() == "3 unit"


@pytest.mark.parametrize("kind", list(RecordKind))
def test_default_columns_fit_a_1366_pixel_screen(
    qtbot: Any, sample_ctx: AppContext, kind: RecordKind
) -> None:
    page = open_list(qtbot, sample_ctx, kind)
    header = page.table.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= page.table.viewport().width()
    assert header.sectionSize(page.model.column_of("title")) >= 250
