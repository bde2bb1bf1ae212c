"""One PDF written off the GUI thread: asking where to save it, progress and cancel while it is
built, then where it went with buttons to open it or its folder. Used by the Laporan page and by
the reminder letter on the Kelengkapan page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


def _cancelled_error(exc: BaseException) -> bool:
    # The report service raises its own UserError subclass on cancel; the runner has Cancelled.
    return isinstance(exc, Cancelled) or getattr(exc, "code", "") == "report.cancelled"


def ask_pdf_target(shell: Shell, parent: QWidget, title: str, suggested: Path) -> Path | None:
    """Where to save a PDF, starting at ``suggested``; ``.pdf`` is added when typed without it."""
    suggested.parent.mkdir(parents=True, exist_ok=True)
    target = shell.dialogs.save_file(parent, title, suggested, _("Berkas PDF (*.pdf)"))
    if target is None:
        return None
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    return target


class PdfTask(QWidget):
    def __init__(
        self,
        shell: Shell,
        on_running: Callable[[bool], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self.on_running = on_running
        self.handle: TaskHandle | None = None
        self.running = False
        self.last_pdf: Path | None = None
        self._saved = ""
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Kemajuan pembuatan laporan"))
        self.progress.hide()
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QPushButton(_("Batalkan"))
        self.cancel_button.setAccessibleName(_("Batalkan pembuatan laporan"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.open_button = QPushButton(_("Buka"))
        self.open_button.setAccessibleName(_("Buka berkas PDF"))
        self.open_button.clicked.connect(self.open_pdf)
        self.folder_button = QPushButton(_("Buka folder"))
        self.folder_button.setAccessibleName(_("Buka folder berkas PDF"))
        self.folder_button.clicked.connect(self.open_folder)
        for b in (self.open_button, self.folder_button):
            b.hide()
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        result_row = QHBoxLayout()
        result_row.addWidget(self.open_button)
        result_row.addWidget(self.folder_button)
        result_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addLayout(result_row)

    def start(self, work: Callable[[TaskProgress], Path], saved: str) -> bool:
        """Run ``work`` on a worker thread; ``saved`` (with ``{path}``) says where it went."""
        if self.running:
            return False
        self._saved = saved
        self._set_running(True)
        self.status.setText(_("Menyiapkan laporan…"))
        handle = self.shell.submit(work, self._built, self._failed, self._progressed, parent=self)
        # A runner that finishes at once (tests) has already called back: keep no stale handle.
        self.handle = handle if self.running else None
        return True

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Membatalkan…"))

    def _progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _built(self, path: Any) -> None:
        self._set_running(False)
        self.last_pdf = Path(path)
        self.status.setText(self._saved.format(path=self.last_pdf))
        self.open_button.show()
        self.folder_button.show()
        self.open_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        if _cancelled_error(exc):
            self.status.setText(_("Dibatalkan; tidak ada berkas yang disimpan."))
            return
        self.status.setText(error_text(exc) if isinstance(exc, UserError) else "")
        self.shell.dialogs.error(self, exc, _("Laporan tidak dapat dibuat"))

    def _set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            self.handle = None
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.open_button.hide()
            self.folder_button.hide()
        if self.on_running is not None:
            self.on_running(running)

    def open_pdf(self) -> None:
        if self.last_pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf)))

    def open_folder(self) -> None:
        if self.last_pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf.parent)))

    def can_close(self) -> bool:
        if self.handle is not None:
            self.handle.cancel()  # a half-written report is removed by the service
        return True
