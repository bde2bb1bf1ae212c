"""Pengaturan: office details, language, where the data lives (the database too), and backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.backup_list import BackupList
from smartcity_desktop.gui.database_section import DatabaseBox
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.backups import (
    MAX_KEEP_COUNT,
    MAX_KEEP_DAYS,
    RestoreResult,
    back_up_now,
    retention_of,
)
from smartcity_desktop.services.gui_support import fingerprint_lines
from smartcity_desktop.services.settings import get_settings, update_settings
from smartcity_desktop.storage.paths import portable_marker

if TYPE_CHECKING:
    from pathlib import Path

    from smartcity_desktop.gui.shell import Shell

LANGUAGE_NAMES = (("id", "Bahasa Indonesia"), ("en", "English"))
HEAD_LABELS = {
    "desa": N_("Nama kepala desa/lurah:"),
    "kecamatan": N_("Nama camat:"),
    "kabupaten": N_("Nama kepala daerah:"),
}


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
        marker = portable_marker(ctx.paths)
        self.portable_label = QLabel(portable_note(marker) if marker else "", wordWrap=True)
        self.portable_label.setVisible(marker is not None)
        self.open_folder_button = QPushButton(_("Buka folder data"))
        self.open_folder_button.setAccessibleName(_("Buka folder data"))
        self.open_folder_button.clicked.connect(self.open_data_folder)
        self.backup_button = QPushButton(_("&Cadangkan sekarang"))
        self.backup_button.setAccessibleName(_("Cadangkan sekarang"))
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_status = QLabel(wordWrap=True)
        self.backup_list = BackupList(
            ctx.paths,
            shell.submit,
            shell.dialogs,
            before_restore=ctx.db.close,
            after_restore=self._restored,
        )
        self.backups = self.backup_list.list
        self.restore_button = self.backup_list.restore_button
        self.keep_count = QSpinBox()
        self.keep_count.setRange(1, MAX_KEEP_COUNT)
        self.keep_count.setSuffix(_(" cadangan terakhir"))
        self.keep_count.setAccessibleName(_("Jumlah cadangan otomatis yang disimpan"))
        self.keep_days = QSpinBox()
        self.keep_days.setRange(0, MAX_KEEP_DAYS)
        self.keep_days.setSuffix(_(" hari"))
        self.keep_days.setSpecialValueText(_("tanpa batas umur"))
        self.keep_days.setAccessibleName(_("Umur terlama cadangan otomatis, dalam hari"))
        # Saved on its own a moment after the last change: it sits far from "Simpan pengaturan".
        self._retention_timer = QTimer(self)
        self._retention_timer.setSingleShot(True)
        self._retention_timer.setInterval(600)
        self._retention_timer.timeout.connect(self.save_retention)
        self.keep_count.valueChanged.connect(self._retention_timer.start)
        self.keep_days.valueChanged.connect(self._retention_timer.start)
        retention_row = QHBoxLayout()
        retention_row.addWidget(QLabel(_("Cadangan otomatis disimpan:")))
        retention_row.addWidget(self.keep_count)
        retention_row.addWidget(QLabel(_("paling lama")))
        retention_row.addWidget(self.keep_days)
        retention_row.addStretch(1)
        data_layout = QVBoxLayout(data_box)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(_("Folder data:")))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_folder_button)
        data_layout.addLayout(folder_row)
        data_layout.addWidget(self.portable_label)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.backup_button)
        backup_row.addWidget(self.backup_status, 1)
        data_layout.addLayout(backup_row)
        data_layout.addWidget(
            QLabel(
                _(
                    "Cadangan tersimpan di folder 'backups' di dalam folder data. Aplikasi "
                    "membuatnya sendiri sekali sehari dan sebelum menerima data; cadangan manual "
                    "tidak pernah dihapus otomatis. Salin juga sesekali ke flashdisk agar data "
                    "aman bila laptop rusak."
                ),
                wordWrap=True,
            )
        )
        data_layout.addLayout(retention_row)
        data_layout.addWidget(self.backup_list, 1)

        # --- where the data is kept: SQLite here, or a shared PostgreSQL database --------------
        self.database_box = DatabaseBox(shell)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(office_box)
        layout.addWidget(key_box)
        layout.addWidget(self.database_box)
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
            (self.save_button, self.database_box.connect_button),
            (self.database_box.connect_button, self.database_box.local_button),
            (self.database_box.local_button, self.open_folder_button),
            (self.open_folder_button, self.backup_button),
            (self.backup_button, self.keep_count),
            (self.keep_count, self.keep_days),
            (self.keep_days, self.backups),
            (self.backups, self.restore_button),
        ):
            QWidget.setTabOrder(a, b)
        self.load()

    def load(self) -> None:
        values = get_settings(self.shell.ctx)
        self.head_name.setText(values["kepala_desa_name"])
        self.address.setText(values["office_address"])
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self._loaded_language = values["language"]
        retention = retention_of(self.shell.ctx)
        for box, value in (
            (self.keep_count, retention.keep_count),
            (self.keep_days, retention.keep_days),
        ):
            box.blockSignals(True)  # a value read is not a change to save
            box.setValue(value)
            box.blockSignals(False)
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
                    "backup.keep_count": str(self.keep_count.value()),
                    "backup.keep_days": str(self.keep_days.value()),
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

    def save_retention(self) -> None:
        self._retention_timer.stop()
        try:
            change = update_settings(
                self.shell.ctx,
                {
                    "backup.keep_count": str(self.keep_count.value()),
                    "backup.keep_days": str(self.keep_days.value()),
                },
            )
        except UserError as exc:
            self.shell.dialogs.error(self, exc)
            return
        self.shell.hub.publish(change)
        self.backup_status.setText(_("Aturan penyimpanan cadangan tersimpan."))

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
        self.backup_list.refresh()

    def _restored(self, result: RestoreResult) -> None:
        """The open pages show the replaced data: the application closes, to be opened again."""
        kept = result.kept_aside.name if result.kept_aside else "-"
        self.shell.dialogs.info(
            self,
            _("Data dipulihkan"),
            _(
                "Data dipulihkan dari cadangan {name}. Basis data sebelumnya disimpan sebagai "
                "{kept} di folder data.\n\nSmartCity Desktop ditutup sekarang; buka kembali untuk "
                "melanjutkan dengan data yang dipulihkan."
            ).format(name=result.summary.path.name, kept=kept),
        )
        self.window().close()


def portable_note(marker: Path) -> str:
    return _(
        "Mode portabel: folder data berada di samping aplikasi karena ada berkas {marker}. "
        "Bawa seluruh folder aplikasi agar data ikut terbawa."
    ).format(marker=marker.name)  # the folder is shown just above
