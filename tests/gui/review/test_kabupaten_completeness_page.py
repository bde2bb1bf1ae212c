"""Kelengkapan at the kabupaten on real offices: groups, route, total row, stage deadlines and
filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.review.completeness_page import COL, LATE_FILL, CompletenessPage
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.services import trust
from smartcity_desktop.services.completeness import DeadlineStage, stage_deadlines
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from tests.conftest import DESA_CODE, KECAMATAN_CODE
from tests.gui.review.conftest import FakeDialogs, make_shell
from tests.services.forwarding_helpers import accept_everything
from tests.services.review_helpers import forward

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

NEVER_SENT = "32.16.01.2002"


@pytest.fixture
def kab(
    village: AppContext, desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> AppContext:
    """Sagara Makmur (13 records) verified by Tarumajaya and nested in its forward."""
    accept_everything(village, DESA_CODE)
    trust.pin_office(kabupaten_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    forward(village, kabupaten_ctx, tmp_path / "forward")
    return kabupaten_ctx


def open_page(qtbot: Any, ctx: AppContext, shell: Shell | None = None) -> CompletenessPage:
    page = CompletenessPage(shell or make_shell(ctx))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def village_rows(page: CompletenessPage) -> list[str]:
    out = []
    for n in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(n)
        out.extend(top.child(c).data(0, Qt.ItemDataRole.UserRole) for c in range(top.childCount()))
    return out


def set_on_page(page: CompletenessPage, stage: DeadlineStage, day: dt.date | None) -> None:
    check = page.deadline_checks[stage]
    if check.isChecked() != (day is not None):
        QTest.mouseClick(check, Qt.MouseButton.LeftButton)
    if day is not None:
        page.deadline_edits[stage].setDate(QDate(day.year, day.month, day.day))


def test_grouped_regency_with_route_and_total_row(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    assert page.tree.topLevelItemCount() == 23
    assert not page.tree.isColumnHidden(COL["route"])
    tarumajaya = page.tree.topLevelItem(0)
    assert tarumajaya.text(COL["name"]) == "Kecamatan Tarumajaya"
    assert tarumajaya.text(COL["bundle"]) == "1 dari 8 desa mengirim (12,5%)"
    assert tarumajaya.text(COL["problem"]) == "6"
    sagara = page.item_of(DESA_CODE)
    assert sagara is not None
    assert sagara.text(COL["route"]) == "lewat Kec. Tarumajaya"
    assert sagara.text(COL["stage"]) == "Diverifikasi kecamatan"
    assert sagara.text(COL["progress"]) == "13 dari 13"
    assert "paket teruskan Kecamatan Tarumajaya" in sagara.toolTip(COL["route"])
    assert len(village_rows(page)) == 187
    total = page.total_row.topLevelItem(0)
    assert total.text(COL["name"]) == "Total kabupaten"
    assert total.text(COL["bundle"]) == "1 dari 187 desa mengirim (0,5%)"
    assert total.text(COL["stage"]) == "0,5% diverifikasi"
    assert total.text(COL["problem"]) == "6" and total.text(COL["proposal"]) == "4"
    assert page.total_row.isVisible()
    assert page.total_row.columnWidth(COL["bundle"]) == page.tree.columnWidth(COL["bundle"])
    # Three deadlines, none set yet.
    assert [c.text() for c in page.deadline_checks.values()] == [
        "Terkirim:",
        "Diverifikasi kecamatan:",
        "Diterima kabupaten:",
    ]
    assert "Belum ada tenggat" in page.summary.text()


def test_stage_deadlines_set_on_the_page_mark_late_villages(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    today = kab.clock().date()
    set_on_page(page, DeadlineStage.TERKIRIM, today - dt.timedelta(days=10))
    set_on_page(page, DeadlineStage.DIVERIFIKASI_KECAMATAN, today - dt.timedelta(days=2))
    set_on_page(page, DeadlineStage.DITERIMA_KABUPATEN, today + dt.timedelta(days=14))
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)
    assert page.deadline_error.text() == ""
    assert stage_deadlines(kab) == {
        DeadlineStage.TERKIRIM: today - dt.timedelta(days=10),
        DeadlineStage.DIVERIFIKASI_KECAMATAN: today - dt.timedelta(days=2),
        DeadlineStage.DITERIMA_KABUPATEN: today + dt.timedelta(days=14),
    }
    never = page.item_of(NEVER_SENT)
    assert never is not None
    assert never.text(COL["note"]) == "Terlambat: belum mengirim"
    assert never.background(0).color() == LATE_FILL
    assert "Tenggat diverifikasi kecamatan" in never.toolTip(COL["note"])
    sagara = page.item_of(DESA_CODE)
    assert sagara is not None and "Terlambat" not in sagara.text(COL["note"])
    assert "Diterima kabupaten" in page.summary.text() and "belum lewat" in page.summary.text()
    assert "186 desa terlambat" in page.total_row.topLevelItem(0).text(COL["note"])

    # Out of order: the reason is shown and nothing is stored.
    set_on_page(page, DeadlineStage.DITERIMA_KABUPATEN, today - dt.timedelta(days=30))
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)
    assert "lebih awal dari tenggat" in page.deadline_error.text()
    assert stage_deadlines(kab)[DeadlineStage.DITERIMA_KABUPATEN] == today + dt.timedelta(days=14)
    # Cleared on the page: nobody is late any more.
    for stage in DeadlineStage:
        set_on_page(page, stage, None)
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)
    assert set(stage_deadlines(kab).values()) == {None}
    assert page.item_of(NEVER_SENT).text(COL["note"]) == ""


def test_filters_by_kecamatan_stage_and_late(qtbot: Any, kab: AppContext) -> None:
    page = open_page(qtbot, kab)
    page.filter_stage.setCurrentIndex(page.filter_stage.findData("diverifikasi_kecamatan"))
    assert page.tree.topLevelItemCount() == 1
    assert village_rows(page) == [DESA_CODE]
    assert page.tree.topLevelItem(0).isExpanded()
    assert page.shown_note.text() == "Menampilkan 1 dari 187 desa/kelurahan"
    # The group row keeps the whole kecamatan's totals.
    assert page.tree.topLevelItem(0).text(COL["bundle"]) == "1 dari 8 desa mengirim (12,5%)"

    page.filter_stage.setCurrentIndex(0)
    page.filter_kecamatan.setCurrentIndex(page.filter_kecamatan.findData("32.16.02"))
    assert page.tree.topLevelItemCount() == 1
    assert page.tree.topLevelItem(0).text(COL["name"]) == "Kecamatan Babelan"
    page.hide()  # another page shown; new data arrives: the filter still holds
    page.reload()
    assert page.tree.topLevelItemCount() == 1
    page.show()
    page.filter_kecamatan.setCurrentIndex(page.filter_kecamatan.findData(KECAMATAN_CODE))

    QTest.mouseClick(page.filter_late, Qt.MouseButton.LeftButton)
    assert village_rows(page) == []  # no deadline yet: nobody late
    page.deadline_checks[DeadlineStage.TERKIRIM].setChecked(True)
    page.deadline_edits[DeadlineStage.TERKIRIM].setDate(QDate.currentDate().addDays(-1))
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)
    late = village_rows(page)
    assert len(late) == 7 and DESA_CODE not in late and NEVER_SENT in late
    page.apply_filter_choice("all", None)
    assert len(village_rows(page)) == 187


def test_the_data_is_read_off_the_gui_thread(qtbot: Any, kab: AppContext) -> None:
    runner = TaskRunner()
    shell = Shell(kab, runner, ChangeHub(), FakeDialogs())  # type: ignore[arg-type]
    page = open_page(qtbot, kab, shell)
    qtbot.waitUntil(page.is_loaded, timeout=20_000)
    assert page.tree.topLevelItemCount() == 23
    page.reload()
    assert not page.is_loaded()  # the read is under way; the old rows are still shown
    assert page.tree.topLevelItemCount() == 23
    qtbot.waitUntil(page.is_loaded, timeout=20_000)
    assert page.item_of(DESA_CODE) is not None
    runner.wait()
