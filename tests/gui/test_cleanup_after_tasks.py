"""The desktop removes leftovers at start and after every task, on the worker thread."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.app import clean_leftovers_in_background
from smartcity_desktop.gui.tasks import TaskProgress, TaskRunner
from smartcity_desktop.storage.paths import DataPaths


def old_partial(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"half")
    os.utime(path, (time.time() - 86400,) * 2)
    return path


def test_leftovers_go_at_start_and_after_each_task(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    at_start = old_partial(paths.exports, ".paket-0001.scb.00aa11bb.partial")
    runner = TaskRunner()
    clean_leftovers_in_background(runner, paths)
    qtbot.waitUntil(lambda: not at_start.exists(), timeout=5000)

    results: list[str] = []

    def interrupted_backup(_progress: TaskProgress) -> str:
        # What a crashed earlier run left, found while this task runs.
        old_partial(paths.backups, "smartcity-20260101-000000-000000-manual.partial-journal")
        return "done"

    runner.submit(interrupted_backup, results.append)
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    runner.wait(5000)
    assert not any(paths.backups.iterdir())
