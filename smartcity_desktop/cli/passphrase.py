"""Where the CLI gets a passphrase: environment, then a file, then a prompt without echo."""

from __future__ import annotations

import getpass
import os
import sys
import unicodedata
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

PASSPHRASE_ENV = "SMARTCITY_PASSPHRASE"
# A passphrase file holds one line; anything bigger is not one (a wrong file was named).
MAX_PASSPHRASE_FILE = 64 * 1024


def read_passphrase(passphrase_file: str | None, *, confirm: bool = False) -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if passphrase_file:
        return read_passphrase_file(Path(passphrase_file))
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


def read_passphrase_file(path: Path) -> str:
    """The first line of a passphrase file: UTF-8, with or without the BOM that Notepad writes.

    A file that is not text (a key file, a photo named by mistake) or holds no passphrase is
    refused with a message naming it, instead of being tried as a wrong passphrase.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_PASSPHRASE_FILE + 1)
    except OSError as exc:
        raise UserError(
            _("Berkas kata sandi {path} tidak dapat dibaca ({reason}).").format(
                path=path, reason=exc.strerror or exc
            ),
            code="passphrase.unreadable",
        ) from exc
    not_text = UserError(
        _(
            "Berkas kata sandi {path} bukan berkas teks berisi kata sandi. Simpan kata sandi "
            "pada baris pertama sebuah berkas teks (UTF-8) lalu ulangi."
        ).format(path=path),
        code="passphrase.not_text",
    )
    if len(data) > MAX_PASSPHRASE_FILE or b"\x00" in data:
        raise not_text
    try:
        # utf-8-sig drops the byte-order mark that Notepad puts at the start of a UTF-8 file.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_text from exc
    lines = text.splitlines()
    first = lines[0] if lines else ""
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in first):
        raise not_text
    if not first.strip():
        raise UserError(
            _(
                "Berkas kata sandi {path} kosong: baris pertamanya harus berisi kata sandi kantor."
            ).format(path=path),
            code="passphrase.empty",
        )
    return first
