"""``init`` and ``backup``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser("init", help=_("siapkan kantor baru di folder data"))
    p.add_argument(
        "--role", required=True, choices=("desa", "kecamatan", "kabupaten"), help=_("peran kantor")
    )
    p.add_argument(
        "--office",
        required=True,
        metavar="KODE",
        help=_("kode wilayah Kepmendagri, mis. 32.16.01.2001"),
    )
    p.add_argument("--operator", required=True, metavar="NAMA", help=_("nama operator"))
    p.add_argument(
        "--language", choices=("id", "en"), default="id", help=_("bahasa tampilan kantor")
    )
    p.add_argument(
        "--root-key",
        metavar="FILE",
        help=_("pasang kunci induk kabupaten sekaligus (berkas dari 'keys export-root')"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("backup", help=_("cadangkan basis data sekarang"))
    p.add_argument("--list", action="store_true", help=_("tampilkan daftar cadangan saja"))
    add_globals(p)
    p.set_defaults(handler=cmd_backup)


def cmd_init(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.passphrase import read_passphrase
    from smartcity_desktop.cli.support import data_paths
    from smartcity_desktop.services.logging_setup import configure_logging
    from smartcity_desktop.services.office import init_office

    paths = data_paths(args)
    root_document = None
    if args.root_key:
        try:
            root_document = Path(args.root_key).read_bytes()[: 1024 * 1024 + 1]
        except OSError as exc:
            raise UserError(
                _("Berkas kunci induk {path} tidak dapat dibaca: {reason}").format(
                    path=args.root_key, reason=exc.strerror or exc
                )
            ) from exc
    passphrase = read_passphrase(getattr(args, "passphrase_file", None), confirm=True)
    result = init_office(
        paths,
        role=args.role,
        office_code=args.office,
        operator=args.operator,
        passphrase=passphrase,
        language=args.language,
        root_key_document=root_document,
    )
    configure_logging(paths.logs)
    print(
        _("Kantor disiapkan: {name} ({code}), peran {role}.").format(
            name=result.office_name, code=result.office_code, role=result.role
        )
    )
    print(_("Folder data: {folder}").format(folder=paths.root))
    if root_document is not None:
        print(_("Kunci induk kabupaten terpasang; cocokkan sidik jarinya lewat telepon."))
    if result.root_fingerprint:
        print(_("Sidik jari kunci induk kabupaten: {fp}").format(fp=result.root_fingerprint))
    print(_("Catat sidik jari kunci kantor ini dan sampaikan ke kabupaten:"))
    print(result.fingerprint)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.backups import back_up_now, backup_entries

    ctx = open_office(args)
    try:
        if not args.list:
            path = back_up_now(ctx)
            print(_("Cadangan dibuat: {path}").format(path=path))
        for backup in backup_entries(ctx.paths.backups):
            print(backup.path)
    finally:
        ctx.close()
    return 0
