"""Kirim Data at a kecamatan: "Teruskan ke kabupaten" and "Kirim hasil verifikasi ke desa"; at
the kabupaten only the latter."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QGroupBox, QLabel
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.send_page import SendPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.forward import forwardable
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell
from tests.services.forwarding_helpers import accept_everything, pin
from tests.services.review_helpers import send

pytestmark = pytest.mark.postgres_ready


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


def test_the_kabupaten_page_offers_feedback_and_no_export_upward(
    qtbot: QtBot,
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    kabupaten_ctx: AppContext,
    dialogs: FakeDialogs,
    tmp_path: Path,
) -> None:
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services.review import Decision, review_record
    from tests.services.review_helpers import forward, ids

    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=8))
    send(desa_ctx, kecamatan_ctx, tmp_path / "up", "desa.scb")
    accept_everything(kecamatan_ctx, DESA_CODE)
    pin(kabupaten_ctx, desa_ctx)
    forward(kecamatan_ctx, kabupaten_ctx, tmp_path / "fwd")
    review_record(
        kabupaten_ctx,
        ids(kabupaten_ctx, RecordKind.PROBLEM, DESA_CODE)[0],
        Decision("perlu_perbaikan", reason="data_belum_lengkap"),
    )
    page = SendPage(make_shell(kabupaten_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    # nothing promising an export upward: no pending counts, no options, no "Buat paket data"
    assert not page.export_button.isVisible()
    assert not page.full_check.isVisible() and not page.split_check.isVisible()
    shown = [w.text() for w in page.findChildren(QLabel) if w.isVisible()]
    assert any("tidak mengirim data ke kantor di atasnya" in t for t in shown)
    assert not any("Perubahan yang belum dikirim" in w.title() for w in _visible_boxes(page))
    assert page.chain.feedback_button.isVisible()
    assert not page.chain.forward_button.isVisible()
    out = tmp_path / "usb"
    out.mkdir()
    page.set_folder(out)
    dialogs.passphrase_answer = PASSPHRASE
    page.chain.start_feedback()
    assert not dialogs.errors
    assert "Hasil verifikasi untuk 1 desa" in page.chain.status.text()
    assert len(list(out.glob(f"smartcity-hasil-{DESA_CODE}-32.16-*.scb"))) == 1


def _visible_boxes(page: SendPage) -> list[QGroupBox]:
    return [b for b in page.findChildren(QGroupBox) if b.isVisible()]
