"""Kirim Data while another export runs, and after an interrupted one."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.send_page import SendPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, export_journal
from smartcity_desktop.services.exchange.export_lock import export_lock
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell


def test_an_export_running_elsewhere_is_named_and_nothing_is_written(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=5))
    usb = tmp_path / "usb"
    usb.mkdir()
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.set_folder(usb)
    dialogs.passphrase_answer = PASSPHRASE
    with export_lock(desa_ctx.paths):  # as a scheduled CLI export would hold it
        page.start_export()
    assert "sedang membuat paket" in page.status.text()
    assert not dialogs.errors  # a plain message on the page, no error dialog
    assert list(usb.iterdir()) == []
    assert page.export_button.isEnabled()
    page.start_export()  # and once the other export is over, this one goes through
    assert "Paket nomor 1" in page.status.text()


def test_an_abandoned_number_is_shown_with_the_last_bundle(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=5))
    export_bundle(desa_ctx, PASSPHRASE, tmp_path)
    # As if the app died while writing bundle 2: the next start closes it as abandoned.
    export_journal.reserve(desa_ctx, key_id="x", full=False, counts={}, folder=tmp_path)
    export_journal.abandon_pending(desa_ctx)
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    text = page.last_label.text()
    assert "Paket nomor 1" in text
    assert "Nomor 2 tidak terpakai" in text
