"""Kirim Data at a kecamatan: "Teruskan ke kabupaten" and "Kirim hasil verifikasi ke desa"."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.send_page import SendPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.forward import forwardable
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell
from tests.services.forwarding_helpers import accept_everything
from tests.services.review_helpers import send


def test_a_kecamatan_forwards_and_sends_results_back_from_the_page(
    qtbot: QtBot,
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    dialogs: FakeDialogs,
    tmp_path: Path,
) -> None:
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=8))
    send(desa_ctx, kecamatan_ctx, tmp_path / "up", "desa.scb")
    accept_everything(kecamatan_ctx, DESA_CODE)
    page = SendPage(make_shell(kecamatan_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    assert page.chain.isVisibleTo(page) and page.chain.forward_button.isVisibleTo(page)
    out = tmp_path / "usb"
    out.mkdir()
    page.set_folder(out)
    dialogs.passphrase_answer = PASSPHRASE
    page.chain.start_forward()
    assert not dialogs.errors
    assert "1 paket desa diteruskan, 3 reviu" in page.chain.status.text()
    assert forwardable(kecamatan_ctx) == []
    page.chain.start_feedback()
    assert "Hasil verifikasi untuk 1 desa" in page.chain.status.text()
    assert len(list(out.glob("smartcity-hasil-*.scb"))) == 1
    assert page.chain.forward_button.isEnabled()


def test_a_desa_has_no_chain_actions(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs
) -> None:
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    assert not page.chain.isVisibleTo(page)
