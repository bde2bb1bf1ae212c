"""Running slow work off the GUI thread, with progress and cancel.

A task is a plain function ``fn(progress) -> result`` where ``progress`` is a ``TaskProgress``
(plain Python: ``report(done, total, message)`` and ``cancelled()``), so the same function serves the
CLI. ``TaskRunner.submit`` runs it on a worker thread and delivers the result or the exception back on
the GUI thread through Qt signals. Tests use ``SyncTaskRunner``, which runs tasks at once.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a task when the user pressed Cancel."""


class TaskProgress:
    def __init__(self, on_report: Callable[[int, int, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_report = on_report

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._on_report is not None:
            self._on_report(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class TaskHandle(QObject):
    """Signals of one running task; they are always delivered on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.progress = TaskProgress(self._emit_progress)

    def _emit_progress(self, done: int, total: int, message: str) -> None:
        self.progressed.emit(done, total, message)

    def cancel(self) -> None:
        self.progress.cancel()


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[[TaskProgress], Any],
        handle: TaskHandle,
        after: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__()
        self.fn = fn
        self.handle = handle
        self.after = after
        # Worker threads start with fresh context variables; carry the submitter's (the active
        # language above all) so messages and reports come out in the user's language.
        self.context = contextvars.copy_context()
        self.setAutoDelete(True)

    def run(self) -> None:
        started = time.time()
        try:
            result = self.context.run(self.fn, self.handle.progress)
        except BaseException as exc:  # delivered to the GUI, which decides how to show it
            if not isinstance(exc, Cancelled):
                log.debug("task failed", exc_info=True)
            self.handle.failed.emit(exc)
        else:
            self.handle.succeeded.emit(result)
        if self.after is not None:
            try:
                self.after(started)
            except Exception:  # housekeeping never turns into an error for the user
                log.warning("after-task housekeeping failed", exc_info=True)
        self.handle.finished.emit()


class TaskRunner:
    """Runs tasks on a small thread pool. Database writes stay one at a time (SQLite)."""

    # Run on the worker thread after every task with the task's start time (``time.time()``):
    # the desktop removes leftovers of interrupted work there (services/cleanup.py).
    after_each: Callable[[float], None] | None = None

    def __init__(self, max_threads: int = 2) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(max_threads)
        self._handles: set[TaskHandle] = set()

    def submit(
        self,
        fn: Callable[[TaskProgress], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> TaskHandle:
        handle = TaskHandle()
        self._connect(handle, on_success, on_error, on_progress)
        self.pool.start(_Job(fn, handle, self.after_each))
        return handle

    def _connect(
        self, handle: TaskHandle, on_success: Any, on_error: Any, on_progress: Any
    ) -> None:
        self._handles.add(handle)  # keep the QObject alive until it finishes
        if on_success:
            handle.succeeded.connect(on_success)
        if on_error:
            handle.failed.connect(on_error)
        if on_progress:
            handle.progressed.connect(on_progress)
        handle.finished.connect(lambda: self._handles.discard(handle))

    def wait(self, msecs: int = -1) -> bool:
        return bool(self.pool.waitForDone(msecs))

    @property
    def busy(self) -> bool:
        """A task is running or its result has not been delivered to the GUI thread yet."""
        return bool(self._handles)


class SyncTaskRunner(TaskRunner):
    """Runs each task immediately on the calling thread (tests)."""

    def __init__(self) -> None:
        self._handles = set()

    def submit(
        self,
        fn: Callable[[TaskProgress], Any],
        on_success: Any = None,
        on_error: Any = None,
        on_progress: Any = None,
    ) -> TaskHandle:
        handle = TaskHandle()
        self._connect(handle, on_success, on_error, on_progress)
        _Job(fn, handle, self.after_each).run()
        return handle

    def wait(self, msecs: int = -1) -> bool:
        return True
