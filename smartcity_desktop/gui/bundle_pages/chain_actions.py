"""The chain above the village on Kirim Data: "Teruskan ke kabupaten" (a kecamatan's forward
bundle) and "Kirim hasil verifikasi ke desa" (feedback, one file per desa), each off the GUI
thread with progress and cancel. Shown only at a kecamatan or the kabupaten."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change

if TYPE_CHECKING:
    from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
    from smartcity_desktop.gui.shell import Shell


class ChainActions(QGroupBox):
    def __init__(
        self,
        shell: Shell,
        dialogs: BundleDialogs,
        folder: Callable[[], Path | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Verifikasi berjenjang"), parent)
        self.shell = shell
        self.dialogs = dialogs
        self.folder = folder
        self.handle: TaskHandle | None = None
        self.running = False
        role = shell.ctx.office.role
        self.forward_button = QPushButton(_("Teruskan ke kabupaten"))
        self.forward_button.setToolTip(
            _(
                "Paket berisi reviu kecamatan dan paket asli desa yang belum diteruskan, "
                "ditandatangani kecamatan."
            )
        )
        self.forward_button.clicked.connect(self.start_forward)
        self.forward_button.setVisible(role == "kecamatan")
        self.feedback_button = QPushButton(_("Kirim hasil verifikasi ke desa"))
        self.feedback_button.setToolTip(_("Satu berkas per desa, berisi reviu atas data desa itu."))
        self.feedback_button.clicked.connect(self.start_feedback)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Kemajuan pembuatan paket"))
        self.progress.hide()
        self.cancel_button = QPushButton(_("Batalkan"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.status = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.forward_button)
        row.addWidget(self.feedback_button)
        row.addWidget(self.progress, 10)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.setVisible(role in ("kecamatan", "kabupaten"))

    def start_forward(self) -> None:
        def work(ctx: Any, passphrase: str, folder: Path, progress: TaskProgress) -> Any:
            from smartcity_desktop.services.exchange.forward import forward_bundle

            return forward_bundle(ctx, passphrase, folder, progress=progress)

        self._start(work, self._forwarded)

    def start_feedback(self) -> None:
        def work(ctx: Any, passphrase: str, folder: Path, progress: TaskProgress) -> Any:
            from smartcity_desktop.services.exchange.feedback import feedback_bundles

            return feedback_bundles(ctx, passphrase, folder, progress=progress)

        self._start(work, self._fed_back)

    def _start(
        self,
        work: Callable[[Any, str, Path, TaskProgress], Any],
        done: Callable[[Any], None],
    ) -> None:
        if self.handle is not None:
            return
        folder = self.folder()
        if folder is None:
            self.status.setText(_("Pilih folder tujuan lebih dulu (bagian Pilihan di atas)."))
            return
        passphrase = self.dialogs.passphrase(
            self, _("Ketik kata sandi kantor untuk menandatangani paket.")
        )
        if passphrase is None:
            return
        ctx = self.shell.ctx
        self._set_running(True)
        self.status.setText(_("Membuat paket…"))
        handle = self.shell.submit(
            lambda progress: work(ctx, passphrase, folder, progress),
            done,
            self._failed,
            self._progressed,
            parent=self,
        )
        # A synchronous runner has already finished (and cleared the state) by now.
        self.handle = handle if self.running else None

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))

    def _forwarded(self, result: Any) -> None:
        self._set_running(False)
        self.status.setText(
            _(
                "Paket nomor {seq} tersimpan: {n} paket desa diteruskan, {reviews} reviu.\n{names}"
            ).format(
                seq=result.sequence,
                n=len(result.forwarded),
                reviews=result.counts.get("review", 0),
                names="\n".join(str(p) for p in result.paths),
            )
        )
        self.shell.hub.publish(Change(Action.UPDATED, frozenset({"bundle_export"})))

    def _fed_back(self, results: Any) -> None:
        self._set_running(False)
        self.status.setText(
            _("Hasil verifikasi untuk {n} desa tersimpan:\n{names}").format(
                n=len(results),
                names="\n".join(str(r.paths[0]) for r in results.values()),
            )
        )
        self.shell.hub.publish(Change(Action.UPDATED, frozenset({"bundle_export"})))

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        if isinstance(exc, Cancelled) or getattr(exc, "code", "") == "export.cancelled":
            self.status.setText(_("Dibatalkan; tidak ada berkas yang dibuat."))
            return
        self.status.setText(error_text(exc))
        if not isinstance(exc, UserError):
            self.dialogs.error(self, exc, _("Paket tidak dapat dibuat"))

    def _set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            self.handle = None
        self.forward_button.setEnabled(not running)
        self.feedback_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def can_close(self) -> bool:
        if self.handle is not None:
            self.handle.cancel()
        return True
