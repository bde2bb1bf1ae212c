"""Kirim Data: write this office's unsent changes into a signed bundle file.

The official sees what would go out, picks a folder (a USB stick, or a folder to attach from a
messaging app), types the passphrase, and the bundle is written off the GUI thread.

The kabupaten has no office above it: its reviews reach the villages in feedback bundles (one per
desa, ``ChainActions``), never in an export upward. So at the kabupaten the page holds only the
folder and the feedback part; the export form (pending changes, last bundle, options) is not built.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.bundle_pages.chain_actions import ChainActions
from smartcity_desktop.gui.bundle_pages.common import page_title
from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
from smartcity_desktop.gui.bundle_pages.run import BundleRun
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import TaskProgress
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.gui_support import format_count, format_size

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

KINDS = ("problem", "potential", "proposal", "attachment")
FOLDER_KEY = "exchange.last_folder"
DEFAULT_PART_MB = 15  # WhatsApp and Telegram accept larger files, but slow links fail less


def _recipient(role: str) -> str:
    if role == "desa":
        return _("kecamatan dan kabupaten")
    return _("kabupaten")


class SendPage(QWidget):
    def __init__(
        self, shell: Shell, dialogs: BundleDialogs | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self.dialogs = dialogs or BundleDialogs(shell.dialogs)
        self.run = BundleRun(self._set_running, self._cancelling)
        self.last_result: Any = None
        office = shell.ctx.office
        # Only a desa and a kecamatan export upward; the kabupaten sends feedback down only.
        self.exports = office.role != "kabupaten"

        intro = QLabel(
            _(
                "Buat paket data bertanda tangan untuk dikirim ke {to}, lewat flashdisk atau "
                "aplikasi pesan. Paket hanya berisi catatan final kantor ini; draf tidak ikut."
            ).format(to=_recipient(office.role))
            if self.exports
            else _(
                "Kabupaten tidak mengirim data ke kantor di atasnya. Di sini kabupaten membuat "
                "hasil verifikasinya untuk desa: satu berkas bertanda tangan per desa, berisi "
                "reviu kabupaten atas data desa itu dan, bila ada, daftar pencabutan kunci. Berikan "
                "berkas itu ke desa langsung atau lewat kecamatannya, dengan flashdisk atau "
                "aplikasi pesan."
            ),
            wordWrap=True,
        )

        self.count_labels: dict[str, QLabel] = {}
        pending_box = QGroupBox(_("Perubahan yang belum dikirim"))
        grid = QGridLayout(pending_box)
        for row, kind in enumerate(KINDS):
            grid.addWidget(QLabel(kind_label(kind) + ":"), row, 0)
            value = QLabel("…")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(self.fontMetrics().horizontalAdvance("000.000"))
            self.count_labels[kind] = value
            grid.addWidget(value, row, 1)
        self.total_label = QLabel()
        self.total_label.setWordWrap(True)
        grid.addWidget(self.total_label, len(KINDS), 0, 1, 3)
        grid.setColumnStretch(2, 1)

        last_box = QGroupBox(_("Pengiriman terakhir"))
        self.last_label = QLabel(wordWrap=True)
        self.last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        QVBoxLayout(last_box).addWidget(self.last_label)

        options = QGroupBox(_("Pilihan"))
        self.full_check = QCheckBox(_("Kirim semua data, bukan hanya perubahan"))
        self.full_check.setToolTip(
            _("Gunakan bila kantor penerima kehilangan data atau baru memasang aplikasi.")
        )
        self.full_check.toggled.connect(self.refresh)
        self.split_check = QCheckBox(_("Pecah menjadi beberapa bagian untuk aplikasi pesan"))
        self.split_size = QSpinBox()
        self.split_size.setRange(1, 2000)
        self.split_size.setValue(DEFAULT_PART_MB)
        self.split_size.setSuffix(" MB")
        self.split_size.setAccessibleName(_("Ukuran tiap bagian dalam MB"))
        self.split_size.setEnabled(False)
        self.split_check.toggled.connect(self.split_size.setEnabled)
        split_row = QHBoxLayout()
        split_row.addWidget(self.split_check)
        split_label = QLabel(_("paling besar"))
        split_row.addWidget(split_label)
        split_row.addWidget(self.split_size)
        split_row.addStretch(1)
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setAccessibleName(_("Folder tujuan"))
        self.folder_edit.setPlaceholderText(_("Belum dipilih"))
        choose = QPushButton(_("Pilih folder…"))
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(_("Simpan ke folder:")))
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        opt_layout = QVBoxLayout(options)
        opt_layout.addWidget(self.full_check)
        opt_layout.addLayout(split_row)
        opt_layout.addLayout(folder_row)

        self.export_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton),
            _("Buat paket data"),
        )
        self.export_button.clicked.connect(self.start_export)
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton(_("Buka folder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.hide()

        top = QHBoxLayout()
        top.addWidget(pending_box, 1)
        top.addWidget(last_box, 2)
        action_row = QHBoxLayout()
        action_row.addWidget(self.export_button)
        action_row.addWidget(self.run.progress, 10)
        action_row.addWidget(self.run.cancel_button)
        action_row.addStretch(1)  # the button keeps its natural width while nothing runs
        result_row = QHBoxLayout()
        result_row.addWidget(self.status, 1)
        result_row.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(_("Kirim Data")))
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(options)
        layout.addLayout(action_row)
        layout.addLayout(result_row)
        if not self.exports:  # hidden widgets take no room and no focus
            for widget in (
                pending_box,
                last_box,
                self.full_check,
                self.split_check,
                split_label,
                self.split_size,
                self.export_button,
                self.status,
            ):
                widget.setVisible(False)
        # Forward and feedback (kecamatan, kabupaten): a separate widget, same folder.
        self.chain = ChainActions(shell, self.dialogs, self.folder, self)
        layout.addWidget(self.chain)
        layout.addStretch(1)

        self._load_folder()
        shell.hub.changed.connect(self._on_change)
        self.refresh()

    # --- state -------------------------------------------------------------------------------

    def _load_folder(self) -> None:
        from smartcity_desktop.services.settings import get_setting

        folder = get_setting(self.shell.ctx, FOLDER_KEY)
        if folder and Path(folder).is_dir():
            self.folder_edit.setText(folder)

    def folder(self) -> Path | None:
        text = self.folder_edit.text()
        return Path(text) if text else None

    def set_folder(self, folder: Path) -> None:
        from smartcity_desktop.services.settings import update_settings

        self.folder_edit.setText(str(folder))
        try:
            change = update_settings(self.shell.ctx, {FOLDER_KEY: str(folder)})
        except UserError as exc:  # remembering is a convenience; exporting still works
            self.status.setText(error_text(exc))
            return
        self.shell.hub.publish(change)

    def _on_change(self, change: Change) -> None:
        if change.action is not Action.SETTINGS and self.run.handle is None:
            self.refresh()

    def refresh(self) -> None:
        if not self.exports:
            return  # nothing is exported here, so there is nothing pending to count
        ctx, full = self.shell.ctx, self.full_check.isChecked()

        def work(_progress: TaskProgress) -> tuple[dict[str, int], Any, list[int]]:
            from smartcity_desktop.services.bundle_views import last_export_summary
            from smartcity_desktop.services.exchange import abandoned_numbers, pending_counts

            return pending_counts(ctx, full=full), last_export_summary(ctx), abandoned_numbers(ctx)

        self.shell.submit(work, self._show_state, self._state_failed, parent=self)

    def _show_state(self, state: tuple[dict[str, int], Any, list[int]]) -> None:
        counts, last, abandoned = state
        for kind, label in self.count_labels.items():
            label.setText(format_count(counts.get(kind, 0)))
        total = sum(counts.values())
        if self.full_check.isChecked():
            self.total_label.setText(
                _("Paket akan berisi semua {n} catatan final kantor ini.").format(
                    n=format_count(total)
                )
            )
        elif total:
            self.total_label.setText(_("{n} perubahan siap dikirim.").format(n=format_count(total)))
        else:
            self.total_label.setText(
                _(
                    "Tidak ada perubahan baru sejak paket terakhir. Centang 'Kirim semua data' untuk mengirim ulang."
                )
            )
        if last is None:
            text = _("Kantor ini belum pernah membuat paket.")
        else:
            text = _("Paket nomor {seq}, dibuat {when} ({size}{full}).\nBerkas:\n{files}").format(
                seq=last.sequence,
                when=last.when,
                size=format_size(last.size),
                full=_(", semua data") if last.full else "",
                files="\n".join(last.files),
            )
        if abandoned:
            text += "\n\n" + _(
                "Nomor {numbers} tidak terpakai: pembuatan paketnya terhenti sebelum selesai. "
                "Kantor penerima akan melihat nomor itu terlewat; itu wajar."
            ).format(numbers=", ".join(map(str, abandoned)))
        self.last_label.setText(text)

    def _state_failed(self, exc: BaseException) -> None:
        self.total_label.setText(error_text(exc))

    # --- export ------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        start = self.folder() or self.shell.ctx.paths.exports
        folder = self.dialogs.choose_folder(self, _("Pilih folder tujuan paket"), start)
        if folder is not None:
            self.set_folder(folder)

    def start_export(self) -> None:
        if self.run.handle is not None or not self.exports:
            return
        folder = self.folder()
        if folder is None:
            self.choose_folder()
            folder = self.folder()
            if folder is None:
                return
        passphrase = self.dialogs.passphrase(
            self, _("Ketik kata sandi kantor untuk menandatangani paket.")
        )
        if passphrase is None:
            return
        ctx = self.shell.ctx
        full = self.full_check.isChecked()
        part = self.split_size.value() * 1024 * 1024 if self.split_check.isChecked() else None

        def work(progress: TaskProgress) -> Any:
            from smartcity_desktop.services.exchange import export_bundle

            return export_bundle(
                ctx, passphrase, folder, full=full, max_part_size=part, progress=progress
            )

        self.run.start(self.shell, work, self._exported, self._failed, self.status, self)

    def cancel(self) -> None:
        self.run.cancel()

    def _cancelling(self) -> None:
        self.status.setText(_("Membatalkan…"))

    def _exported(self, result: Any) -> None:
        self.run.set_running(False)
        self.last_result = result
        names = "\n".join(p.name for p in result.paths)
        parts = len(result.paths)
        self.status.setText(
            _("Paket nomor {seq} tersimpan ({size}) di {folder}:\n{names}").format(
                seq=result.sequence,
                size=format_size(result.size),
                folder=result.paths[0].parent,
                names=names,
            )
            + (
                "\n"
                + _("Kirim semua {n} bagian; penerima harus memilih semuanya sekaligus.").format(
                    n=parts
                )
                if parts > 1
                else ""
            )
        )
        self.status.setStyleSheet("color: #1e7b34;")
        self.open_folder_button.show()
        self.open_folder_button.setFocus()
        self.shell.hub.publish(
            Change(
                Action.UPDATED, frozenset({"bundle_export"}), details={"sequence": result.sequence}
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self.run.failed(exc, self.status, self.dialogs, self, error_style="color: #b03a2e;")

    def _set_running(self, running: bool) -> None:
        self.status.setStyleSheet("")
        self.export_button.setEnabled(not running)
        if running:
            self.open_folder_button.hide()

    def open_folder(self) -> None:
        if self.last_result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_result.paths[0].parent)))

    def can_close(self) -> bool:
        self.run.stop()
        return self.chain.can_close()
