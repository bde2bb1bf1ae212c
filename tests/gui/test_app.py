"""Start-up: data folder choice, refusals shown as dialogs, the wizard, language from settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from smartcity_desktop import __version__
from smartcity_desktop.gui import app
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.wizard import SetupWizard
from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(app, "show_startup_error", lambda m, t=None: messages.append(m))
    return messages


def test_data_dir_from_option_or_environment(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[DataPaths] = []
    monkeypatch.setattr(app, "run", lambda paths, files=(): seen.append(paths) or 0)
    assert app.main(["--data-dir", str(tmp_path / "a")]) == 0
    monkeypatch.setenv("SMARTCITY_DATA_DIR", str(tmp_path / "b"))
    assert app.main([]) == 0
    assert [p.root for p in seen] == [tmp_path / "a", tmp_path / "b"]


def test_module_entry_point_answers_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "smartcity_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert __version__ in out.stdout


def test_the_desktop_paints_before_loading_sqlalchemy() -> None:
    # The window is built from these modules before the database is opened; SQLAlchemy alone
    # costs about half of the start-up budget.
    code = (
        "import sys\n"
        "import smartcity_desktop.gui.app, smartcity_desktop.gui.main_window\n"
        "import smartcity_desktop.services.context, smartcity_desktop.storage.sqlite_file\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_corrupt_database_is_a_dialog_not_a_traceback(
    qapp: QApplication, shown: list[str], tmp_path: Path
) -> None:
    paths = DataPaths(tmp_path)
    paths.database.write_bytes(b"this is not a database at all" * 10)
    assert app.run(paths) == app.EXIT_REFUSED
    assert "bukan basis data SmartCity" in shown[0]
    assert paths.database.read_bytes().startswith(b"this is not")
    assert not paths.lock_file.exists()


def test_newer_database_is_refused_with_its_message(
    qapp: QApplication, shown: list[str], desa_paths: DataPaths
) -> None:
    import sqlite3

    conn = sqlite3.connect(desa_paths.database)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    assert app.run(desa_paths) == app.EXIT_REFUSED
    assert "versi SmartCity yang lebih baru" in shown[0]


def test_cancelled_first_run_leaves_nothing(
    qapp: QApplication, shown: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[SetupWizard] = []

    def cancelled(self: SetupWizard) -> int:
        started.append(self)
        return 0

    monkeypatch.setattr(SetupWizard, "exec", cancelled)
    folder = tmp_path / "new-office"
    assert app.run(DataPaths(folder)) == app.EXIT_OK
    assert len(started) == 1
    assert not folder.exists()  # made for the lock, removed again because it stayed empty
    assert shown == []


def test_opens_the_main_window_in_the_saved_language(
    qtbot: Any,
    shown: list[str],
    desa_paths: DataPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_context(desa_paths)
    update_settings(ctx, {"language": "en"})
    ctx.close()
    windows: list[MainWindow] = []
    earlier = set(QApplication.topLevelWidgets())  # windows other tests left behind
    before_load: list[tuple[str, int]] = []

    def fake_exec() -> int:
        windows.extend(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w not in earlier
        )
        # Painted first, loaded on the turn after: the loop this stands in for would get there.
        before_load.append((windows[-1].status_counts.text(), len(windows[-1].pages)))
        qtbot.waitUntil(lambda: windows[-1].shell is not None and "problem" in windows[-1].pages)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    assert app.run(desa_paths) == app.EXIT_OK
    assert current_language() == "en"
    assert windows and windows[-1].nav.item(0).text() == _("Permasalahan") != "Permasalahan"
    assert before_load == [(_("Membuka data…"), 0)]
    assert (desa_paths.logs / "smartcity.log").exists()
    assert not desa_paths.lock_file.exists()
    assert shown == []
    for window in windows:
        window.close()
        window.deleteLater()


def test_a_damaged_database_found_after_start_is_reported(desa_paths: DataPaths) -> None:
    from smartcity_desktop.gui.tasks import SyncTaskRunner
    from smartcity_desktop.storage.errors import CorruptDatabaseError

    reported: list[BaseException] = []

    class FakeDialogs:
        def error(self, _parent: object, exc: BaseException) -> None:
            reported.append(exc)

    class FakeShell:
        runner = SyncTaskRunner()
        dialogs = FakeDialogs()

        def __init__(self, ctx: object) -> None:
            self.ctx = ctx

    ctx = open_context(desa_paths)
    try:
        app.check_database_in_background(FakeShell(ctx))
        assert reported == []  # a sound database says nothing
        data = bytearray(desa_paths.database.read_bytes())
        for offset in range(len(data) - 4096 * 40, len(data), 4096):
            data[offset : offset + 50] = b"\xde\xad" * 25
        desa_paths.database.write_bytes(bytes(data))
        app.check_database_in_background(FakeShell(ctx))
    finally:
        ctx.close()
    assert len(reported) == 1 and isinstance(reported[0], CorruptDatabaseError)
    assert "backups" in str(reported[0])


def test_a_database_failing_after_the_window_is_shown_is_a_dialog_instead(
    qapp: QApplication, shown: list[str], desa_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    from smartcity_desktop.services import context
    from smartcity_desktop.storage.errors import DiskFullError

    def failing(paths: DataPaths) -> context.AppContext:
        raise DiskFullError("Penyimpanan penuh (uji)")

    monkeypatch.setattr(context, "open_context", failing)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    earlier = set(QApplication.topLevelWidgets())
    safety = QTimer(singleShot=True, interval=10_000)  # the start must end by itself
    safety.timeout.connect(qapp.quit)
    safety.start()
    try:
        assert app.run(desa_paths) == app.EXIT_REFUSED
    finally:
        safety.stop()
    assert shown == ["Penyimpanan penuh (uji)"]
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert all(not w.isVisible() for w in windows if w not in earlier)
    assert not desa_paths.lock_file.exists()
    for window in windows:
        if window not in earlier:
            window.close()
            window.deleteLater()
