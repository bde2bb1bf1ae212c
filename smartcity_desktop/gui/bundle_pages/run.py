"""Writing a bundle off the GUI thread, as Kirim Data and its chain actions do: a progress bar and
a cancel button beside the button that started it, the task's handle, and the status line's
words for a cancel or a failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
    from smartcity_desktop.gui.shell import Shell


class BundleRun:
    """One bundle task at a time. ``on_running`` updates the owner's own controls when a task
    starts or ends; ``on_cancel`` runs after a cancel has been asked for."""

    def __init__(
        self,
        on_running: Callable[[bool], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self.on_running = on_running
        self.on_cancel = on_cancel
        self.handle: TaskHandle | None = None
        self.running = False
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Kemajuan pembuatan paket"))
        self.progress.hide()
        self.cancel_button = QPushButton(_("Batalkan"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()

    def start(
        self,
        shell: Shell,
        work: Callable[[TaskProgress], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        status: QLabel,
        parent: QWidget,
    ) -> None:
        self.set_running(True)
        status.setText(_("Membuat paket…"))
        handle = shell.submit(work, done, failed, self._progressed, parent=parent)
        # A synchronous runner has already finished (and cleared the state) by now.
        self.handle = handle if self.running else None

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            if self.on_cancel is not None:
                self.on_cancel()

    def stop(self) -> None:
        """Cancel a running task when its window closes."""
        if self.handle is not None:
            self.handle.cancel()

    def _progressed(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            # Progress counts bytes; scale so that totals above 2 GiB fit a QProgressBar's int.
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))

    def failed(
        self,
        exc: BaseException,
        status: QLabel,
        dialogs: BundleDialogs,
        parent: QWidget,
        error_style: str = "",
    ) -> None:
        """End the task that failed: a cancel is said as such, a refusal in the status line, and
        anything unexpected also in a dialog."""
        self.set_running(False)
        if isinstance(exc, Cancelled) or getattr(exc, "code", "") == "export.cancelled":
            status.setText(_("Dibatalkan; tidak ada berkas yang dibuat."))
            return
        status.setText(error_text(exc))
        if error_style:
            status.setStyleSheet(error_style)
        if not isinstance(exc, UserError):
            dialogs.error(parent, exc, _("Paket tidak dapat dibuat"))

    def set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            self.handle = None
        self.on_running(running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
