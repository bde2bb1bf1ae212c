"""``report desa``: the village recap PDF."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.i18n import _


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser("report", help=_("buat laporan PDF"))
    reports = p.add_subparsers(dest="report", metavar=_("LAPORAN"), parser_class=type(p))
    reports.required = True
    d = reports.add_parser(
        "desa", help=_("rekap permasalahan, potensi dan usulan inovasi desa (PDF)")
    )
    d.add_argument(
        "--out", required=True, type=Path, metavar=_("BERKAS.pdf"), help=_("berkas PDF tujuan")
    )
    d.add_argument(
        "--quiet", action="store_true", help=_("jangan tampilkan kemajuan pembuatan laporan")
    )
    add_globals(d)
    d.set_defaults(handler=cmd_report_desa)


class _StderrProgress:
    """Progress on stderr, one line per tenth, so scripts reading stdout see only the result."""

    def __init__(self) -> None:
        self._last = -1

    def report(self, done: int, total: int, message: str) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != self._last:
            self._last = tenth
            print(f"{tenth * 10:3d}% {message}", file=sys.stderr)

    def cancelled(self) -> bool:
        return False


def cmd_report_desa(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.i18n import current_language
    from smartcity_desktop.services.reports import build_desa_recap

    ctx = open_office(args)
    try:
        out = build_desa_recap(
            ctx,
            args.out,
            None if args.quiet else _StderrProgress(),
            language=current_language(),
        )
    finally:
        ctx.close()
    print(_("Laporan disimpan: {path}").format(path=out))
    return 0
