"""Kelengkapan on real offices: never-sent villages, the deadline, reminders and verification."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.review.completeness_page import COL, LATE_FILL, CompletenessPage
from smartcity_desktop.services import trust
from smartcity_desktop.services.completeness import VillageLine, get_deadline, set_deadline
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.kecamatan_reports import reminder_text
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.review import Decision, review_records
from tests.conftest import DESA_CODE
from tests.gui.review.conftest import FakeDialogs, make_shell
from tests.services.review_helpers import carry_reviews, ids

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

NEVER_SENT = "32.16.01.2002"  # Desa Segarajaya


def open_page(qtbot: Any, ctx: AppContext) -> CompletenessPage:
    page = CompletenessPage(make_shell(ctx))
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    return page


def row(page: CompletenessPage, code: str) -> list[str]:
    item = page.item_of(code)
    assert item is not None
    return [item.text(c) for c in range(len(COL))]


def set_deadline_on_page(page: CompletenessPage, day: dt.date) -> None:
    if not page.use_deadline.isChecked():
        QTest.mouseClick(page.use_deadline, Qt.MouseButton.LeftButton)
    page.deadline.setDate(QDate(day.year, day.month, day.day))
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)


def review_everything(kec: AppContext) -> None:
    all_ids = [i for kind in RecordKind for i in ids(kec, kind, DESA_CODE)]
    review_records(kec, all_ids, Decision("diterima"))


def test_every_village_including_those_that_never_sent(qtbot: Any, village: AppContext) -> None:
    page = open_page(qtbot, village)
    assert page.tree.topLevelItemCount() == 8  # a kecamatan: its villages, not grouped
    sagara = row(page, DESA_CODE)
    assert sagara[COL["name"]] == "Desa Sagara Makmur"
    assert sagara[COL["bundle"]].startswith("No. 1, dibuat ")
    assert sagara[COL["problem"]] == "6"
    assert sagara[COL["potential"]] == "3"
    assert sagara[COL["proposal"]] == "4"
    assert sagara[COL["progress"]] == "0 dari 13"
    assert sagara[COL["stage"]] == "Data diterima"
    never = row(page, NEVER_SENT)
    assert never[COL["name"]] == "Desa Segarajaya"
    assert never[COL["bundle"]] == "belum ada"
    assert never[COL["stage"]] == "Belum kirim"
    assert page.summary.text().startswith("1 dari 8 desa sudah mengirim data.")


def test_overdue_marked_against_the_deadline_set_on_the_page(
    qtbot: Any, village: AppContext
) -> None:
    page = open_page(qtbot, village)
    assert not page.use_deadline.isChecked()
    assert "Terlambat" not in row(page, NEVER_SENT)[COL["note"]]
    today = village.clock().date()
    set_deadline_on_page(page, today - dt.timedelta(days=2))
    assert get_deadline(village) == today - dt.timedelta(days=2)
    never = page.item_of(NEVER_SENT)
    assert never is not None
    assert never.text(COL["note"]) == "Terlambat: belum mengirim"
    assert never.background(0).color() == LATE_FILL
    assert row(page, DESA_CODE)[COL["note"]] == ""  # it sent: not late
    assert "7 desa terlambat" in page.summary.text()
    # a deadline still ahead marks nobody; clearing it works too
    set_deadline_on_page(page, today + dt.timedelta(days=5))
    assert "Terlambat" not in row(page, NEVER_SENT)[COL["note"]]
    QTest.mouseClick(page.use_deadline, Qt.MouseButton.LeftButton)
    QTest.mouseClick(page.save_deadline, Qt.MouseButton.LeftButton)
    assert get_deadline(village) is None


def test_reminder_text_for_a_late_village_goes_to_the_clipboard(
    qtbot: Any, village: AppContext
) -> None:
    page = open_page(qtbot, village)
    today = village.clock().date()
    set_deadline_on_page(page, today - dt.timedelta(days=3))
    page.select(DESA_CODE)
    assert not page.copy_button.isEnabled()  # it sent its data
    page.select(NEVER_SENT)
    assert page.copy_button.isEnabled()
    QApplication.clipboard().clear()
    QTest.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    # The one reminder text (its wording is tested in tests/services/test_kecamatan_reports.py).
    assert text == reminder_text(village, NEVER_SENT)
    assert text.startswith("Yth. Kepala Desa Segarajaya,")
    assert "(3 hari yang lalu)" in text
    assert "Desa Segarajaya" in page.copy_note.text()


def test_reminder_letter_for_the_late_village_is_written_where_chosen(
    qtbot: Any, village: AppContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, village)
    set_deadline_on_page(page, village.clock().date() - dt.timedelta(days=3))
    button = page.letter_button
    assert button is not None and button.text() == "Buat surat pengingat (PDF)…"
    assert button.isVisible()
    page.select(DESA_CODE)
    assert not button.isEnabled()  # it sent its data
    page.select(NEVER_SENT)
    assert button.isEnabled()
    dialogs = page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    dialogs.save_answer = tmp_path / "pengingat-segarajaya"  # typed without the extension
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    title, suggested = dialogs.save_asked[-1]
    assert title == "Simpan Surat Pengingat"
    assert suggested.parent == village.paths.exports
    assert suggested.name.startswith("surat-pengingat-3216012002-")
    written = tmp_path / "pengingat-segarajaya.pdf"
    letter = " ".join(p.extract_text() for p in PdfReader(written).pages)
    assert "Segarajaya" in letter and "Pengingat penyampaian data Smart City" in letter
    task = page.letter_task
    assert task is not None and task.last_pdf == written
    assert task.status.text() == f"Surat Pengingat tersimpan di {written}"
    assert task.open_button.isVisible() and not task.progress.isVisible()
    assert button.isEnabled() and dialogs.errors == []
    # choosing no file writes nothing
    dialogs.save_answer = None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["pengingat-segarajaya.pdf"]


def test_a_kabupaten_is_told_reminders_are_the_kecamatans(
    qtbot: Any, kabupaten_ctx: AppContext
) -> None:
    set_deadline(kabupaten_ctx, dt.date(2000, 1, 1))  # every village is late
    page = open_page(qtbot, kabupaten_ctx)
    page.select(NEVER_SENT)
    assert page.selected_line() is not None and page.selected_line().overdue
    assert page.letter_button is None and page.letter_task is None
    hooked = page.add_reminder_action("Surat", lambda line, report: None)
    assert not page.copy_button.isVisible() and not hooked.isVisible()
    assert not page.copy_reminder()
    assert "dikirim oleh kecamatannya" in page.copy_note.text()


def test_the_reminder_letter_hook_gets_the_late_village(qtbot: Any, village: AppContext) -> None:
    page = open_page(qtbot, village)
    set_deadline_on_page(page, village.clock().date() - dt.timedelta(days=1))
    got: list[VillageLine] = []
    button = page.add_reminder_action("Surat", lambda line, report: got.append(line))
    page.select(DESA_CODE)
    assert not button.isEnabled()
    page.select(NEVER_SENT)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [line.code for line in got] == [NEVER_SENT]


def test_kecamatan_verifies_a_village_once_everything_is_reviewed(
    qtbot: Any, village: AppContext
) -> None:
    page = open_page(qtbot, village)
    page.select(DESA_CODE)
    assert [page.verify_state.itemText(i) for i in range(2)] == [
        "Diterima: desa diverifikasi kecamatan",
        "Perlu perbaikan: kembalikan ke desa",
    ]
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert "belum dapat diverifikasi: 13 catatan belum direviu" in page.verify_error.text()
    assert row(page, DESA_CODE)[COL["stage"]] == "Data diterima"

    page.verify_state.setCurrentIndex(1)
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert "Alasan wajib dipilih" in page.verify_error.text()
    page.verify_reason.setCurrentIndex(page.verify_reason.findData("data_belum_lengkap"))
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.verify_error.text() == ""
    assert row(page, DESA_CODE)[COL["stage"]] == "Dikembalikan"
    assert "Data belum lengkap" in row(page, DESA_CODE)[COL["note"]]

    review_everything(village)
    page.reload()
    assert row(page, DESA_CODE)[COL["progress"]] == "13 dari 13"
    page.verify_state.setCurrentIndex(0)
    page.verify_reason.setCurrentIndex(0)
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert row(page, DESA_CODE)[COL["stage"]] == "Diverifikasi kecamatan"
    assert page.selected_code() == DESA_CODE


def test_kabupaten_sees_villages_grouped_by_kecamatan_and_answers_the_verification(
    qtbot: Any,
    village: AppContext,
    desa_ctx: AppContext,
    kabupaten_ctx: AppContext,
    tmp_path: Path,
) -> None:
    kec, kab = village, kabupaten_ctx
    trust.pin_office(kab, desa_ctx.office.code, office_fingerprint(desa_ctx))
    bundle = next((tmp_path / "out").iterdir())
    assert [r.status for r in import_files(kab, [bundle])] == ["imported"]
    review_everything(kec)
    from smartcity_desktop.services.review import verify_village

    verify_village(kec, DESA_CODE, "diterima")
    carry_reviews(kec, kab)

    page = open_page(qtbot, kab)
    assert page.tree.topLevelItemCount() == 23
    tarumajaya = page.tree.topLevelItem(0)
    assert tarumajaya.text(COL["name"]) == "Kecamatan Tarumajaya"
    assert tarumajaya.childCount() == 8
    assert tarumajaya.text(COL["bundle"]) == "1 dari 8 desa mengirim (12,5%)"
    assert tarumajaya.text(COL["stage"]) == "12,5% diverifikasi"
    assert tarumajaya.text(COL["progress"]) == "100%"
    assert page.tree.topLevelItem(1).text(COL["bundle"]).startswith("0 dari ")
    assert row(page, DESA_CODE)[COL["stage"]] == "Diverifikasi kecamatan"
    assert page.verify_box.title() == "Keputusan kabupaten atas verifikasi kecamatan"

    page.select(DESA_CODE)
    page.verify_state.setCurrentIndex(1)  # kembalikan ke kecamatan
    page.verify_reason.setCurrentIndex(page.verify_reason.findData("biaya_tidak_wajar"))
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert row(page, DESA_CODE)[COL["stage"]] == "Dikembalikan"
    page.verify_state.setCurrentIndex(0)
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert row(page, DESA_CODE)[COL["stage"]] == "Diterima kabupaten"
    assert "12,5% diterima kabupaten" in page.tree.topLevelItem(0).text(COL["note"])


def test_a_village_that_sent_nothing_has_nothing_to_verify(qtbot: Any, village: AppContext) -> None:
    page = open_page(qtbot, village)
    page.select(NEVER_SENT)
    assert not page.verify_box.isEnabled()
    page.select(DESA_CODE)
    assert page.verify_box.isEnabled()
    assert page.verify_target.text() == "Desa Sagara Makmur:"
