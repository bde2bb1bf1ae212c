"""The list of backups with "Pulihkan…": used by Pengaturan and by the start-up recovery dialog.

It needs only the data folder, never the open database, so it works when that file is damaged.
Describing a backup and restoring it run off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.backups import (
    BackupSummary,
    RestoreResult,
    backup_entries,
    describe_backup,
    restore_backup,
)
from smartcity_desktop.services.gui_support import format_count, format_size
from smartcity_desktop.storage.paths import DataPaths

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
BACKUP_REASONS = {
    "manual": N_("manual"),
    "pre-migration": N_("sebelum pembaruan"),
    "daily": N_("harian otomatis"),
    "pre-import": N_("sebelum terima data"),
}

Submit = Callable[..., Any]  # Shell.submit or a TaskRunner.submit with the same arguments


def reason_label(reason: str) -> str:
    key = "pre-migration" if reason.startswith("pre-migration") else reason
    return _(BACKUP_REASONS[key]) if key in BACKUP_REASONS else reason


def summary_text(summary: BackupSummary) -> str:
    office = (
        f"{summary.office_name} ({summary.office_code})" if summary.office_code else _("tidak ada")
    )
    return _(
        "Cadangan: {name}\nDibuat: {when}\nKantor: {office}\n\n"
        "Permasalahan: {p}\nPotensi: {q}\nUsulan inovasi: {u}\nLampiran: {a}\n\n"
        "Basis data yang sekarang akan diganti dengan isi cadangan ini. Berkas yang sekarang "
        "tidak dihapus: disimpan di folder data dengan nama "
        "'smartcity-before-restore-…'. Perubahan sesudah tanggal cadangan tidak ada di cadangan."
    ).format(
        name=summary.path.name,
        when=f"{summary.created:%d-%m-%Y %H:%M}",
        office=office,
        p=format_count(summary.records.get("problem", 0)),
        q=format_count(summary.records.get("potential", 0)),
        u=format_count(summary.records.get("proposal", 0)),
        a=format_count(summary.attachments),
    )


class BackupList(QWidget):
    """The backups of one data folder, newest first, and a button to restore the chosen one.

    ``before_restore`` runs on the worker thread just before the file is replaced (the desktop
    closes its own connections there); ``after_restore`` runs on the GUI thread afterwards."""

    def __init__(
        self,
        paths: DataPaths,
        submit: Submit,
        dialogs: Any,
        *,
        before_restore: Callable[[], None] = lambda: None,
        after_restore: Callable[[RestoreResult], None] = lambda _result: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths, self.submit, self.dialogs = paths, submit, dialogs
        self.before_restore, self.after_restore = before_restore, after_restore
        self._busy = False
        self.list = QListWidget()
        self.list.setAccessibleName(_("Daftar cadangan"))
        self.list.setMinimumHeight(self.fontMetrics().height() * 5)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.restore_button = QPushButton(_("&Pulihkan dari cadangan terpilih…"))
        self.restore_button.setAccessibleName(_("Pulihkan dari cadangan terpilih"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.status = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        entries = backup_entries(self.paths.backups)
        for entry in entries:
            self.list.addItem(
                f"{entry.created:%d-%m-%Y %H:%M:%S}   {format_size(entry.size)}   "
                f"{reason_label(entry.reason)}"
            )
            self.list.item(self.list.count() - 1).setData(PATH_ROLE, str(entry.path))
        if not entries:
            self.list.addItem(_("Belum ada cadangan."))
        self._update_buttons()

    def selected_backup(self) -> Path | None:
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        value = item.data(PATH_ROLE)
        return Path(value) if value else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(not self._busy and self.selected_backup() is not None)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.status.setText(text)
        self._update_buttons()

    def restore_selected(self) -> None:
        backup = self.selected_backup()
        if backup is None or self._busy:
            return
        paths = self.paths
        self._set_busy(True, _("Membaca isi cadangan…"))
        self.submit(
            lambda _p: describe_backup(paths, backup), self._confirm, self._failed, parent=self
        )

    def _confirm(self, summary: BackupSummary) -> None:
        if not self.dialogs.confirm(
            self,
            _("Pulihkan dari cadangan?"),
            summary_text(summary),
            _("Pulihkan"),
            _("Batal"),
        ):
            self._set_busy(False)
            return
        paths, before = self.paths, self.before_restore
        self._set_busy(True, _("Memulihkan…"))

        def work(_progress: object) -> RestoreResult:
            before()
            return restore_backup(paths, summary.path)

        self.submit(work, self._restored, self._failed, parent=self)

    def _restored(self, result: RestoreResult) -> None:
        self._set_busy(False, _("Dipulihkan dari {name}.").format(name=result.summary.path.name))
        self.refresh()
        self.after_restore(result)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False, _("Pemulihan tidak dilakukan."))
        self.dialogs.error(self, exc, _("Pemulihan tidak dilakukan"))
