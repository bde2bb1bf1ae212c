"""Laporan: the documents that fit the role, written off the GUI thread and offered for opening."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton

from smartcity_desktop.gui.report_page import ReportPage
from smartcity_desktop.services import reports
from smartcity_desktop.services.completeness import set_deadline
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.gui.test_main_window import FakeDialogs, make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def page(qtbot: Any, desa_ctx: AppContext) -> ReportPage:
    generate(desa_ctx, SampleRequest(problems=5, potentials=3, proposals=4, seed=5))
    widget = ReportPage(make_shell(desa_ctx))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_builds_the_recap_and_offers_to_open_it(page: ReportPage, tmp_path: Path) -> None:
    dialogs = page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    dialogs.save_answer = tmp_path / "rekap"  # typed without the extension
    page.build_button.click()
    target = tmp_path / "rekap.pdf"
    assert target.read_bytes().startswith(b"%PDF")
    assert page.last_pdf == target
    assert str(target) in page.status.text()
    assert page.open_button.isVisible() and page.folder_button.isVisible()
    assert not page.progress.isVisible() and page.build_button.isEnabled()
    assert dialogs.errors == []


def test_choosing_no_file_does_nothing(page: ReportPage) -> None:
    page.build_button.click()
    assert page.last_pdf is None and not page.open_button.isVisible()


def test_suggested_name_is_in_the_exports_folder(page: ReportPage) -> None:
    suggested = page.suggested_path()
    assert suggested.parent == page.shell.ctx.paths.exports
    assert suggested.name.startswith("rekap-desa-3216012001-")


def test_cancel_and_failure_are_reported(
    page: ReportPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cancelled(*_a: Any, **_k: Any) -> Path:
        raise reports.ReportCancelled()

    monkeypatch.setattr(reports, "build_desa_recap", cancelled)
    page.build(tmp_path / "a.pdf")
    assert page.status.text() == "Dibatalkan; tidak ada berkas yang disimpan."
    assert page.shell.dialogs.errors == []  # type: ignore[attr-defined]

    def broken(*_a: Any, **_k: Any) -> Path:
        raise reports.ReportWriteError("Laporan tidak dapat disimpan.")

    monkeypatch.setattr(reports, "build_desa_recap", broken)
    page.build(tmp_path / "b.pdf")
    assert [str(e) for e in page.shell.dialogs.errors] == ["Laporan tidak dapat disimpan."]  # type: ignore[attr-defined]
    assert page.build_button.isEnabled()


# --- what fits the role ----------------------------------------------------------------------


@pytest.fixture
def kec_page(qtbot: Any, kecamatan_ctx: AppContext) -> ReportPage:
    set_deadline(kecamatan_ctx, dt.date(2000, 1, 1))  # every village that sent nothing is late
    widget = ReportPage(make_shell(kecamatan_ctx))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def button_texts(page: ReportPage) -> list[str]:
    return [b.text() for b in page.findChildren(QPushButton) if b.isVisible()]


def test_a_desa_is_offered_only_the_rekap_desa(page: ReportPage) -> None:
    texts = button_texts(page)
    assert "Buat Rekap Desa (PDF)" in texts
    assert not any("Kecamatan" in t or "Berita Acara" in t or "Pengingat" in t for t in texts)
    assert page.village_combo is None


def test_a_kecamatan_gets_its_own_reports_and_no_empty_rekap_desa(
    kec_page: ReportPage, tmp_path: Path, qtbot: Any
) -> None:
    texts = button_texts(kec_page)
    assert "Buat Rekap Desa (PDF)" not in texts
    for wanted in (
        "Buat Rekap Kecamatan (PDF)",
        "Buat Berita Acara Verifikasi (PDF)",
        "Buat Surat Pengingat (PDF)",
        "Salin teks pengingat",
    ):
        assert wanted in texts
    dialogs = kec_page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    dialogs.save_answer = tmp_path / "rekap-kec.pdf"
    qtbot.mouseClick(kec_page.buttons["kecamatan"], Qt.MouseButton.LeftButton)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(kec_page.last_pdf).pages)
    assert "REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI KECAMATAN" in text
    assert "REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI DESA" not in text
    assert "KECAMATAN TARUMAJAYA – KECAMATAN TARUMAJAYA" not in text
    assert "Rekap Kecamatan tersimpan di" in kec_page.status.text()
    dialogs.save_answer = tmp_path / "ba.pdf"
    qtbot.mouseClick(kec_page.buttons["berita_acara"], Qt.MouseButton.LeftButton)
    assert (
        "BERITA ACARA VERIFIKASI KECAMATAN"
        in PdfReader(tmp_path / "ba.pdf").pages[0].extract_text()
    )
    assert dialogs.errors == []


def test_reminder_for_the_chosen_late_village(
    kec_page: ReportPage, tmp_path: Path, qtbot: Any
) -> None:
    combo = kec_page.village_combo
    assert combo is not None and combo.count() == 8  # every village of Tarumajaya
    assert all("(terlambat)" in combo.itemText(i) for i in range(combo.count()))
    index = combo.findData("32.16.01.2003")
    combo.setCurrentIndex(index)
    assert kec_page.suggested_path("pengingat").name.startswith("surat-pengingat-3216012003-")
    dialogs = kec_page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    dialogs.save_answer = tmp_path / "pengingat.pdf"
    qtbot.mouseClick(kec_page.buttons["pengingat"], Qt.MouseButton.LeftButton)
    letter = PdfReader(tmp_path / "pengingat.pdf").pages[0].extract_text()
    assert "Pusaka Rakyat" in letter and "Pengingat penyampaian data Smart City" in letter
    assert kec_page.copy_button is not None
    qtbot.mouseClick(kec_page.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Yth. Kepala Desa Pusaka Rakyat,")
    assert dialogs.errors == []


def test_a_kabupaten_is_offered_the_annex_and_no_village_recap(
    qtbot: Any, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    widget = ReportPage(make_shell(kabupaten_ctx))
    qtbot.addWidget(widget)
    widget.show()
    assert list(widget.buttons) == ["annex"]
    texts = button_texts(widget)
    assert "Buat Lampiran Rekapitulasi (PDF)" in texts
    assert not any("Rekap Desa" in t for t in texts)
    assert any("Kelengkapan" in label.text() for label in widget.findChildren(QLabel))
    assert widget.suggested_path().name.startswith("lampiran-rekapitulasi-3216-")
    dialogs = widget.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    dialogs.save_answer = tmp_path / "lampiran"
    assert widget.build_button is not None
    widget.build_button.click()
    target = tmp_path / "lampiran.pdf"
    assert "LEMBAR PENGESAHAN" in "".join(p.extract_text() for p in PdfReader(target).pages)
    assert widget.last_pdf == target and str(target) in widget.status.text()
    assert dialogs.errors == []
