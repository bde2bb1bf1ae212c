"""``smartcity db status`` (where the office's data is) and ``smartcity db password set|forget URL``
(the server password in the OS credential store; read from a prompt or stdin, never argv)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

URL_HELP = "postgresql+psycopg://pengguna@server:5432/nama_basis_data"


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser(
        "status",
        help=_("di mana data kantor disimpan; untuk PostgreSQL: versi server, skema, jumlah data"),
    )
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser(
        "password",
        help=_("simpan atau lupakan kata sandi server PostgreSQL di penyimpanan kata sandi sistem"),
    )
    add_globals(p)
    actions = p.add_subparsers(dest="password_action", metavar=_("TINDAKAN"))
    actions.required = True
    s = actions.add_parser(
        "set",
        help=_(
            "simpan kata sandi untuk URL (dibaca dari prompt atau stdin, tidak pernah dari "
            "baris perintah)"
        ),
    )
    s.add_argument(
        "url", metavar="URL", help=_("alamat basis data tanpa kata sandi: {u}").format(u=URL_HELP)
    )
    add_globals(s)
    s.set_defaults(handler=cmd_password_set)
    f = actions.add_parser("forget", help=_("hapus kata sandi yang tersimpan untuk URL"))
    f.add_argument("url", metavar="URL", help=_("alamat basis data: {u}").format(u=URL_HELP))
    add_globals(f)
    f.set_defaults(handler=cmd_password_forget)


def cmd_status(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.database_choice import describe_counts, status

    ctx = open_office(args)
    try:
        office = ctx.office
        found = status(ctx)
    finally:
        ctx.close()
    location = found.location
    if args.json:
        print_json(
            {
                "office": {"code": office.code, "name": office.name, "role": office.role},
                "kind": location.kind,
                "path": str(location.path) if location.path else None,
                "host": location.host or None,
                "port": location.port or None,
                "database": location.database or None,
                "user": location.user or None,
                "server_version": found.server_version,
                "schema_revision": found.revision,
                "app_schema_revision": found.app_revision,
                "counts": found.counts,
                "saved_choice": found.saved_choice,
                "environment_url": found.environment_url,
                "password_store": found.store_available,
                "password_kept": found.password_kept,
            }
        )
        return 0
    print(_("Kantor: {name} ({code})").format(name=office.name, code=office.code))
    for label, value in location.lines():
        print(f"{label}: {value}")
    print(_("Versi: {version}").format(version=found.server_version))
    print(
        _("Revisi skema: {revision} (aplikasi ini: {head})").format(
            revision=found.revision or "-", head=found.app_revision
        )
    )
    print(_("Isi: {counts}").format(counts=describe_counts(found.counts)))
    if location.kind == "postgresql":
        if found.password_kept:
            print(_("Kata sandi: tersimpan di penyimpanan kata sandi sistem PC ini"))
        elif not found.store_available:
            print(
                _(
                    "Kata sandi: PC ini tidak punya penyimpanan kata sandi sistem; kata sandi "
                    "diambil dari alamat, PGPASSWORD atau berkas pgpass"
                )
            )
        else:
            print(_("Kata sandi: tidak tersimpan di PC ini"))
    if found.environment_url:
        print(_("SMARTCITY_DATABASE_URL diatur dan mengalahkan pilihan di folder data."))
    current = location.url if location.kind == "postgresql" else None
    overridden = found.environment_url or getattr(args, "database_url", None)
    if found.saved_choice != current and not overridden:
        if found.saved_choice:
            print(
                _("Dipakai setelah aplikasi dibuka kembali: {url}").format(url=found.saved_choice)
            )
        else:
            print(_("Dipakai setelah aplikasi dibuka kembali: berkas SQLite di folder data"))
    return 0


def read_db_password(confirm: bool) -> str:
    """From the terminal without echo (twice), or the first line of stdin when it is a pipe."""
    if sys.stdin is None:
        raise UserError(
            _("Kata sandi basis data diperlukan: ketik di prompt atau kirim lewat stdin.")
        )
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError(
                _("Kata sandi basis data kosong: kirim kata sandi pada baris pertama stdin."),
                code="db.empty",
            )
        return line
    first = getpass.getpass(_("Kata sandi basis data: "))
    if confirm and getpass.getpass(_("Ulangi kata sandi: ")) != first:
        raise UserError(_("Kedua kata sandi tidak sama."))
    return first


def cmd_password_set(args: argparse.Namespace) -> int:
    from smartcity_desktop.services import database_choice

    # A bad URL, or a PC that cannot keep a password, is refused before the prompt.
    database_choice.credential_key(args.url)
    database_choice.require_password_store()
    password = read_db_password(confirm=True)
    key = database_choice.remember_password(args.url, password)
    print(_("Kata sandi untuk {key} tersimpan di penyimpanan kata sandi sistem.").format(key=key))
    return 0


def cmd_password_forget(args: argparse.Namespace) -> int:
    from smartcity_desktop.services import database_choice

    key = database_choice.credential_key(args.url)
    if database_choice.forget_password(args.url):
        print(_("Kata sandi untuk {key} dihapus dari PC ini.").format(key=key))
    else:
        print(_("Tidak ada kata sandi tersimpan untuk {key}.").format(key=key))
    return 0
