"""The stored settings of the proposal views: ``analysis bobot``, ``analysis kriteria-quick-win``
and ``analysis padanan-rpjmd list|import``. Without ``--set`` a command prints the settings."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _


def register(views: Any, add_globals: Callable[[Any], None]) -> None:
    p = views.add_parser(
        "bobot", help=_("lihat atau ubah bobot Peringkat usulan (tersimpan di kantor ini)")
    )
    p.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar=_("KUNCI=NILAI"),
        help=_("ubah satu bobot (boleh berulang), mis. --set jangkauan=25"),
    )
    p.add_argument("--bawaan", action="store_true", help=_("kembalikan semua bobot bawaan"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_weights)

    p = views.add_parser(
        "kriteria-quick-win",
        help=_("lihat atau ubah kriteria Kandidat quick win (tersimpan di kantor ini)"),
    )
    p.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar=_("KUNCI=NILAI"),
        help=_("ubah satu kriteria (boleh berulang), mis. --set biaya_maks=150000000"),
    )
    p.add_argument("--bawaan", action="store_true", help=_("kembalikan semua kriteria bawaan"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_criteria)

    crosswalk = views.add_parser(
        "padanan-rpjmd", help=_("tabel padanan urusan/sub-elemen/OPD ke program RPJMD")
    )
    actions = crosswalk.add_subparsers(dest="padanan_action", metavar=_("TINDAKAN"))
    actions.required = True
    p = actions.add_parser("list", help=_("tampilkan tabel padanan"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_crosswalk_list)
    p = actions.add_parser(
        "import", help=_("ganti seluruh tabel padanan dengan isi berkas CSV atau XLSX")
    )
    p.add_argument(
        "file",
        type=Path,
        metavar=_("BERKAS"),
        help=_("kolom: urusan, sub_elemen, opd, kode_program, nama_program"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_crosswalk_import)


def _pairs(changes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in changes:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(
                _("Tulis --set sebagai KUNCI=NILAI, bukan \u201c{item}\u201d.").format(item=item),
                code="analysis.bad_set",
            )
        out[key.strip()] = value.strip()
    return out


def cmd_weights(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.analysis.view_settings import (
        ranking_weights,
        reset_ranking_weights,
        set_ranking_weights,
        weight_label,
    )

    changes = _pairs(args.changes)
    ctx = open_office(args)
    try:
        if args.bawaan:
            reset_ranking_weights(ctx)
        if changes:
            set_ranking_weights(ctx, changes)
        weights = ranking_weights(ctx)
    finally:
        ctx.close()
    if args.json:
        print_json(weights)
        return 0
    for key, value in weights.items():
        print(f"{key}\t{value:g}\t{weight_label(key)}")
    return 0


def cmd_criteria(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.analysis.view_settings import (
        CRITERIA,
        quick_win_criteria,
        reset_quick_win_criteria,
        set_quick_win_criteria,
    )

    changes = _pairs(args.changes)
    ctx = open_office(args)
    try:
        if args.bawaan:
            reset_quick_win_criteria(ctx)
        if changes:
            set_quick_win_criteria(ctx, changes)
        criteria = quick_win_criteria(ctx).as_dict()
    finally:
        ctx.close()
    if args.json:
        print_json(criteria)
        return 0
    for key, value in criteria.items():
        shown = (_("ya") if value else _("tidak")) if isinstance(value, bool) else value
        print(f"{key}\t{shown}\t{_(CRITERIA[key][0])}")
    return 0


def cmd_crosswalk_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.analysis.crosswalk import COLUMNS, crosswalk_rows

    ctx = open_office(args)
    try:
        rows = crosswalk_rows(ctx)
    finally:
        ctx.close()
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    if not rows:
        print(_("Tabel padanan RPJMD masih kosong."))
        return 0
    print("\t".join(COLUMNS))
    for row in rows:
        print("\t".join(row.as_dict().values()))
    return 0


def cmd_crosswalk_import(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.analysis.crosswalk import import_crosswalk

    ctx = open_office(args)
    try:
        change = import_crosswalk(ctx, args.file)
    finally:
        ctx.close()
    print(
        _("Tabel padanan RPJMD diganti: {n} baris dari {name}.").format(
            n=change.details["crosswalk"], name=args.file.name
        )
    )
    return 0
