"""At start, when the database is damaged: the reason, the backups, and "Pulihkan…".

Shown instead of a bare error so that the office can act on the advice at once, without the
command line. It needs only the data folder; the damaged file is never opened for writing, and a
restore keeps it beside the restored copy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from smartcity_desktop.gui.backup_list import BackupList
from smartcity_desktop.i18n import _
from smartcity_desktop.services.backups import RestoreResult
from smartcity_desktop.storage.paths import DataPaths

DAMAGE_CODES = ("storage.corrupt", "storage.not_sqlite")


class RecoveryDialog(QDialog):
    """Accepted once a backup was restored: the caller then opens the data again."""

    def __init__(
        self,
        paths: DataPaths,
        runner: Any,
        dialogs: Any,
        message: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Basis data rusak"))
        self.result_: RestoreResult | None = None

        def submit(fn: Any, on_success: Any, on_error: Any, parent: Any = None) -> Any:
            return runner.submit(fn, on_success, on_error)

        reason = QLabel(message, wordWrap=True)
        advice = QLabel(
            _(
                "Pilih cadangan terbaru yang masih baik lalu tekan Pulihkan. Berkas yang rusak "
                "tidak dihapus: disimpan di folder data dengan nama 'smartcity-before-restore-…'."
            ),
            wordWrap=True,
        )
        self.backups = BackupList(paths, submit, dialogs, after_restore=self._restored)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(reason)
        layout.addWidget(advice)
        layout.addWidget(self.backups, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 60, self.sizeHint().height())
        if self.backups.list.count() and self.backups.selected_backup() is None:
            self.backups.list.setCurrentRow(0)

    def _restored(self, result: RestoreResult) -> None:
        self.result_ = result
        self.accept()
