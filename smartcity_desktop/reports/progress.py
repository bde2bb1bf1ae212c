"""Progress reporting and cancellation for long reports, without tying reports to Qt."""

from __future__ import annotations

from typing import Protocol

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _


class ReportProgress(Protocol):
    """What the GUI's task progress (and anything similar) offers; see gui/tasks.TaskProgress."""

    def report(self, done: int, total: int, message: str) -> None: ...

    def cancelled(self) -> bool: ...


class ReportCancelled(UserError):
    code = "report.cancelled"

    def __init__(self) -> None:
        super().__init__(_("Pembuatan laporan dibatalkan; tidak ada berkas yang disimpan."))


def check_cancelled(progress: ReportProgress | None) -> None:
    if progress is not None and progress.cancelled():
        raise ReportCancelled()
