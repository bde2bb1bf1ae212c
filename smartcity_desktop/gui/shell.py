"""What every page needs: the context, the task runner, the change hub and the dialogs.

Kept apart from the main window so that pages depend on this small module, not on the window that
builds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.tasks import TaskHandle, TaskProgress, TaskRunner

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext


@dataclass
class Shell:
    """What every page needs; built once by ``main()`` and handed to each page."""

    ctx: AppContext
    runner: TaskRunner
    hub: ChangeHub
    dialogs: Dialogs = field(default_factory=Dialogs)

    def submit(
        self,
        fn: Callable[[TaskProgress], Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        parent: QWidget | None = None,
    ) -> TaskHandle:
        """Run ``fn`` off the GUI thread in the active language; failures go to a dialog unless
        ``on_error`` handles them."""

        def failed(exc: BaseException) -> None:
            self.dialogs.error(parent, exc)

        return self.runner.submit(fn, on_success, on_error or failed, on_progress)
