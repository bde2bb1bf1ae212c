"""Pinning in the desktop: the typed fingerprint next to the bundle's (Terima Data), replacing a
pin only after seeing both, removing one, and the history (Kunci & Kepercayaan). Typed and
clicked with real key and mouse events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.dialogs import PinDialog, ReplacePinDialog
from smartcity_desktop.gui.bundle_pages.keys_page import KeysPage
from smartcity_desktop.gui.bundle_pages.receive_page import ReceivePage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, ledger
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import audit_log, load_trust_state, pin_office
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell
from tests.services.test_trust_pins import typo

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def bundle(desa_ctx: AppContext, tmp_path: Path) -> Path:
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=4))
    out = tmp_path / "usb"
    out.mkdir()
    return export_bundle(desa_ctx, PASSPHRASE, out).paths[0]


def _type(qtbot: QtBot, dialog: PinDialog, text: str) -> None:
    dialog.fingerprint.selectAll()
    qtbot.keyClick(dialog.fingerprint, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.fingerprint, text)


class Typist:
    """Answers the pin question by typing into the real dialog, like an operator on the phone."""

    def __init__(self, qtbot: QtBot, attempts: list[str]) -> None:
        self.qtbot, self.attempts = qtbot, attempts
        self.seen: list[tuple[str, bool]] = []  # what the dialog said after each attempt

    def __call__(self, parent: Any, code: str | None, bundle_fp: str | None) -> Any:
        dialog = PinDialog(parent, code, bundle_fp)
        self.qtbot.addWidget(dialog)
        dialog.show()
        for text in self.attempts:
            _type(self.qtbot, dialog, text)
            assert dialog.comparison is not None
            self.seen.append((dialog.comparison.text(), dialog.ok_button.isEnabled()))
        self.qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        if dialog.result() != QDialog.DialogCode.Accepted:
            self.qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return None
        return dialog.values()


def _receive(qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs) -> ReceivePage:
    page = ReceivePage(make_shell(ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_pin_dialog_compares_as_the_operator_types(qtbot: QtBot, desa_ctx: AppContext) -> None:
    real = office_fingerprint(desa_ctx)
    dialog = PinDialog(None, DESA_CODE, real)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code.isReadOnly() and dialog.code.text() == DESA_CODE
    assert dialog.bundle_label is not None and dialog.bundle_label.text() == real
    assert dialog.focusWidget() is dialog.fingerprint
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.fingerprint, real[:9])
    assert "8 dari 32" in dialog.comparison.text()  # type: ignore[union-attr]
    _type(qtbot, dialog, typo(real))
    assert "kelompok ke-3" in dialog.comparison.text()  # type: ignore[union-attr]
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.fingerprint, Qt.Key.Key_Return)  # Enter cannot pin a typo
    assert dialog.isVisible()
    _type(qtbot, dialog, real.lower().replace("-", " "))
    assert "Sama dengan kunci" in dialog.comparison.text()  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_terima_data_pins_the_sender_against_the_bundle_at_hand(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path
) -> None:
    dialogs = FakeDialogs()
    page = _receive(qtbot, kecamatan_ctx, dialogs)
    page.check_files([bundle])
    assert "Ditolak" in page.results.text() and not page.import_button.isEnabled()
    assert page.pin_button.isVisible() and DESA_CODE in page.pin_button.text()

    real = office_fingerprint(desa_ctx)
    # a typo: the dialog says where, and "Sematkan" stays disabled, so nothing is saved
    dialogs.pin_typist = Typist(qtbot, [typo(real)])
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert dialogs.pin_calls == [(DESA_CODE, real)]
    assert not load_trust_state(kecamatan_ctx).pins and not audit_log(kecamatan_ctx)
    assert page.pin_button.isVisible()

    # typed right this time
    typist = Typist(qtbot, [typo(real), real.lower()])
    dialogs.pin_typist = typist
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert [ok for _text, ok in typist.seen] == [False, True]
    assert not dialogs.errors
    assert [p.fingerprint for p in load_trust_state(kecamatan_ctx).pins] == [real]
    text = page.results.text()
    assert "disematkan" in text and "Sah, siap diimpor" in text and "dipercaya lokal" in text
    assert page.import_button.isEnabled() and not page.pin_button.isVisible()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert [r["sender"] for r in ledger(kecamatan_ctx)] == [DESA_CODE]


def test_a_typo_that_reaches_the_service_is_refused_there_too(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path
) -> None:
    dialogs = FakeDialogs()
    page = _receive(qtbot, kecamatan_ctx, dialogs)
    page.check_files([bundle])
    dialogs.pin_answer = (DESA_CODE, typo(office_fingerprint(desa_ctx)), "")
    page.pin_sender()
    [error] = dialogs.errors
    assert getattr(error, "code", "") == "trust.pin_typo"
    assert not load_trust_state(kecamatan_ctx).pins
    assert page.pin_button.isVisible()


def test_terima_data_replaces_a_mistyped_pin_only_when_confirmed(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path
) -> None:
    real = office_fingerprint(desa_ctx)
    pin_office(kecamatan_ctx, DESA_CODE, typo(real))  # mistyped earlier, without the bundle
    dialogs = FakeDialogs()
    page = _receive(qtbot, kecamatan_ctx, dialogs)
    page.check_files([bundle])
    assert "salah ketik" in page.results.text() and typo(real) in page.results.text()
    dialogs.pin_typist = Typist(qtbot, [real])

    dialogs.replace_answer = False
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert dialogs.replace_calls == [(DESA_CODE, typo(real), real)]
    assert [p.fingerprint for p in load_trust_state(kecamatan_ctx).pins] == [typo(real)]
    assert [e.action for e in audit_log(kecamatan_ctx)] == ["pin.add"]

    dialogs.replace_answer = True
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert [p.fingerprint for p in load_trust_state(kecamatan_ctx).pins] == [real]
    last = audit_log(kecamatan_ctx)[-1]
    assert (last.action, last.detail["old"], last.detail["new"]) == (
        "pin.replace",
        typo(real),
        real,
    )
    assert "diganti" in page.results.text() and page.import_button.isEnabled()


def test_the_replace_dialog_shows_both_and_enter_does_not_replace(qtbot: QtBot) -> None:
    old, new = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "AAAA-BBBB-CCCX-DDDD-EEEE-FFFF-GGGG-HHHH"
    dialog = ReplacePinDialog(DESA_CODE, old, new)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "<u>CCCC</u>" in dialog.old_label.text() and "<u>CCCX</u>" in dialog.new_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.show()
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def _keys(qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs) -> KeysPage:
    page = KeysPage(make_shell(ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_kunci_page_replaces_only_after_confirmation(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext
) -> None:
    real = office_fingerprint(desa_ctx)
    dialogs = FakeDialogs()
    page = _keys(qtbot, kecamatan_ctx, dialogs)
    dialogs.pin_answer = (DESA_CODE, typo(real), "")
    qtbot.mouseClick(page.buttons["pin"], Qt.MouseButton.LeftButton)
    dialogs.pin_answer = (DESA_CODE, real, "ditelepon ulang")
    qtbot.mouseClick(page.buttons["pin"], Qt.MouseButton.LeftButton)
    assert dialogs.replace_calls == [(DESA_CODE, typo(real), real)]
    assert [p.fingerprint for p in load_trust_state(kecamatan_ctx).pins] == [typo(real)]
    dialogs.replace_answer = True
    qtbot.mouseClick(page.buttons["pin"], Qt.MouseButton.LeftButton)
    assert [p.fingerprint for p in load_trust_state(kecamatan_ctx).pins] == [real]
    assert "diganti" in page.message.text() and not dialogs.errors
    page.tabs.setCurrentIndex(3)
    assert page.audit_table.rowCount() == 2  # newest first
    assert page.audit_table.item(0, 1).text() == "sematan diganti"
    assert page.audit_table.item(0, 4).text() == f"{typo(real)} → {real}"


def test_kunci_page_removes_the_selected_pin_after_confirmation(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext
) -> None:
    real = office_fingerprint(desa_ctx)
    pin_office(kecamatan_ctx, DESA_CODE, real, "Pak Budi")
    dialogs = FakeDialogs()
    page = _keys(qtbot, kecamatan_ctx, dialogs)
    page.tabs.setCurrentIndex(1)
    assert page.pins_table.rowCount() == 1 and page.pins_table.item(0, 4).text() == "Pak Budi"
    assert not page.unpin_button.isEnabled()
    cell = page.pins_table.visualItemRect(page.pins_table.item(0, 0)).center()
    qtbot.mouseClick(page.pins_table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.unpin_button.isEnabled()

    dialogs.confirm_answer = False
    qtbot.mouseClick(page.unpin_button, Qt.MouseButton.LeftButton)
    assert real in dialogs.confirms[-1] and DESA_CODE in dialogs.confirms[-1]
    assert load_trust_state(kecamatan_ctx).pins

    dialogs.confirm_answer = True
    qtbot.mouseClick(page.unpin_button, Qt.MouseButton.LeftButton)
    assert not load_trust_state(kecamatan_ctx).pins and not dialogs.errors
    assert page.pins_table.rowCount() == 0 and not page.unpin_button.isEnabled()
    assert [e.action for e in audit_log(kecamatan_ctx)] == ["pin.add", "pin.remove"]
    assert page.audit_table.item(0, 1).text() == "sematan dihapus"
