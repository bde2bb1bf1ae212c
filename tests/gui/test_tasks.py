from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.tasks import Cancelled, TaskProgress, TaskRunner
from smartcity_desktop.i18n import _, current_language, set_language


def test_tasks_run_off_the_gui_thread_in_the_users_language(qtbot: QtBot) -> None:
    import threading

    set_language("en")
    runner = TaskRunner()
    seen: dict[str, Any] = {}

    def work(progress: TaskProgress) -> str:
        seen["thread"] = threading.current_thread() is threading.main_thread()
        progress.report(1, 2, "")
        return f"{current_language()}:{_('Dibatalkan.')}"

    results: list[Any] = []
    steps: list[tuple[int, int]] = []
    runner.submit(work, results.append, on_progress=lambda d, t, _m: steps.append((d, t)))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == ["en:Cancelled."] and seen["thread"] is False
    assert steps == [(1, 2)]


def test_cancel_reaches_the_task_and_errors_come_back(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def work(progress: TaskProgress) -> None:
        while True:
            progress.check()

    handle = runner.submit(work, on_error=errors.append)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], Cancelled)
