"""The modal questions of the bundle pages, behind one object tests can replace.

``BundleDialogs`` adds what exchanging bundles needs (passphrase, files, folders, a fingerprint to
pin, a request to certify) to the application's ``Dialogs`` (errors, infos, confirmations), so a
test passes one fake and no test ever blocks on a modal window.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.regions import role_label
from smartcity_desktop.gui import file_dialogs
from smartcity_desktop.gui.bundle_pages.common import (
    CERTIFIED_COLOUR,
    REFUSED_COLOUR,
    monospace_font,
)
from smartcity_desktop.gui.file_dialogs import Purpose
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_views import RequestPreview
from smartcity_desktop.services.gui_support import fingerprint_lines

BUNDLE_FILTER = "*.scb"


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton(_("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class PassphraseDialog(QDialog):
    """The office passphrase, never echoed; it lives only as long as the call that needs it."""

    def __init__(self, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kata sandi kantor"))
        label = QLabel(prompt, wordWrap=True)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(_("Kata sandi kantor"))
        label.setBuddy(self.edit)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(_buttons(self, _("Lanjutkan")))
        self.setMinimumWidth(420)

    def passphrase(self) -> str:
        return self.edit.text()


class PinDialog(QDialog):
    """Office code and the fingerprint read out by that office over the phone.

    With a bundle of that office at hand, the key that signed it is shown above the typed
    fingerprint and "Sematkan" stays disabled until both are the same: a typo shows at once.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        office_code: str | None = None,
        bundle_fingerprint: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.bundle_fingerprint = bundle_fingerprint
        self.setWindowTitle(_("Percayai kantor (sematkan)"))
        intro = QLabel(
            _(
                "Telepon kantor itu dan minta petugasnya membacakan sidik jari kunci dari halaman "
                "Kunci & Kepercayaan mereka. Ketik persis seperti dibacakan; tanda hubung boleh "
                "dilewati."
            ),
            wordWrap=True,
        )
        self.code = QLineEdit()
        self.code.setPlaceholderText("32.16.01.2001")
        self.code.setAccessibleName(_("Kode kantor"))
        if office_code:
            self.code.setText(office_code)
            self.code.setReadOnly(True)
        self.fingerprint = QLineEdit()
        self.fingerprint.setFont(monospace_font(1.2))
        self.fingerprint.setPlaceholderText("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567")
        self.fingerprint.setAccessibleName(_("Sidik jari kunci"))
        self.note = QLineEdit()
        self.note.setAccessibleName(_("Catatan"))
        self.note.setPlaceholderText(_("mis. dicocokkan dengan Pak Budi, 0812…"))
        form = QFormLayout()
        form.addRow(_("Kode kantor:"), self.code)
        self.bundle_label: QLabel | None = None
        self.comparison: QLabel | None = None
        if bundle_fingerprint:
            self.bundle_label = QLabel(bundle_fingerprint)
            self.bundle_label.setFont(monospace_font(1.2))
            self.bundle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.bundle_label.setAccessibleName(_("Sidik jari kunci yang menandatangani paket"))
            form.addRow(_("Kunci paket:"), self.bundle_label)
        form.addRow(_("Sidik jari dibacakan:"), self.fingerprint)
        if bundle_fingerprint:
            self.comparison = QLabel(wordWrap=True)
            self.comparison.setTextFormat(Qt.TextFormat.RichText)
            self.comparison.setAccessibleName(_("Hasil perbandingan sidik jari"))
            form.addRow("", self.comparison)
        form.addRow(_("Catatan:"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        self.buttons = _buttons(self, _("Sematkan"))
        self.ok_button = self.buttons.buttons()[0]
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self.fingerprint.textChanged.connect(self._compare)
        self._compare()
        self.first_field = self.fingerprint if office_code else self.code

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.first_field.setFocus()  # the office is known: start at the fingerprint

    def _compare(self) -> None:
        if self.comparison is None or self.bundle_fingerprint is None:
            return
        text, ok = compare_fingerprints(self.fingerprint.text(), self.bundle_fingerprint)
        colour = CERTIFIED_COLOUR if ok else REFUSED_COLOUR
        self.comparison.setText(f"<span style='color:{colour}'><b>{escape(text)}</b></span>")
        self.ok_button.setEnabled(ok)

    def values(self) -> tuple[str, str, str]:
        return self.code.text().strip(), self.fingerprint.text().strip(), self.note.text().strip()


def compare_fingerprints(typed: str, bundle: str) -> tuple[str, bool]:
    """What the pin dialog says under the typed fingerprint, and whether it may be pinned."""
    from smartcity_desktop.services.trust import differing_groups

    compact = "".join(c for c in typed.upper() if c.isalnum())
    if not compact:
        return _("Ketik sidik jari yang dibacakan lewat telepon."), False
    if len(compact) < 32:
        return _("Belum lengkap: {n} dari 32 karakter.").format(n=len(compact)), False
    if len(compact) > 32:
        return _("Terlalu panjang: {n} karakter, seharusnya 32.").format(n=len(compact)), False
    typed_fp = "-".join(compact[i : i + 4] for i in range(0, 32, 4))
    groups = differing_groups(typed_fp, bundle)
    if groups:
        return (
            _(
                "✖ Berbeda dari kunci paket pada kelompok ke-{groups}. Kemungkinan salah ketik: "
                "ulangi sambil mendengarkan. Bila yang dibacakan memang berbeda, jangan sematkan."
            ).format(groups=", ".join(str(n) for n in groups)),
            False,
        )
    return _("✔ Sama dengan kunci yang menandatangani paket."), True


class ReplacePinDialog(QDialog):
    """Replacing a pin: the old and the new fingerprint side by side, groups that differ marked."""

    def __init__(self, office: str, old: str, new: str, parent: QWidget | None = None) -> None:
        from smartcity_desktop.services.trust import differing_groups

        super().__init__(parent)
        self.setWindowTitle(_("Ganti sematan"))
        intro = QLabel(
            _(
                "Kantor {office} sudah disematkan dengan sidik jari lain. Ganti hanya bila kantor "
                "itu memang mengganti kuncinya dan Anda sudah mencocokkan sidik jari baru lewat "
                "telepon. Penggantian dicatat di riwayat kepercayaan."
            ).format(office=office),
            wordWrap=True,
        )
        changed = set(differing_groups(old, new))

        def marked(fp: str) -> str:
            groups = fp.split("-")
            return "-".join(
                f"<u>{escape(g)}</u>" if n in changed else escape(g)
                for n, g in enumerate(groups, 1)
            )

        self.old_label = QLabel(marked(old))
        self.new_label = QLabel(marked(new))
        for label, name in (
            (self.old_label, _("Sidik jari lama")),
            (self.new_label, _("Sidik jari baru")),
        ):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setFont(monospace_font(1.2))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
        form = QFormLayout()
        form.addRow(_("Lama:"), self.old_label)
        form.addRow(_("Baru:"), self.new_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        box = QDialogButtonBox()
        self.replace_button = box.addButton(
            _("&Ganti sematan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = box.addButton(_("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        # Enter alone must not replace a pin: only a deliberate click or Alt+G does
        self.replace_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(600)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.cancel_button.setFocus()


class CertifyDialog(QDialog):
    """Shows who asks for a certificate, for the phone check, and how long it should be valid."""

    def __init__(self, preview: RequestPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sertifikasi permintaan"))
        office = preview.office_code + (f" – {preview.office_name}" if preview.office_name else "")
        fp = QLabel("\n".join(fingerprint_lines(preview.fingerprint)))
        fp.setFont(monospace_font(1.4))
        fp.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fp.setAccessibleName(_("Sidik jari kunci pemohon"))
        warning = QLabel(
            _(
                "Telepon kantor pemohon dan cocokkan sidik jari ini kata demi kata sebelum "
                "menerbitkan sertifikat. Jika berbeda, batalkan: berkas itu bukan dari kantor "
                "tersebut."
            ),
            wordWrap=True,
        )
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(730)
        self.days.setSuffix(_(" hari"))
        self.days.setAccessibleName(_("Masa berlaku dalam hari"))
        form = QFormLayout()
        form.addRow(_("Kantor:"), QLabel(office))
        form.addRow(_("Peran:"), QLabel(role_label(preview.role)))
        form.addRow(_("Operator:"), QLabel(preview.operator))
        form.addRow(_("Dibuat:"), QLabel(preview.created))
        form.addRow(_("Sidik jari:"), fp)
        form.addRow(_("Masa berlaku:"), self.days)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(warning)
        layout.addWidget(_buttons(self, _("Sidik jari cocok, terbitkan")))
        self.setMinimumWidth(560)


class BundleDialogs:
    """Every modal question the bundle pages ask; tests pass a subclass with fixed answers."""

    def __init__(self, base: Any) -> None:
        self.base = base  # the application's Dialogs (errors, infos, confirmations)

    # --- delegated to the application's dialogs ---------------------------------------------

    def error(self, parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
        self.base.error(parent, exc, title)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.base.info(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str, yes: str, no: str) -> bool:
        return bool(self.base.confirm(parent, title, text, yes, no))

    def save_file(
        self,
        parent: QWidget | None,
        title: str,
        suggested: Path,
        file_filter: str,
        purpose: Purpose = Purpose.KEYS,
    ) -> Path | None:
        result: Path | None = self.base.save_file(parent, title, suggested, file_filter, purpose)
        return result

    # --- bundle pages ------------------------------------------------------------------------

    def passphrase(self, parent: QWidget | None, prompt: str) -> str | None:
        dialog = PassphraseDialog(prompt, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.passphrase():
            return None
        return dialog.passphrase()

    def open_files(self, parent: QWidget | None, title: str, start: Path | None) -> list[Path]:
        return file_dialogs.open_files(
            parent,
            title,
            Purpose.BUNDLES,
            start,
            _("Paket SmartCity ({pattern});;Semua berkas (*)").format(pattern=BUNDLE_FILTER),
        )

    def open_file(
        self, parent: QWidget | None, title: str, start: Path, file_filter: str
    ) -> Path | None:
        return file_dialogs.open_file(parent, title, Purpose.KEYS, start, file_filter)

    def choose_folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        return file_dialogs.choose_folder(parent, title, Purpose.BUNDLES, start)

    def pin(
        self,
        parent: QWidget | None,
        office_code: str | None = None,
        bundle_fingerprint: str | None = None,
    ) -> tuple[str, str, str] | None:
        dialog = PinDialog(parent, office_code, bundle_fingerprint)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def replace_pin(self, parent: QWidget | None, office: str, old: str, new: str) -> bool:
        dialog = ReplacePinDialog(office, old, new, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def certify(self, parent: QWidget | None, preview: RequestPreview) -> int | None:
        dialog = CertifyDialog(preview, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.days.value()

    def office_code(self, parent: QWidget | None, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(parent, title, label)
        return text.strip() if ok and text.strip() else None
