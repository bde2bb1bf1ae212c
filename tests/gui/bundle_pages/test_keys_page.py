"""Kunci & Kepercayaan: the fingerprint and its QR code; the certify flow between offices."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.keys_page import KeysPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.gui_support import fingerprint_lines
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.trust import load_trust_state, office_certificate
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell

pytestmark = pytest.mark.postgres_ready


def _page(qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs) -> KeysPage:
    page = KeysPage(make_shell(ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    return page


def test_fingerprint_and_qr(qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs) -> None:
    page = _page(qtbot, desa_ctx, dialogs)
    fp = office_fingerprint(desa_ctx)
    assert page.fingerprint_label.text() == "\n".join(fingerprint_lines(fp))
    assert not page.qr_label.pixmap().isNull()
    assert "Belum bersertifikat" in page.cert_label.text()
    assert "export_root" not in page.buttons  # kabupaten only
    assert "certify" not in page.buttons


def test_pin_office_through_the_dialog(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext, dialogs: FakeDialogs
) -> None:
    page = _page(qtbot, kecamatan_ctx, dialogs)
    dialogs.pin_answer = (DESA_CODE, office_fingerprint(desa_ctx).lower(), "telepon Pak Budi")
    page.pin_office()
    assert not dialogs.errors
    assert [p.office_code for p in load_trust_state(kecamatan_ctx).pins] == [DESA_CODE]
    assert page.pins_table.rowCount() == 1
    assert "dipercaya lokal" in page.message.text()


def test_bad_fingerprint_is_a_user_error(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs
) -> None:
    page = _page(qtbot, kecamatan_ctx, dialogs)
    dialogs.pin_answer = (DESA_CODE, "ABCD", "")
    page.pin_office()
    assert len(dialogs.errors) == 1
    assert not load_trust_state(kecamatan_ctx).pins


def test_kabupaten_certifies_a_desa_through_the_pages(
    qtbot: QtBot,
    desa_ctx: AppContext,
    kabupaten_ctx: AppContext,
    tmp_path: Path,
) -> None:
    desa_dialogs, kab_dialogs = FakeDialogs(), FakeDialogs()
    desa_page = _page(qtbot, desa_ctx, desa_dialogs)
    kab_page = _page(qtbot, kabupaten_ctx, kab_dialogs)
    assert {"export_root", "certify", "revoke"} <= set(kab_page.buttons)
    request, certificate, root = (
        tmp_path / "permintaan.json",
        tmp_path / "sertifikat.json",
        tmp_path / "kunci-induk.json",
    )

    # the desa writes a request
    desa_dialogs.save_answers = [request]
    desa_dialogs.passphrase_answer = PASSPHRASE
    desa_page.make_request()
    assert request.is_file() and not desa_dialogs.errors

    # the kabupaten exports its root key and certifies the request after the phone check
    kab_dialogs.save_answers = [root]
    kab_page.export_root()
    assert root.is_file()
    kab_dialogs.open_answers = [request]
    kab_dialogs.certify_answer = 365
    kab_dialogs.save_answers = [certificate]
    kab_dialogs.passphrase_answer = PASSPHRASE
    kab_page.certify_request()
    assert not kab_dialogs.errors, kab_dialogs.errors
    assert kab_dialogs.certify_preview.office_code == DESA_CODE
    assert kab_dialogs.certify_preview.fingerprint == office_fingerprint(desa_ctx)
    assert "Sagara Makmur" in kab_dialogs.certify_preview.office_name
    assert certificate.is_file()
    assert DESA_CODE in kab_page.message.text()

    # the desa installs the root key (after confirming its fingerprint) and the certificate
    desa_dialogs.open_answers = [root]
    desa_page.add_root()
    assert desa_dialogs.confirms and "Sidik jari" in desa_dialogs.confirms[-1]
    desa_dialogs.open_answers = [certificate]
    desa_page.install_certificate()
    assert not desa_dialogs.errors, desa_dialogs.errors
    assert office_certificate(desa_ctx) is not None
    assert "Bersertifikat" in desa_page.cert_label.text()
    assert desa_page.roots_table.rowCount() == 1


def test_declined_root_is_not_installed(
    qtbot: QtBot, desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    kab_dialogs, desa_dialogs = FakeDialogs(), FakeDialogs()
    root = tmp_path / "root.json"
    kab_dialogs.save_answers = [root]
    _page(qtbot, kabupaten_ctx, kab_dialogs).export_root()
    page = _page(qtbot, desa_ctx, desa_dialogs)
    before = len(load_trust_state(desa_ctx).roots)
    desa_dialogs.open_answers = [root]
    desa_dialogs.confirm_answer = False
    page.add_root()
    assert len(load_trust_state(desa_ctx).roots) == before


def test_rotate_key_asks_first_and_shows_the_new_fingerprint(
    qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs
) -> None:
    page = _page(qtbot, desa_ctx, dialogs)
    old = office_fingerprint(desa_ctx)
    dialogs.passphrase_answer = PASSPHRASE
    page.rotate_key()
    assert dialogs.confirms
    new = office_fingerprint(desa_ctx)
    assert new != old
    assert page.fingerprint_label.text() == "\n".join(fingerprint_lines(new))
