"""Laporan: the village recap is written off the GUI thread and offered for opening."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui.report_page import ReportPage
from smartcity_desktop.services import reports
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.gui.test_main_window import FakeDialogs, make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


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
