"""``db copy``: move the office's database between SQLite and PostgreSQL (a subcommand of the
``db`` group, cli/cmd_db.py)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.services.db_copy import CopyProgress, CopyResult


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser(
        "copy",
        help=_(
            "salin seluruh basis data kantor ke basis data kosong, periksa, lalu pakai basis data "
            "itu"
        ),
        description=_(
            "Menyalin seluruh basis data kantor ke tujuan yang masih kosong, memeriksa jumlah baris "
            "dan hash isi setiap tabel di kedua sisi, lalu mengarahkan kantor ke tujuan. Sumbernya "
            "tidak diubah."
        ),
    )
    p.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help=_(
            "postgresql+psycopg://pengguna@host:5432/nama_basis_data, 'sqlite' (berkas "
            "smartcity.sqlite di folder data) atau jalur berkas SQLite baru"
        ),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_copy)


class _Printer:
    """Progress on stderr: an updating line per table on a terminal, one line per step else."""

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._last = 0.0
        self._open_line = False

    def __call__(self, step: CopyProgress) -> None:
        if step.phase in ("copy", "verify", "attachments") and step.done:
            now = time.monotonic()
            if not self._tty or (now - self._last < 0.2 and step.done < step.total):
                return
            self._last = now
            sys.stderr.write(f"\r  {step.message}: {step.done}/{step.total}")
            self._open_line = True
            if step.done >= step.total:
                sys.stderr.write("\n")
                self._open_line = False
            sys.stderr.flush()
            return
        if self._open_line:
            sys.stderr.write("\n")
            self._open_line = False
        suffix = (
            f" ({step.total} {_('baris')})" if step.total and step.phase != "attachments" else ""
        )
        sys.stderr.write(f"{step.message}{suffix}\n")
        sys.stderr.flush()


def cmd_copy(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.db_copy import copy_office_database

    ctx = open_office(args)
    try:
        result = copy_office_database(
            ctx,
            args.to,
            progress=_Printer(),
            database_url_given=bool(getattr(args, "database_url", None)),
        )
    finally:
        ctx.close()
    _print_result(result)
    return 0


def _print_result(result: CopyResult) -> None:
    print(
        _(
            "Basis data disalin ke {target}: {rows} baris dalam {tables} tabel; jumlah baris dan "
            "hash isi setiap tabel sama dengan sumbernya ({seconds:.1f} detik)."
        ).format(
            target=result.target,
            rows=result.rows,
            tables=len(result.tables),
            seconds=result.seconds,
        )
    )
    if result.switched:
        print(_("Kantor ini sekarang memakai {target}.").format(target=result.target))
        if result.location_file is not None:
            print(
                _("Alamatnya dicatat (tanpa kata sandi) di {file}.").format(
                    file=result.location_file
                )
            )
            print(
                _(
                    "Kata sandi tidak disimpan di sana: komputer ini dan komputer analis lain "
                    "mengambilnya dari penyimpanan kredensial sistem, PGPASSWORD atau berkas pgpass."
                )
            )
    else:
        print(
            _(
                "Kantor tetap memakai basis data sebelumnya: basis data SQLite kantor selalu "
                "berkas smartcity.sqlite di folder data (pakai --to sqlite untuk pindah ke sana)."
            )
        )
    if result.overridden_by:
        print(
            _(
                "Perhatian: {name} masih diisi, jadi perintah berikutnya tetap memakai alamat di "
                "sana sampai diubah atau dihapus."
            ).format(name=result.overridden_by)
        )
    print(
        _("Basis data sumber tidak diubah dan tetap ada di {source}.").format(source=result.source)
    )
