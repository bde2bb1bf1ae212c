"""The questions an editor asks, in one replaceable object.

Tests swap in an object with the same methods, so no modal dialog ever blocks a test run.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from smartcity_desktop.gui import file_dialogs
from smartcity_desktop.gui.file_dialogs import Purpose
from smartcity_desktop.i18n import _


class CloseChoice(StrEnum):
    SAVE = "save"
    KEEP = "keep"  # close, keep the autosaved form so it is offered again next time
    DISCARD = "discard"
    CANCEL = "cancel"


ATTACHMENT_FILTER = "{photos} (*.jpg *.jpeg *.png *.webp *.pdf *.JPG *.JPEG *.PNG *.WEBP *.PDF)"


class EditorDialogs:
    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def _box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box

    def confirm(self, title: str, text: str, accept: str, reject: str | None = None) -> bool:
        box = self._box(QMessageBox.Icon.Warning, title, text)
        yes = box.addButton(accept, QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton(reject or _("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)  # a stray Enter must not delete anything
        box.setEscapeButton(no)
        box.exec()
        return box.clickedButton() is yes

    def ask_close(self, final: bool) -> CloseChoice:
        box = self._box(
            QMessageBox.Icon.Question,
            _("Perubahan belum disimpan"),
            _("Ada perubahan yang belum disimpan. Apa yang ingin dilakukan?"),
        )
        # Each choice says what happens to the typing; "Simpan nanti" is not obvious otherwise.
        box.setInformativeText(
            "\n\n".join(
                [
                    _("Simpan revisi baru: perubahan menjadi revisi baru catatan final ini.")
                    if final
                    else _("Simpan: isian disimpan sebagai draf catatan."),
                    _(
                        "Simpan nanti: formulir ditutup; isian dicadangkan di komputer ini, belum "
                        "menjadi catatan dan belum ikut terkirim. Saat formulir ini dibuka lagi, "
                        "Anda ditawari untuk memulihkannya."
                    ),
                    _("Buang perubahan: isian yang belum disimpan dihapus."),
                ]
            )
        )
        save = box.addButton(
            _("Simpan revisi baru") if final else _("Simpan"), QMessageBox.ButtonRole.AcceptRole
        )
        keep = box.addButton(_("Simpan nanti"), QMessageBox.ButtonRole.ActionRole)
        keep.setToolTip(
            _(
                "Isian dicadangkan di komputer ini dan ditawarkan lagi saat formulir ini dibuka "
                "kembali."
            )
        )
        discard = box.addButton(_("Buang perubahan"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(_("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return CloseChoice.SAVE
        if clicked is keep:
            return CloseChoice.KEEP
        if clicked is discard:
            return CloseChoice.DISCARD
        return CloseChoice.CANCEL

    def show_error(self, title: str, text: str) -> None:
        box = self._box(QMessageBox.Icon.Critical, title, text)
        box.addButton(_("Tutup"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def choose_files(self) -> list[Path]:
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        return file_dialogs.open_files(
            self.parent,
            _("Pilih foto atau dokumen PDF"),
            Purpose.ATTACHMENTS,
            Path(pictures) if pictures else None,
            ATTACHMENT_FILTER.format(photos=_("Foto dan PDF")),
        )
