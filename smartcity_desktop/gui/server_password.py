"""At start, the password of the office's PostgreSQL server when none is known on this PC (none
kept in the credential store, or the kept one refused): asked, used for this run, and kept only
when the user asks and the PC has a credential store."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.i18n import _

NOTE_STYLE = "color: #566573;"


class ServerPasswordDialog(QDialog):
    def __init__(
        self,
        where: str,
        refusal: str,
        store_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kata sandi server basis data"))
        self.setMinimumWidth(520)
        intro = QLabel(
            _("Data kantor ini ada di server PostgreSQL {where}. Masukkan kata sandinya.").format(
                where=where
            ),
            wordWrap=True,
        )
        self.refusal = QLabel(refusal, wordWrap=True)
        self.refusal.setStyleSheet(NOTE_STYLE)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Kata sandi"))
        self.remember = QCheckBox(_("Simpan kata sandi di PC ini"))
        self.remember.setVisible(store_available)
        self.remember.setChecked(False)
        self.note = QLabel(wordWrap=True)
        self.note.setStyleSheet(NOTE_STYLE)
        if not store_available:
            self.note.setText(
                _(
                    "PC ini tidak punya penyimpanan kata sandi sistem, jadi kata sandi hanya "
                    "dipakai sampai aplikasi ditutup dan akan ditanyakan lagi saat dibuka."
                )
            )
        self.note.setVisible(not store_available)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("&Hubungkan"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(_("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.accept)
        self.close_button.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("&Kata sandi:"), self.password)
        form.addRow("", self.remember)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.refusal)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.password.setFocus()
