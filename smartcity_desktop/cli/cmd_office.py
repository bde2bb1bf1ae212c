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

    p = sub.add_parser(
        "restore",
        help=_("pulihkan basis data dari cadangan (berkas lama disimpan di sampingnya)"),
    )
    p.add_argument(
        "backup", metavar=_("CADANGAN"), help=_("berkas cadangan, atau namanya di folder backups")
    )
    p.add_argument("--yes", action="store_true", help=_("pulihkan tanpa bertanya lagi"))
    add_globals(p)
    p.set_defaults(handler=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.passphrase import read_passphrase
    from smartcity_desktop.cli.support import data_paths, database_url
    from smartcity_desktop.services.logging_setup import configure_logging
    from smartcity_desktop.services.office import init_office
    from smartcity_desktop.storage.paths import portable_marker

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
        database_url=database_url(args),
    )
    configure_logging(paths.logs)
    print(
        _("Kantor disiapkan: {name} ({code}), peran {role}.").format(
            name=result.office_name, code=result.office_code, role=result.role
        )
    )
    print(_("Folder data: {folder}").format(folder=paths.root))
    marker = portable_marker(paths)
    if marker is not None:
        print(_("Mode portabel (berkas {marker})").format(marker=marker))
    if root_document is not None:
        print(_("Kunci induk kabupaten terpasang; cocokkan sidik jarinya lewat telepon."))
    if result.root_fingerprint:
        print(_("Sidik jari kunci induk kabupaten: {fp}").format(fp=result.root_fingerprint))
    if result.role == "kabupaten":
        # The regency holds the root key itself: there is nobody above it to send a fingerprint to.
        print(
            _(
                "Kantor ini memegang kunci induk wilayah. Simpan kunci induk publiknya ke berkas "
                "('keys export-root') dan bagikan ke kecamatan dan desa; bacakan sidik jarinya "
                "lewat telepon saat mereka memasangnya."
            )
        )
        print(_("Sidik jari kunci kantor ini:"))
    else:
        print(_("Catat sidik jari kunci kantor ini dan sampaikan ke kabupaten:"))
    print(result.fingerprint)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import data_paths, open_office
    from smartcity_desktop.services.backups import back_up_now, backup_entries

    if args.list:  # without opening the database: it works when that file is damaged
        paths = data_paths(args)
    else:
        ctx = open_office(args)
        try:
            path = back_up_now(ctx)
        finally:
            ctx.close()
        paths = ctx.paths
        print(_("Cadangan dibuat: {path}").format(path=path))
    for backup in backup_entries(paths.backups):
        print(backup.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import sys

    from smartcity_desktop.cli.support import data_paths, database_url
    from smartcity_desktop.services.backups import describe_backup, resolve_backup, restore_backup
    from smartcity_desktop.services.context import office_location
    from smartcity_desktop.services.logging_setup import configure_logging

    paths = data_paths(args)
    location = office_location(paths, database_url(args))
    if not location.is_sqlite:
        raise UserError(
            _(
                "Pemulihan dari cadangan belum tersedia untuk basis data PostgreSQL ({where}). "
                "Gunakan pg_restore atau psql dari cadangan server; tidak ada yang diubah."
            ).format(where=location.describe()),
            code="restore.postgres_unsupported",
        )
    backup = resolve_backup(paths, args.backup)
    summary = describe_backup(paths, backup)
    office = (
        f"{summary.office_name} ({summary.office_code})" if summary.office_code else _("tidak ada")
    )
    print(_("Cadangan: {path}").format(path=summary.path))
    print(_("Dibuat: {when}").format(when=f"{summary.created:%d-%m-%Y %H:%M:%S}"))
    print(_("Kantor: {office}").format(office=office))
    print(
        _("Isi: {p} permasalahan, {q} potensi, {u} usulan, {a} lampiran").format(
            p=summary.records.get("problem", 0),
            q=summary.records.get("potential", 0),
            u=summary.records.get("proposal", 0),
            a=summary.attachments,
        )
    )
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError(
                _(
                    "Pemulihan mengganti basis data kantor. Tambahkan --yes untuk memulihkan "
                    "tanpa pertanyaan."
                ),
                code="restore.unconfirmed",
            )
        question = _(
            "Ganti basis data dengan cadangan ini? Berkas yang sekarang disimpan di sampingnya. "
            "Ketik 'ya' untuk lanjut: "
        )
        if input(question).strip().lower() not in ("ya", "y", "yes"):
            print(_("Dibatalkan; tidak ada yang diubah."))
            return 1
    result = restore_backup(paths, backup)
    configure_logging(paths.logs)
    print(_("Basis data dipulihkan dari {name}.").format(name=backup.name))
    if result.kept_aside is not None:
        print(_("Basis data sebelumnya disimpan sebagai {path}").format(path=result.kept_aside))
    return 0
