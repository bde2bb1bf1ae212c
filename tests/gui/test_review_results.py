"""A desa's lists and forms after its kecamatan's reviews arrived: "Hasil verifikasi"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms.editor import RecordEditor
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.gui.record_table_model import REVIEW_REPAIR_COLOR
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import Decision, review_record
from smartcity_desktop.services.review_results import REVIEW_RESULT, short_date
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.gui.test_main_window import make_shell
from tests.services.review_helpers import carry_reviews, ids, send

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

REPAIR = Decision("perlu_perbaikan", reason="foto_belum_ada")


@pytest.fixture
def reviewed_desa(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> tuple[AppContext, AppContext, list[str]]:
    """4 problems sent; the kecamatan returned the first, accepted the second; the reviews are
    back at the desa."""
    generate(desa_ctx, SampleRequest(problems=4, potentials=0, proposals=0, photos=0, seed=5))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    problems = sorted(ids(desa_ctx, RecordKind.PROBLEM))
    review_record(kecamatan_ctx, problems[0], REPAIR)
    review_record(kecamatan_ctx, problems[1], Decision("diterima"))
    carry_reviews(kecamatan_ctx, desa_ctx)
    return desa_ctx, kecamatan_ctx, problems


def make_page(qtbot: Any, ctx: AppContext) -> RecordListPage:
    page = RecordListPage(make_shell(ctx), RecordKind.PROBLEM)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def cell(page: RecordListPage, record_id: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    row = page.model.row_of(record_id)
    assert row is not None
    return page.model.index(row, page.model.column_of(REVIEW_RESULT)).data(role)


def test_desa_list_shows_and_filters_the_review_result(
    qtbot: Any, reviewed_desa: tuple[AppContext, AppContext, list[str]]
) -> None:
    desa, kecamatan, problems = reviewed_desa
    page = make_page(qtbot, desa)
    assert page.visible_columns()[:2] == ["title", REVIEW_RESULT]
    assert page.model.headerData(
        page.model.column_of(REVIEW_RESULT), Qt.Orientation.Horizontal
    ) == ("Hasil verifikasi")
    assert cell(page, problems[0]) == "Perlu perbaikan"
    assert cell(page, problems[1]) == "Diterima"
    assert cell(page, problems[2]) == "belum diverifikasi"

    # "Perlu perbaikan" stands out; the tooltip names the reviewer and the day.
    assert cell(page, problems[0], Qt.ItemDataRole.ForegroundRole).color().name() == (
        REVIEW_REPAIR_COLOR
    )
    assert cell(page, problems[0], Qt.ItemDataRole.FontRole).bold()
    assert cell(page, problems[1], Qt.ItemDataRole.FontRole) is None
    tip = cell(page, problems[0], Qt.ItemDataRole.ToolTipRole)
    assert tip == (
        f"Perlu perbaikan: Foto lokasi belum ada — Kecamatan Tarumajaya, "
        f"{short_date(kecamatan.clock())}"
    )
    assert "Belum ada hasil verifikasi" in cell(page, problems[2], Qt.ItemDataRole.ToolTipRole)

    assert page.review_filter is not None
    combo = page.review_filter
    combo.setCurrentIndex(combo.findData("perlu_perbaikan"))
    assert [page.model.record_id(r) for r in range(page.model.rowCount())] == [problems[0]]
    combo.setCurrentIndex(combo.findData("belum"))
    assert page.model.rowCount() == 2
    page.clear_filters()
    assert page.model.rowCount() == 4


def test_revised_after_review_reads_truthfully_and_follows_a_send(
    qtbot: Any, reviewed_desa: tuple[AppContext, AppContext, list[str]], tmp_path: Path
) -> None:
    desa, kecamatan, problems = reviewed_desa
    page = make_page(qtbot, desa)
    service = RecordService(desa)
    record = service.get(RecordKind.PROBLEM, problems[0])
    change = service.update(
        RecordKind.PROBLEM, problems[0], {**record.values, "description": "Foto sudah diambil."}
    )
    page.shell.hub.publish(change)
    assert cell(page, problems[0]) == "diperbaiki, belum dikirim"
    assert "belum dikirim" in cell(page, problems[0], Qt.ItemDataRole.ToolTipRole)

    send(desa, kecamatan, tmp_path / "out2", "desa-2.scb")
    # The send page announces a send as a change of "bundle_export"; the list follows it.
    page.shell.hub.publish(Change(Action.UPDATED, frozenset({"bundle_export"})))
    assert cell(page, problems[0]) == "diperbaiki, menunggu verifikasi ulang"


def test_no_review_column_above_the_village(qtbot: Any, kecamatan_ctx: AppContext) -> None:
    page = make_page(qtbot, kecamatan_ctx)
    assert REVIEW_RESULT not in page.model.query_columns()
    assert page.review_filter is None


def open_editor(qtbot: Any, ctx: AppContext, record_id: str) -> RecordEditor:
    shell = make_shell(ctx)
    editor = RecordEditor(ctx, shell.runner, RecordKind.PROBLEM, record_id)
    qtbot.addWidget(editor)
    editor.resize(1366, 700)
    editor.show()
    return editor


def test_form_banner_for_a_returned_record_and_editing_stays_open(
    qtbot: Any, reviewed_desa: tuple[AppContext, AppContext, list[str]]
) -> None:
    desa, kecamatan, problems = reviewed_desa
    editor = open_editor(qtbot, desa, problems[0])
    assert editor.review_bar.isVisible()
    assert editor.review_bar.property("repair") == "true"
    lines = editor.review_text.text().splitlines()
    assert lines[0] == (
        f"Perlu perbaikan: Foto lokasi belum ada — Kecamatan Tarumajaya, "
        f"{short_date(kecamatan.clock())}"
    )
    assert "revisi baru" in lines[1] and "Kirim Data" in lines[1]
    # Nothing locks: the desa edits and saves a new revision, and the banner says so.
    assert not editor.read_only and editor.save_button.isEnabled()
    editor.rows["description"].widget.set_value("Foto lokasi sudah dilampirkan.")
    assert editor.save()
    assert editor.record is not None and editor.record.revision == 2
    assert editor.review_bar.property("repair") == "false"
    assert "belum dikirim" in editor.review_text.text()


def test_form_banner_absent_without_review_and_plain_for_accepted(
    qtbot: Any, reviewed_desa: tuple[AppContext, AppContext, list[str]]
) -> None:
    desa, _kec, problems = reviewed_desa
    assert not open_editor(qtbot, desa, problems[2]).review_bar.isVisible()
    accepted = open_editor(qtbot, desa, problems[1])
    assert accepted.review_bar.isVisible()
    assert accepted.review_bar.property("repair") == "false"
    assert accepted.review_text.text().startswith("Diterima — Kecamatan Tarumajaya")
