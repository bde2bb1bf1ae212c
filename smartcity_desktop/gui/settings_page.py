"""Pengaturan: office details, language, where the data lives, and backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.backups import back_up_now
from smartcity_desktop.services.gui_support import (
    backup_entries,
    fingerprint_lines,
    format_size,
)
from smartcity_desktop.services.settings import get_settings, update_settings

if TYPE_CHECKING:
    from pathlib import Path

    from smartcity_desktop.gui.shell import Shell

LANGUAGE_NAMES = (("id", "Bahasa Indonesia"), ("en", "English"))
HEAD_LABELS = {
    "desa": N_("Nama kepala desa/lurah:"),
    "kecamatan": N_("Nama camat:"),
    "kabupaten": N_("Nama kepala daerah:"),
}
BACKUP_REASONS = {"manual": N_("manual"), "pre-migration": N_("sebelum pembaruan")}


class SettingsPage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        ctx = shell.ctx
        self._backup_running = False

        title = QLabel(_("Pengaturan"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)

        # --- office -----------------------------------------------------------------------
        self.head_name = QLineEdit()
        self.head_name.setMaxLength(200)
        self.head_name.setAccessibleName(_("Nama kepala kantor"))
        self.address = QLineEdit()
        self.address.setMaxLength(300)
        self.address.setAccessibleName(_("Alamat kantor"))
        self.address.setPlaceholderText(_("Misalnya: Jl. Raya Desa No. 1, RT 01/RW 02"))
        self.language = QComboBox()
        self.language.setAccessibleName(_("Bahasa tampilan"))
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language_note = QLabel(
            _("Bahasa baru dipakai setelah aplikasi ditutup dan dibuka kembali."), wordWrap=True
        )
        self.language_note.setStyleSheet("color: #566573;")
        self.save_button = QPushButton(_("&Simpan pengaturan"))
        self.save_button.setAccessibleName(_("Simpan pengaturan"))
        self.save_button.clicked.connect(self.save)
        self.saved_label = QLabel()
        office_box = QGroupBox(_("Kantor"))
        form = QFormLayout(office_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        head_label = QLabel(_(HEAD_LABELS.get(ctx.office.role, HEAD_LABELS["desa"])))
        head_label.setBuddy(self.head_name)
        form.addRow(_("Kantor:"), QLabel(f"{ctx.office.name} ({ctx.office.code})"))
        form.addRow(_("Operator:"), QLabel(ctx.office.operator))
        form.addRow(head_label, self.head_name)
        form.addRow(_("Alamat kantor:"), self.address)
        form.addRow(_("Bahasa tampilan:"), self.language)
        form.addRow("", self.language_note)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved_label, 1)
        form.addRow("", save_row)

        # --- key ---------------------------------------------------------------------------
        key_box = QGroupBox(_("Sidik jari kunci kantor"))
        self.fingerprint = QLabel()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.3)
        mono.setBold(True)
        self.fingerprint.setFont(mono)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName(_("Sidik jari kunci kantor"))
        key_note = QLabel(
            _("Kabupaten mencocokkan sidik jari ini untuk memastikan data benar dari kantor Anda."),
            wordWrap=True,
        )
        key_layout = QVBoxLayout(key_box)
        key_layout.addWidget(self.fingerprint)
        key_layout.addWidget(key_note)

        # --- data folder and backups -------------------------------------------------------
        data_box = QGroupBox(_("Data dan cadangan"))
        self.folder_label = QLabel(str(ctx.paths.root), wordWrap=True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setAccessibleName(_("Lokasi folder data"))
        self.open_folder_button = QPushButton(_("Buka folder data"))
        self.open_folder_button.setAccessibleName(_("Buka folder data"))
        self.open_folder_button.clicked.connect(self.open_data_folder)
        self.backup_button = QPushButton(_("&Cadangkan sekarang"))
        self.backup_button.setAccessibleName(_("Cadangkan sekarang"))
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_status = QLabel(wordWrap=True)
        self.backups = QListWidget()
        self.backups.setAccessibleName(_("Daftar cadangan"))
        self.backups.setMinimumHeight(self.fontMetrics().height() * 5)
        data_layout = QVBoxLayout(data_box)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(_("Folder data:")))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_folder_button)
        data_layout.addLayout(folder_row)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.backup_button)
        backup_row.addWidget(self.backup_status, 1)
        data_layout.addLayout(backup_row)
        data_layout.addWidget(
            QLabel(
                _(
                    "Cadangan tersimpan di folder 'backups' di dalam folder data. Salin juga "
                    "sesekali ke flashdisk agar data aman bila laptop rusak."
                ),
                wordWrap=True,
            )
        )
        data_layout.addWidget(self.backups, 1)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(office_box)
        layout.addWidget(key_box)
        layout.addWidget(data_box, 1)
        # At 150 % scaling on a 768-pixel screen the page is taller than the window: scroll.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        for a, b in (
            (self.head_name, self.address),
            (self.address, self.language),
            (self.language, self.save_button),
            (self.save_button, self.open_folder_button),
            (self.open_folder_button, self.backup_button),
            (self.backup_button, self.backups),
        ):
            QWidget.setTabOrder(a, b)
        self.load()

    def load(self) -> None:
        values = get_settings(self.shell.ctx)
        self.head_name.setText(values["kepala_desa_name"])
        self.address.setText(values["office_address"])
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self._loaded_language = values["language"]
        try:
            from smartcity_desktop.services.office import office_fingerprint

            self.fingerprint.setText(
                "\n".join(fingerprint_lines(office_fingerprint(self.shell.ctx)))
            )
        except UserError as exc:
            self.fingerprint.setText(exc.message)
        self.refresh_backups()

    def save(self) -> None:
        language = self.language.currentData()
        try:
            change = update_settings(
                self.shell.ctx,
                {
                    "kepala_desa_name": self.head_name.text(),
                    "office_address": self.address.text(),
                    "language": language,
                },
            )
        except UserError as exc:
            self.shell.dialogs.error(self, exc)
            return
        self.shell.hub.publish(change)
        if language != self._loaded_language:
            self.saved_label.setText(
                _("Tersimpan. Tutup dan buka kembali aplikasi untuk memakai bahasa baru.")
            )
        else:
            self.saved_label.setText(_("Tersimpan."))

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.shell.ctx.paths.root)))

    def backup_now(self) -> None:
        if self._backup_running:
            return
        ctx = self.shell.ctx
        self._backup_running = True
        self.backup_button.setEnabled(False)
        self.backup_status.setText(_("Mencadangkan…"))

        def work(_progress: object) -> Path:
            return back_up_now(ctx)

        self.shell.submit(work, self._backed_up, self._backup_failed, parent=self)

    def _backed_up(self, path: Path) -> None:
        self._backup_running = False
        self.backup_button.setEnabled(True)
        self.backup_status.setText(_("Cadangan dibuat: {name}").format(name=path.name))
        self.refresh_backups()

    def _backup_failed(self, exc: BaseException) -> None:
        self._backup_running = False
        self.backup_button.setEnabled(True)
        self.backup_status.setText(_("Cadangan gagal dibuat."))
        self.shell.dialogs.error(self, exc, _("Cadangan gagal dibuat"))

    def refresh_backups(self) -> None:
        self.backups.clear()
        entries = backup_entries(self.shell.ctx.paths.backups)
        for entry in entries:
            reason = entry.reason
            key = "pre-migration" if reason.startswith("pre-migration") else reason
            label = _(BACKUP_REASONS[key]) if key in BACKUP_REASONS else reason
            self.backups.addItem(
                f"{entry.created:%d-%m-%Y %H:%M:%S}   {format_size(entry.size)}   {label}"
            )
        if not entries:
            self.backups.addItem(_("Belum ada cadangan."))
