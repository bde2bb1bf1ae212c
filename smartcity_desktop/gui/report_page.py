"""Laporan: the village recap PDF, written off the GUI thread with progress and cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import _, current_language

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


def _cancelled_error(exc: BaseException) -> bool:
    # The report service raises its own UserError subclass on cancel; the runner has Cancelled.
    return isinstance(exc, Cancelled) or getattr(exc, "code", "") == "report.cancelled"


class ReportPage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.handle: TaskHandle | None = None
        self._running = False
        self.last_pdf: Path | None = None

        title = QLabel(_("Laporan"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            _(
                "Rekap Desa merangkum permasalahan, potensi dan usulan inovasi kantor ini dalam "
                "satu berkas PDF, siap dicetak untuk musyawarah desa dan diserahkan ke kecamatan "
                "atau kabupaten. Hanya catatan final yang dimuat; draf belum ikut."
            ),
            wordWrap=True,
        )
        self.build_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
            _("Buat Rekap Desa (PDF)"),
        )
        self.build_button.setAccessibleName(_("Buat Rekap Desa dalam PDF"))
        self.build_button.clicked.connect(self.choose_and_build)
        self.build_button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
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

        row = QHBoxLayout()
        row.addWidget(self.build_button)
        row.addStretch(1)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        result_row = QHBoxLayout()
        result_row.addWidget(self.open_button)
        result_row.addWidget(self.folder_button)
        result_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addLayout(result_row)
        layout.addStretch(1)

    def suggested_path(self) -> Path:
        office = self.shell.ctx.office
        name = f"rekap-desa-{office.code.replace('.', '')}-{date.today():%Y%m%d}.pdf"
        return self.shell.ctx.paths.exports / name

    def choose_and_build(self) -> None:
        self.shell.ctx.paths.exports.mkdir(parents=True, exist_ok=True)
        target = self.shell.dialogs.save_file(
            self, _("Simpan Rekap Desa"), self.suggested_path(), _("Berkas PDF (*.pdf)")
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        self.build(target)

    def build(self, target: Path) -> None:
        if self._running:
            return
        ctx, language = self.shell.ctx, current_language()

        def work(progress: TaskProgress) -> Path:
            from smartcity_desktop.services.reports import build_desa_recap

            return build_desa_recap(ctx, target, progress, language=language)

        self._set_running(True)
        self.status.setText(_("Menyiapkan laporan…"))
        handle = self.shell.submit(work, self._built, self._failed, self._progressed, parent=self)
        # A runner that finishes at once (tests) has already called back: keep no stale handle.
        self.handle = handle if self._running else None

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

    def _built(self, path: Path) -> None:
        self._set_running(False)
        self.last_pdf = Path(path)
        self.status.setText(_("Rekap Desa tersimpan di {path}").format(path=self.last_pdf))
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
        self._running = running
        if not running:
            self.handle = None
        self.build_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.open_button.hide()
            self.folder_button.hide()

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
