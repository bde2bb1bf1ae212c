"""One application per data folder; a lock left by a crashed process does not block forever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from smartcity_desktop.gui import app
from smartcity_desktop.gui.single_instance import InstanceLock
from smartcity_desktop.storage.paths import DataPaths


def test_second_lock_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    first, second = InstanceLock(paths), InstanceLock(paths)
    assert first.try_acquire()
    assert not second.try_acquire()
    owner = second.owner()
    assert owner is not None and owner.pid > 0
    first.release()
    assert not paths.lock_file.exists()
    assert second.try_acquire()
    second.release()


def test_other_folders_are_independent(tmp_path: Path) -> None:
    a, b = InstanceLock(DataPaths(tmp_path / "a")), InstanceLock(DataPaths(tmp_path / "b"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert a.try_acquire() and b.try_acquire()
    a.release()
    b.release()


def test_a_stale_lock_from_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    code = (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1])\n"
        "assert lock.tryLock(0)\n"
        "os._exit(0)  # dies holding the lock, like a crash or a power cut\n"
    )
    subprocess.run([sys.executable, "-c", code, str(paths.lock_file)], check=True, timeout=60)
    assert paths.lock_file.exists()
    lock = InstanceLock(paths)
    assert lock.try_acquire()
    lock.release()


def test_a_second_start_says_so_in_indonesian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    held = InstanceLock(paths)
    assert held.try_acquire()
    shown: list[tuple[str, str | None]] = []
    monkeypatch.setattr(app, "show_startup_error", lambda m, t=None: shown.append((m, t)))
    try:
        assert app.run(paths) == app.EXIT_REFUSED
    finally:
        held.release()
    message, title = shown[0]
    assert message.startswith("SmartCity Desktop sudah terbuka untuk folder data ini")
    assert str(paths.root) in message
    assert title == "Sudah terbuka"
