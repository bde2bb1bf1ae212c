"""Where the CLI gets a passphrase: environment, then a file, then a prompt without echo."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

PASSPHRASE_ENV = "SMARTCITY_PASSPHRASE"


def read_passphrase(passphrase_file: str | None, *, confirm: bool = False) -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if passphrase_file:
        try:
            text = Path(passphrase_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(
                _("Berkas kata sandi {path} tidak dapat dibaca.").format(path=passphrase_file)
            ) from exc
        return text.splitlines()[0] if text.splitlines() else ""
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError(
            _(
                "Kata sandi kantor diperlukan. Berikan lewat variabel lingkungan {env} atau "
                "--passphrase-file."
            ).format(env=PASSPHRASE_ENV)
        )
    first = getpass.getpass(_("Kata sandi kantor: "))
    if confirm:
        second = getpass.getpass(_("Ulangi kata sandi: "))
        if first != second:
            raise UserError(_("Kedua kata sandi tidak sama."))
    return first
