"""Showing refusals and failures to the official, and asking the few modal questions.

A ``UserError`` already carries a translated message that says what is wrong and what to do, so it
is shown as it is. Anything else is a bug: it is logged with its traceback and the official sees a
calm message saying that saved work is safe and where the details are.

Every page receives one ``Dialogs`` object instead of calling ``QMessageBox`` itself, so tests can
pass a recording stand-in and never block on a modal window.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui import file_dialogs
from smartcity_desktop.gui.file_dialogs import Purpose
from smartcity_desktop.i18n import _

log = logging.getLogger(__name__)


def error_text(exc: BaseException, log_path: Path | None = None) -> str:
    if isinstance(exc, UserError):
        return exc.message
    where = str(log_path) if log_path else _("folder 'logs' di folder data")
    return _(
        "Terjadi kesalahan yang tidak terduga. Data yang sudah disimpan tetap aman. Rincian "
        "dicatat di {where}; sampaikan berkas itu ke petugas kabupaten bila masalah berulang."
    ).format(where=where)


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: list[tuple[str, QMessageBox.ButtonRole]] | None = None,
) -> int:
    """A message box whose buttons are labelled in the active language (Qt ships no Indonesian)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    made = [
        box.addButton(label, role)
        for label, role in (buttons or [(_("Tutup"), QMessageBox.ButtonRole.AcceptRole)])
    ]
    box.setDefaultButton(made[0])
    box.exec()
    clicked = box.clickedButton()
    return made.index(clicked) if clicked in made else -1


class Dialogs:
    """The modal conversations of the application; replaced by a fake in tests."""

    def __init__(self, log_path: Path | None = None) -> None:
        self.log_path = log_path

    def error(self, parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
        if not isinstance(exc, UserError):
            log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        message_box(
            parent,
            QMessageBox.Icon.Warning,
            title or _("Tidak dapat dilanjutkan"),
            error_text(exc, self.log_path),
        )

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        message_box(parent, QMessageBox.Icon.Information, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str, yes: str, no: str) -> bool:
        answer = message_box(
            parent,
            QMessageBox.Icon.Question,
            title,
            text,
            [(yes, QMessageBox.ButtonRole.AcceptRole), (no, QMessageBox.ButtonRole.RejectRole)],
        )
        return answer == 0

    def save_file(
        self,
        parent: QWidget | None,
        title: str,
        suggested: Path,
        file_filter: str,
        purpose: Purpose = Purpose.REPORTS,
    ) -> Path | None:
        return file_dialogs.save_file(parent, title, purpose, suggested, file_filter)


def install_excepthook(dialogs: Dialogs) -> Callable[..., None]:
    """Exceptions escaping a Qt slot are logged and shown instead of only printed to a console
    nobody sees (the Windows build has none). Returns the previous hook."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        if not isinstance(exc, UserError):
            log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        try:
            message_box(
                None,
                QMessageBox.Icon.Warning,
                _("Tidak dapat dilanjutkan"),
                error_text(exc, dialogs.log_path),
            )
        except Exception:  # a failing dialog must not hide the original error
            previous(exc_type, exc, tb)

    sys.excepthook = hook
    return previous
