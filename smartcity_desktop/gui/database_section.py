"""Pengaturan, "Basis data": where the office's data is, and pointing a kecamatan or kabupaten
office at a shared PostgreSQL database. A village keeps its data on its own PC.

Testing the connection and saving both talk to the server, so they run off the GUI thread
(gui/tasks.py). Nothing is switched while the app runs: the choice is saved in the data folder
and used from the next start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services import database_choice as choice

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

NOTE_STYLE = "color: #566573;"
GOOD_STYLE = "color: #1e8449;"
BAD_STYLE = "color: #b03a2e;"


def restart_note() -> str:
    return _(
        "Tersimpan. Tutup lalu buka kembali SmartCity Desktop untuk memakai basis data yang "
        "dipilih; sampai saat itu aplikasi tetap memakai data yang sekarang."
    )


class DatabaseBox(QGroupBox):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(_("Basis data"), parent)
        self.shell = shell
        ctx = shell.ctx
        self.location = choice.location_of(ctx)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, value in self.location.lines():
            shown = QLabel(value, wordWrap=True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{label}:", shown)
        layout.addLayout(self.form)
        self.note = QLabel(wordWrap=True)
        self.note.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.note)
        self.connect_button = QPushButton(_("Hubungkan ke &PostgreSQL…"))
        self.connect_button.setAccessibleName(_("Hubungkan ke PostgreSQL"))
        self.connect_button.clicked.connect(self.open_dialog)
        self.local_button = QPushButton(_("Kembali ke berkas di PC ini"))
        self.local_button.setAccessibleName(_("Kembali ke berkas SQLite di PC ini"))
        self.local_button.clicked.connect(self.back_to_local_file)
        self.shared = choice.may_use_server(ctx.office.role)
        self.dialog: ServerDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.connect_button)
        row.addWidget(self.local_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.connect_button.setVisible(self.shared)
        self.refresh()

    def refresh(self) -> None:
        if not self.shared:
            self.local_button.hide()
            self.note.setText(
                _(
                    "Desa/kelurahan menyimpan datanya di PC ini. Basis data bersama "
                    "(PostgreSQL) hanya untuk kantor kecamatan dan kabupaten; data desa sampai "
                    "ke sana lewat paket yang dikirim."
                )
            )
            return
        saved = choice.saved_choice(self.shell.ctx.paths)
        current = self.location.url if self.location.kind == "postgresql" else None
        lines = []
        if choice.url_from_environment():
            lines.append(
                _(
                    "Variabel lingkungan {env} diatur di PC ini dan menentukan basis data, "
                    "mengalahkan pilihan di sini."
                ).format(env=choice.DATABASE_URL_ENV)
            )
        elif saved != current:
            lines.append(
                _("Setelah aplikasi dibuka kembali: {where}.").format(
                    where=saved or _("berkas SQLite di folder data PC ini")
                )
            )
        if self.location.kind == "postgresql":
            lines.append(
                _("Kata sandi server tersimpan di PC ini.")
                if choice.password_kept(self.location.url)
                else _("Kata sandi server tidak tersimpan di PC ini.")
            )
        if self.location.kind == "sqlite":
            lines.append(
                _(
                    "Untuk bekerja bersama beberapa analis, salin dulu data kantor ke server "
                    "dengan perintah 'smartcity db copy --to URL', lalu hubungkan ke server itu."
                )
            )
        self.note.setText("\n".join(lines))
        self.local_button.setVisible(saved is not None)

    def open_dialog(self) -> None:
        saved = choice.saved_choice(self.shell.ctx.paths) or self.location.url or None
        initial = choice.ServerSettings.from_url(saved) if saved else None
        self.dialog = ServerDialog(self.shell, initial, self)
        self.dialog.saved.connect(self._switched)
        self.dialog.open()

    def _switched(self, result: choice.Switched) -> None:
        self.refresh()
        self.shell.dialogs.info(self, _("Basis data dipilih"), switched_text(result))

    def back_to_local_file(self) -> None:
        if not self.shell.dialogs.confirm(
            self,
            _("Kembali ke berkas di PC ini"),
            _(
                "Mulai pembukaan berikutnya, kantor ini memakai berkas SQLite di folder data PC "
                "ini, bukan server. Data di server tidak diubah dan tidak disalin ke PC ini. "
                "Lanjutkan?"
            ),
            _("Kembali ke berkas"),
            _("Batal"),
        ):
            return
        try:
            choice.switch_to_local_file(self.shell.ctx)
        except UserError as exc:
            self.shell.dialogs.error(self, exc)
            return
        self.refresh()
        self.shell.dialogs.info(self, _("Basis data dipilih"), restart_note())


def switched_text(result: choice.Switched) -> str:
    lines = [restart_note()]
    if result.password_kept:
        lines.append(_("Kata sandi tersimpan di penyimpanan kata sandi sistem PC ini."))
    elif not result.store_available:
        lines.append(
            _(
                "Kata sandi tidak dapat disimpan di PC ini; kata sandi akan ditanyakan setiap "
                "kali aplikasi dibuka."
            )
        )
    else:
        lines.append(
            _("Kata sandi tidak disimpan; kata sandi akan ditanyakan saat aplikasi dibuka.")
        )
    return "\n\n".join(lines)


class ServerDialog(QDialog):
    """Server, port, database, user and password; "Uji koneksi" before "Simpan"."""

    saved = Signal(object)  # choice.Switched

    def __init__(
        self, shell: Shell, initial: choice.ServerSettings | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self._running = False
        self._tested: tuple[choice.ServerSettings, str] | None = None
        self.setWindowTitle(_("Hubungkan ke PostgreSQL"))
        self.setMinimumWidth(560)
        self.host = QLineEdit(initial.host if initial else "")
        self.host.setPlaceholderText(_("nama atau alamat IP server, mis. 192.168.1.10"))
        self.host.setAccessibleName(_("Server"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(initial.port if initial else 5432)
        self.port.setAccessibleName(_("Port"))
        self.database = QLineEdit(initial.database if initial else "")
        self.database.setAccessibleName(_("Nama basis data"))
        self.user = QLineEdit(initial.user if initial else "")
        self.user.setAccessibleName(_("Nama pengguna"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Kata sandi"))
        self.remember = QCheckBox(_("Simpan kata sandi di PC ini"))
        self.store_available = choice.password_store_available()
        self.remember.setChecked(self.store_available)
        self.remember.setVisible(self.store_available)
        self.store_note = QLabel(wordWrap=True)
        self.store_note.setStyleSheet(NOTE_STYLE)
        if self.store_available:
            self.store_note.setText(
                _(
                    "Kata sandi disimpan di penyimpanan kata sandi sistem (Windows Credential "
                    "Manager, macOS Keychain atau Secret Service), tidak di folder data."
                )
            )
        else:
            self.store_note.setText(
                _(
                    "PC ini tidak punya penyimpanan kata sandi sistem, jadi kata sandi tidak dapat "
                    "disimpan di sini: kata sandi akan ditanyakan setiap kali aplikasi dibuka."
                )
            )
        self.test_button = QPushButton(_("&Uji koneksi"))
        self.test_button.setAccessibleName(_("Uji koneksi"))
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel(wordWrap=True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAccessibleName(_("Hasil uji koneksi"))
        self.result.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("&Simpan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            _("Batal"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("&Server:"), self.host)
        form.addRow(_("&Port:"), self.port)
        form.addRow(_("&Basis data:"), self.database)
        form.addRow(_("Pe&ngguna:"), self.user)
        form.addRow(_("&Kata sandi:"), self.password)
        form.addRow("", self.remember)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        # Outside the form: a wrapped label in a form row is given one line's height.
        layout.addWidget(self.store_note)
        layout.addLayout(test_row)
        layout.addWidget(self.result, 1)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user, self.password):
            field.textChanged.connect(self._changed)
        self.port.valueChanged.connect(self._changed)

    def settings(self) -> choice.ServerSettings:
        return choice.ServerSettings(
            self.host.text(), self.port.value(), self.database.text(), self.user.text()
        )

    def _changed(self) -> None:
        # A test is for the fields as they were: any change asks for a new one before saving.
        self.save_button.setEnabled(
            self._tested is not None and self._tested == (self.settings(), self.password.text())
        )

    def _busy(self, busy: bool, message: str = "") -> None:
        self._running = busy
        self.test_button.setEnabled(not busy)
        self.save_button.setEnabled(False)
        if message:
            self._show(message, NOTE_STYLE)

    def _show(self, text: str, style: str) -> None:
        self.result.setStyleSheet(style)
        self.result.setText(text)
        # A longer answer (the copy command) makes the dialog taller rather than cut off.
        wanted = self.layout().totalHeightForWidth(self.width())
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def test_connection(self) -> None:
        if self._running:
            return
        settings = self.settings()
        password = self.password.text()
        code = self.shell.ctx.office.code
        self._tested = None
        self._busy(
            True,
            _("Menghubungi server {host}:{port}…").format(host=settings.host, port=settings.port),
        )

        def work(_progress: object) -> choice.ConnectionCheck:
            return choice.check_connection(settings, password, code)

        def done(check: choice.ConnectionCheck) -> None:
            self._busy(False)
            self._show(check.message, GOOD_STYLE if check.usable else BAD_STYLE)
            if check.usable:
                self._tested = (settings, password)
                self._changed()

        def failed(exc: BaseException) -> None:
            self._busy(False)
            if isinstance(exc, UserError):
                self._show(exc.message, BAD_STYLE)
            else:
                self.shell.dialogs.error(self, exc)

        self.shell.submit(work, done, failed, parent=self)

    def save(self) -> None:
        if self._running or self._tested is None:
            return
        settings, password = self._tested
        remember = self.store_available and self.remember.isChecked()
        ctx = self.shell.ctx
        self._busy(True, _("Menyimpan…"))

        def work(_progress: object) -> choice.Switched:
            return choice.switch_to_server(ctx, settings, password or None, remember=remember)

        def done(result: choice.Switched) -> None:
            self._busy(False)
            self.accept()
            self.saved.emit(result)

        def failed(exc: BaseException) -> None:
            self._busy(False)
            self._tested = None
            if isinstance(exc, UserError):
                self._show(exc.message, BAD_STYLE)
            else:
                self.shell.dialogs.error(self, exc)

        self.shell.submit(work, done, failed, parent=self)
