"""Bundles given on the command line or by a double-click open on Terima Data, checked, never
imported; a second start hands its files to the window already open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui import app
from smartcity_desktop.gui.bundle_pages.receive_page import ReceivePage
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.single_instance import HandOverServer, InstanceLock, hand_over
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, ledger
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell

# Offscreen windows have no stacking order to raise them in.
pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore(
        "This plugin does not support propagateSizeHints", "This plugin does not support raise"
    ),
]

READY = "Sah, siap diimpor"


@pytest.fixture
def bundle(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> Path:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=2, seed=11))
    out = tmp_path / "usb"
    out.mkdir()
    pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    return export_bundle(desa_ctx, PASSPHRASE, out).paths[0]


def _page(qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs) -> ReceivePage:
    page = ReceivePage(make_shell(ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    return page


def test_files_are_told_from_qt_options() -> None:
    args = app.parse_args(["-style", "fusion", "a.scb", "--data-dir", "d", "-reverse", "b.scb"])
    assert args.files == ["a.scb", "b.scb"]
    assert args.data_dir == "d"
    assert args.qt_args == ["-style", "fusion", "-reverse"]


def test_a_given_bundle_is_checked_not_imported(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    page = _page(qtbot, kecamatan_ctx, dialogs)
    page.open_given([str(bundle)])
    assert READY in page.results.text()
    assert page.files == [bundle]
    assert page.outcomes.rowCount() == 7
    assert page.import_button.isEnabled()
    assert ledger(kecamatan_ctx) == [] and not dialogs.errors


def test_a_missing_path_or_another_file_is_named_and_nothing_is_checked(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    page = _page(qtbot, kecamatan_ctx, dialogs)
    sheet = tmp_path / "rekap.xlsx"
    sheet.write_bytes(b"not a zip at all")
    page.open_given([str(tmp_path / "hilang.scb"), str(sheet)])
    [error] = dialogs.errors
    assert isinstance(error, UserError)
    assert "hilang.scb tidak ditemukan" in error.message
    assert "Berkas rekap.xlsx bukan paket SmartCity" in error.message
    assert "tidak ditemukan" in page.results.text()
    assert page.files == [] and not page.import_button.isEnabled()


def test_files_handed_over_during_a_check_wait_for_it(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    page = _page(qtbot, kecamatan_ctx, dialogs)
    page._set_running(True)
    page.handle = object()  # type: ignore[assignment]  # a check still running
    page.open_given([str(bundle)])
    assert page.files == [] and page.waiting == [bundle]
    page._set_running(False)
    qtbot.waitUntil(lambda: READY in page.results.text())
    assert page.files == [bundle] and page.waiting == []


def test_the_window_starts_on_terima_data_when_given_a_file(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    window = MainWindow(office=kecamatan_ctx.office)
    qtbot.addWidget(window)
    window.open_given([str(bundle)], to_front=False)
    assert window.specs[window.nav.currentRow()].key == "receive"
    assert window.pages == {}  # nothing is built before the data is open
    window.attach(make_shell(kecamatan_ctx, dialogs))
    page = window.current_page()
    assert isinstance(page, ReceivePage)
    assert READY in page.results.text()


def _second_start(data: Path, cwd: Path, *files: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCITY_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.Popen(
        [sys.executable, "-m", "smartcity_desktop", "--data-dir", str(data), *files],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_start_hands_its_file_to_the_open_window(
    qtbot: QtBot,
    kecamatan_ctx: AppContext,
    bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = kecamatan_ctx.paths
    shown: list[str] = []
    monkeypatch.setattr(app, "show_startup_error", lambda m, t=None: shown.append(m))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    earlier = set(QApplication.topLevelWidgets())
    seen: dict[str, Any] = {}

    def fake_exec() -> int:
        [window] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w not in earlier
        ]
        seen["window"] = window
        qtbot.waitUntil(lambda: "receive" in window.pages, timeout=20_000)
        page = window.pages["receive"]
        qtbot.waitUntil(lambda: READY in page.results.text(), timeout=20_000)
        seen["first"] = list(page.files)
        # The user goes elsewhere, then double-clicks the bundle again in the file manager: the
        # new process gets a path relative to its own folder.
        window.show_page("problem")
        page.files = []
        second = _second_start(paths.root, bundle.parent, bundle.name)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=120_000)
        seen["second"] = (second.returncode, second.communicate())
        qtbot.waitUntil(lambda: page.files == [bundle], timeout=20_000)
        seen["page after"] = window.current_page() is page
        qtbot.waitUntil(lambda: READY in page.results.text(), timeout=20_000)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert app.main(["--data-dir", str(paths.root), str(bundle)]) == app.EXIT_OK
    assert seen["first"] == [bundle]
    code, (out, err) = seen["second"]
    assert code == 0, out + err
    assert seen["page after"]
    assert shown == [] and ledger(kecamatan_ctx) == []
    window = seen["window"]
    window.close()
    window.deleteLater()


def test_hand_over_without_a_listening_window_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    assert not hand_over(paths, [str(tmp_path / "a.scb")])


# The test's own socket is told the server closed it; Qt 6.11 formats that error string badly.
@pytest.mark.qt_log_ignore("QString::arg: Argument missing")
def test_a_message_that_is_not_understood_is_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtNetwork import QLocalSocket

    paths = DataPaths(tmp_path)
    lock = InstanceLock(paths)
    assert lock.try_acquire()
    server = HandOverServer(paths)
    received: list[list[str]] = []
    server.received.connect(received.append)
    try:
        assert server.listen()
        socket = QLocalSocket()
        socket.connectToServer(server.name)
        assert socket.waitForConnected(5000)
        socket.write(b'{"not": "ours"}\n')
        socket.flush()
        qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState)
        assert received == []
    finally:
        server.close()
        lock.release()
