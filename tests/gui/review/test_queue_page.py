"""The review queue on a real kecamatan holding its village's imported bundle, driven by keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.review.queue_page import SHOW_CHANGED, SHOW_UNREVIEWED, ReviewQueuePage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import (
    Decision,
    ReviewFilter,
    list_reviews,
    own_review,
    review_records,
)
from tests.conftest import DESA_CODE
from tests.gui.review.conftest import make_shell
from tests.services.review_helpers import ids, send

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def page(qtbot: Any, village: AppContext) -> ReviewQueuePage:
    widget = ReviewQueuePage(make_shell(village))
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    widget.table.setFocus()
    return widget


def key(page: ReviewQueuePage, k: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    focus = page.focusWidget() or page.table
    QTest.keyClick(focus, k, modifier)


def choose(combo: Any, code: str | None) -> None:
    combo.setCurrentIndex(combo.findData(code))


def reviews(ctx: AppContext) -> dict[str, dict[str, Any]]:
    return {v.values["target_id"]: v.values for v in list_reviews(ctx)}


def test_lists_the_village_and_shows_the_first_record_with_labelled_fields(
    page: ReviewQueuePage, village: AppContext
) -> None:
    assert page.desa.count() == 1 and page.desa.currentData() == DESA_CODE
    assert "Desa Sagara Makmur" in page.desa.currentText()
    assert page.table.rowCount() == 13
    first = ids(village, RecordKind.PROBLEM)
    assert page.current is not None and page.current.kind == "problem"
    record = RecordService(village).get(RecordKind.PROBLEM, page.current.id)
    assert page.current.id in first
    shown = dict(page.record_view.details.fields)  # type: ignore[union-attr]
    assert shown["Judul"] == record.title
    # choices spelt out from the reference list, not their codes
    assert shown["Dimensi"] != record.values["dimension"] and shown["Dimensi"]
    assert record.title in page.record_view.heading.text()
    assert page.count_label.text() == "Catatan 1 dari 13 dalam daftar"
    assert page.form.state_buttons["diterima"].text() == "1  Diterima"
    assert "Tekan 3" in page.form.state_buttons["ditolak"].toolTip()


def test_keyboard_flow_one_key_per_state_enter_saves_and_moves_on(
    page: ReviewQueuePage, village: AppContext
) -> None:
    entries = [e.id for e in page.entries]
    key(page, Qt.Key.Key_3)
    assert page.form.state == "ditolak"
    assert page.form.reason_label.text() == "Alasan (wajib)"
    key(page, Qt.Key.Key_Return)
    # refused next to the reason field; nothing written, still on the same record
    assert not page.form.errors["reason"].isHidden()
    assert "Alasan wajib dipilih" in page.form.errors["reason"].text()
    assert reviews(village) == {}
    assert page.current is not None and page.current.id == entries[0]

    choose(page.form.reason, "data_belum_lengkap")
    page.table.setFocus()
    key(page, Qt.Key.Key_Return)
    saved = reviews(village)[entries[0]]
    assert saved["state"] == "ditolak" and saved["reason"] == "data_belum_lengkap"
    assert page.current.id == entries[1]
    assert page.table.item(0, 2).text() == "Ditolak"
    assert page.table.currentRow() == 1

    key(page, Qt.Key.Key_1)
    key(page, Qt.Key.Key_Enter)
    assert reviews(village)[entries[1]]["state"] == "diterima"
    assert page.current.id == entries[2]

    key(page, Qt.Key.Key_PageDown)
    assert page.current.id == entries[3]
    key(page, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.current.id == entries[4]
    key(page, Qt.Key.Key_PageUp)
    key(page, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.current.id == entries[2]
    # going back shows the saved review in the form
    key(page, Qt.Key.Key_PageUp)
    assert page.form.state == "diterima"
    assert page.form.state_buttons["diterima"].isChecked()


def test_digits_typed_in_the_comment_stay_text_and_ctrl_enter_saves(
    qtbot: Any, page: ReviewQueuePage, village: AppContext
) -> None:
    first = page.current
    assert first is not None
    key(page, Qt.Key.Key_1)
    page.form.comment.setFocus()
    QTest.keyClicks(page.form.comment, "RT 2")
    QTest.keyClick(page.form.comment, Qt.Key.Key_Return)  # a new line, not a save
    assert reviews(village) == {}
    assert page.form.state == "diterima"  # "2" was typed, not taken as "perlu perbaikan"
    QTest.keyClick(page.form.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = reviews(village)[first.id]
    assert saved["comment"] == "RT 2" and saved["state"] == "diterima"


def test_last_record_says_so(page: ReviewQueuePage) -> None:
    for _n in range(20):
        key(page, Qt.Key.Key_PageDown)
    assert page.current is not None and page.current.id == page.entries[-1].id
    assert page.message.text() == "Tidak ada catatan berikutnya dalam daftar."


def test_filters_not_reviewed_changed_since_review_state_and_kind(
    page: ReviewQueuePage,
    village: AppContext,
    desa_ctx: AppContext,
    tmp_path: Path,
) -> None:
    problems = ids(village, RecordKind.PROBLEM)
    review_records(village, problems[:4], Decision("diterima"))
    review_records(village, problems[4:5], Decision("perlu_perbaikan", reason="foto_belum_ada"))
    page.reload()
    choose(page.show_filter, SHOW_UNREVIEWED)
    assert page.table.rowCount() == 13 - 5
    assert {e.id for e in page.entries}.isdisjoint(problems[:5])
    choose(page.show_filter, "all")
    choose(page.state_filter, "perlu_perbaikan")
    assert [e.id for e in page.entries] == problems[4:5]
    choose(page.state_filter, None)
    choose(page.kind_filter, "proposal")
    assert page.table.rowCount() == 4
    assert {e.kind for e in page.entries} == {"proposal"}
    choose(page.kind_filter, None)

    # the village revises the record that was sent back, and sends again
    service = RecordService(desa_ctx)
    record = service.get(RecordKind.PROBLEM, problems[4])
    service.update(RecordKind.PROBLEM, record.id, dict(record.values, causes="Foto sudah ada"))
    send(desa_ctx, village, tmp_path / "again", "desa-2.scb")
    page.reload_villages()
    choose(page.show_filter, SHOW_CHANGED)
    assert [e.id for e in page.entries] == problems[4:5]
    assert page.table.item(0, 2).text() == "Perlu perbaikan · diperbaiki setelah dikembalikan"


def test_bulk_review_of_a_selection_with_one_state_and_reason(
    page: ReviewQueuePage, village: AppContext
) -> None:
    # click the second row, shift-click the sixth: real mouse events on the list
    viewport = page.table.viewport()
    for row, modifier in (
        (1, Qt.KeyboardModifier.NoModifier),
        (5, Qt.KeyboardModifier.ShiftModifier),
    ):
        rect = page.table.visualRect(page.table.model().index(row, 1))
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, modifier, rect.center())
    assert page.current is not None and page.current.id == page.entries[5].id
    chosen = [page.entries[r].id for r in range(1, 6)]
    assert page.bulk_button.text() == "Terapkan ke 5 catatan terpilih"
    assert page.bulk_button.isEnabled()

    page.form.choose_state("perlu_perbaikan")
    page.bulk_button.click()
    assert "Alasan wajib dipilih" in page.form.errors["reason"].text()
    assert reviews(village) == {}  # all or nothing

    choose(page.form.reason, "lokasi_tidak_jelas")
    page.form.comment.setPlainText("Lengkapi titik koordinat")
    page.bulk_button.click()
    saved = reviews(village)
    assert set(saved) == set(chosen)
    assert {(v["state"], v["reason"], v["comment"]) for v in saved.values()} == {
        ("perlu_perbaikan", "lokasi_tidak_jelas", "Lengkapi titik koordinat")
    }
    assert [page.table.item(r, 2).text() for r in range(1, 6)] == ["Perlu perbaikan"] * 5
    assert page.message.text() == "Reviu tersimpan untuk 5 catatan."


def test_proposal_priority_redirect_and_merge_targets(
    page: ReviewQueuePage, village: AppContext
) -> None:
    choose(page.kind_filter, "proposal")
    proposals = [e.id for e in page.entries]
    assert page.form.priority.isEnabled()
    assert not page.form.redirect_level.isEnabled()
    page.form.priority.setValue(2)
    key(page, Qt.Key.Key_1)
    key(page, Qt.Key.Key_Return)
    assert reviews(village)[proposals[0]]["priority"] == 2

    key(page, Qt.Key.Key_4)
    assert page.form.redirect_level.isEnabled() and not page.form.merge_into.isEnabled()
    choose(page.form.reason, "kewenangan_opd_lain")
    page.table.setFocus()
    key(page, Qt.Key.Key_Return)
    assert "tujuan pengalihan" in page.form.errors["redirect_urusan"].text()
    choose(page.form.redirect_level, "kabupaten")
    page.form.redirect_opd.setText("Dinas PUPR")
    page.table.setFocus()
    key(page, Qt.Key.Key_Return)
    saved = reviews(village)[proposals[1]]
    assert (saved["state"], saved["redirect_level"], saved["redirect_opd"]) == (
        "dialihkan",
        "kabupaten",
        "Dinas PUPR",
    )

    key(page, Qt.Key.Key_5)
    assert page.form.merge_into.isEnabled()
    targets = [page.form.merge_into.itemData(i) for i in range(1, page.form.merge_into.count())]
    assert proposals[2] not in targets and proposals[0] in targets  # same kind, not itself
    choose(page.form.merge_into, proposals[0])
    choose(page.form.reason, "duplikat")
    page.table.setFocus()
    key(page, Qt.Key.Key_Return)
    view = own_review(village, proposals[2])
    assert view is not None and view.values["merge_into"] == proposals[0]
    # the form shows the stored merge target when the record is shown again
    key(page, Qt.Key.Key_PageUp)
    assert page.form.merge_into.currentData() == proposals[0]


def test_priority_is_off_for_problems(page: ReviewQueuePage, village: AppContext) -> None:
    assert page.current is not None and page.current.kind == "problem"
    assert not page.form.priority.isEnabled()
    assert page.form.decision().priority is None


def test_a_kecamatan_without_village_data_is_told_where_it_comes_from(
    qtbot: Any, kecamatan_ctx: AppContext
) -> None:
    widget = ReviewQueuePage(make_shell(kecamatan_ctx))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.desa.count() == 0
    assert not widget.empty.isHidden()
    assert "Terima Data" in widget.empty.text()
    assert widget.splitter.isHidden()
    key(widget, Qt.Key.Key_PageDown)  # nothing to step through; nothing breaks
    assert widget.current is None


def test_reviews_made_elsewhere_refresh_the_list(
    page: ReviewQueuePage, village: AppContext
) -> None:
    first = page.entries[0].id
    change = review_records(village, [first], Decision("diterima"))
    page.shell.hub.publish(change)
    assert page.table.item(0, 2).text() == "Diterima"
    assert "1 dari 13" in page.desa.currentText()
    assert list_reviews(village, ReviewFilter(state="diterima"))[0].values["target_id"] == first


def test_tab_order_runs_filters_list_record_form_buttons(page: ReviewQueuePage) -> None:
    order = []
    widget = page.desa
    for _n in range(400):
        if (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            order.append(widget.accessibleName() or widget.text())  # type: ignore[attr-defined]
        widget = widget.nextInFocusChain()
        if widget is page.desa:
            break
    assert order[:6] == [
        "Desa yang direviu",
        "Tampilkan",
        "Hasil verifikasi",
        "Jenis catatan",
        "Daftar catatan desa",
        "Isi catatan desa",
    ]
    assert order[6:11] == ["Diterima", "Perlu perbaikan", "Ditolak", "Dialihkan", "Digabung"]
    assert order[11:13] == ["Alasan", "Catatan"]
    assert order[-3:] == ["◀ Sebelumnya", "Simpan && lanjut", "Berikutnya ▶"]


def test_at_the_kabupaten_the_village_list_counts_records_not_the_kecamatan_progress(
    qtbot: Any, village: AppContext, desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.exchange import import_files
    from smartcity_desktop.services.office import office_fingerprint

    trust.pin_office(kabupaten_ctx, desa_ctx.office.code, office_fingerprint(desa_ctx))
    bundle = next((tmp_path / "out").iterdir())
    assert [r.status for r in import_files(kabupaten_ctx, [bundle])] == ["imported"]
    widget = ReviewQueuePage(make_shell(kabupaten_ctx))
    qtbot.addWidget(widget)
    assert widget.desa.currentText() == "Desa Sagara Makmur (13 catatan)"
    assert widget.table.rowCount() == 13


def test_at_the_kabupaten_the_kecamatans_verdict_stands_beside_its_own(
    qtbot: Any, village: AppContext, desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.office import office_fingerprint
    from tests.services.review_helpers import forward

    returned, accepted, untouched = ids(village, RecordKind.PROBLEM)[:3]
    review_records(
        village,
        [returned],
        Decision("perlu_perbaikan", reason="data_belum_lengkap", comment="foto lokasi belum ada"),
    )
    review_records(village, [accepted], Decision("diterima"))
    trust.pin_office(kabupaten_ctx, desa_ctx.office.code, office_fingerprint(desa_ctx))
    forward(village, kabupaten_ctx, tmp_path / "forward")
    widget = ReviewQueuePage(make_shell(kabupaten_ctx))
    qtbot.addWidget(widget)
    assert widget.table.horizontalHeaderItem(2).text() == "Hasil kabupaten"
    shown = {e.id: e for e in widget.entries}
    widget.show_entry(shown[returned])
    note = widget.kecamatan_note.text()
    assert note.startswith("Hasil kecamatan: Perlu perbaikan: ")
    assert "foto lokasi belum ada — Kecamatan Tarumajaya" in note
    widget.show_entry(shown[accepted])
    assert widget.kecamatan_note.text().startswith("Hasil kecamatan: Diterima — Kecamatan")
    widget.show_entry(shown[untouched])
    assert widget.kecamatan_note.text() == "Hasil kecamatan: belum direviu kecamatan."
    # the kabupaten's own column is still its own verdict
    assert widget.table.item(widget.row_of[returned], 2).text() == "Belum direviu"


def test_at_the_kecamatan_there_is_no_note_from_below(page: ReviewQueuePage) -> None:
    assert page.table.horizontalHeaderItem(2).text() == "Hasil"
    assert not page.kecamatan_note.isVisible()
