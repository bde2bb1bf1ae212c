"""Kirim Data: a desa exports its changes through the page."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.send_page import SendPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import last_export
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import get_setting
from tests.conftest import PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell


def test_desa_exports_through_the_page(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=1, seed=5))
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    assert page.count_labels["problem"].text() == "3"
    assert "6 perubahan siap dikirim" in page.total_label.text()
    assert "belum pernah" in page.last_label.text()

    out = tmp_path / "usb"
    out.mkdir()
    dialogs.folder_answer = out
    page.choose_folder()
    assert get_setting(desa_ctx, "exchange.last_folder") == str(out)  # remembered
    dialogs.passphrase_answer = PASSPHRASE
    page.start_export()

    assert not dialogs.errors
    assert page.last_result is not None
    [written] = page.last_result.paths
    assert written.parent == out and written.is_file()
    assert "Paket nomor 1" in page.status.text()
    assert page.open_folder_button.isVisibleTo(page)
    assert page.count_labels["problem"].text() == "0"  # refreshed after the export
    assert "Paket nomor 1" in page.last_label.text()
    assert last_export(desa_ctx).sequence == 1  # type: ignore[union-attr]


def test_wrong_passphrase_is_shown_and_nothing_written(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=5))
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.set_folder(tmp_path)
    dialogs.passphrase_answer = "salah-sekali"
    page.start_export()
    assert "Kata sandi salah" in page.status.text()
    assert list(tmp_path.glob("*.scb")) == []
    assert page.export_button.isEnabled()


def test_split_into_parts(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, photos=5, seed=5))
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.set_folder(tmp_path)
    page.split_check.setChecked(True)
    page.split_size.setValue(1)
    dialogs.passphrase_answer = PASSPHRASE
    page.start_export()
    assert not dialogs.errors
    assert len(page.last_result.paths) > 1
    assert "bagian" in page.status.text()
