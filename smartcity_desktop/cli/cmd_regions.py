"""``regions list`` and ``regions load``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.i18n import _


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser("regions", help=_("daftar wilayah (kode Kepmendagri)"))
    regions = p.add_subparsers(dest="regions_command", metavar=_("PERINTAH"), parser_class=type(p))
    regions.required = True
    lp = regions.add_parser("list", help=_("tampilkan wilayah di bawah satu induk"))
    lp.add_argument("--parent", metavar="KODE", help=_("kode induk; tanpa ini: provinsi"))
    lp.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    add_globals(lp)
    lp.set_defaults(handler=cmd_list)
    ld = regions.add_parser("load", help=_("muat daftar wilayah yang lebih baru dari CSV"))
    ld.add_argument("file", metavar="FILE.csv", help=_("berkas CSV daftar wilayah Kepmendagri"))
    add_globals(ld)
    ld.set_defaults(handler=cmd_load)


def cmd_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.errors import UserError
    from smartcity_desktop.services.regions import get_region, list_regions

    ctx = open_office(args)
    try:
        if args.parent and get_region(ctx, args.parent) is None:
            raise UserError(_("Kode wilayah '{code}' tidak dikenal.").format(code=args.parent))
        rows = list_regions(ctx, args.parent)
    finally:
        ctx.close()
    if args.json:
        print_json(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "kind": r.kind,
                    "parent": r.parent_code,
                }
                for r in rows
            ]
        )
    else:
        for r in rows:
            print(f"{r.code:<15} {r.name}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.regions import load_region_file

    ctx = open_office(args)
    try:
        change = load_region_file(ctx, Path(args.file))
    finally:
        ctx.close()
    print(_("Daftar wilayah dimuat: {n} wilayah.").format(n=change.details["count"]))
    return 0
