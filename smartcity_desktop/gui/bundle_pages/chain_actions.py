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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.gui.bundle_pages.run import BundleRun
from smartcity_desktop.gui.tasks import TaskProgress
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
        self.run = BundleRun(self._set_running)
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
        self.status = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.forward_button)
        row.addWidget(self.feedback_button)
        row.addWidget(self.run.progress, 10)
        row.addWidget(self.run.cancel_button)
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
        if self.run.handle is not None:
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
        self.run.start(
            self.shell,
            lambda progress: work(ctx, passphrase, folder, progress),
            done,
            self._failed,
            self.status,
            self,
        )

    def cancel(self) -> None:
        self.run.cancel()

    def _forwarded(self, result: Any) -> None:
        self.run.set_running(False)
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
        self.run.set_running(False)
        self.status.setText(
            _("Hasil verifikasi untuk {n} desa tersimpan:\n{names}").format(
                n=len(results),
                names="\n".join(str(r.paths[0]) for r in results.values()),
            )
        )
        self.shell.hub.publish(Change(Action.UPDATED, frozenset({"bundle_export"})))

    def _failed(self, exc: BaseException) -> None:
        self.run.failed(exc, self.status, self.dialogs, self)

    def _set_running(self, running: bool) -> None:
        self.forward_button.setEnabled(not running)
        self.feedback_button.setEnabled(not running)

    def can_close(self) -> bool:
        self.run.stop()
        return True
