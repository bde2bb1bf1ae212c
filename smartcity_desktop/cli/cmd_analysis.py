"""``similar`` (Data serupa) and ``analysis`` (the kabupaten's and kecamatan's views).

Every view in ``services.analysis.VIEWS`` gets ``analysis NAME`` with the same filters and
outputs; isu strategis has three more commands (its clusters are decided on: merge, split, undo).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.i18n import _

KINDS = ("problem", "potential", "proposal")


def _filters(p: Any) -> None:
    p.add_argument("--kecamatan", metavar="KODE", help=_("hanya desa di kecamatan ini"))
    p.add_argument("--dimension", metavar="D", help=_("hanya dimensi ini (kode, mis. living)"))


def _view_filters(p: Any) -> None:
    _filters(p)
    p.add_argument("--desa", metavar="KODE", help=_("hanya desa/kelurahan ini"))
    p.add_argument(
        "--stage",
        metavar="S",
        help=_(
            "hanya desa pada tahap ini (belum_kirim, diterima, diverifikasi_kecamatan, "
            "diterima_kabupaten, dikembalikan)"
        ),
    )
    p.add_argument(
        "--trust",
        metavar="T",
        help=_("hanya data dengan kepercayaan ini (certified, locally_trusted)"),
    )
    p.add_argument(
        "--from", dest="date_from", metavar="TANGGAL", help=_("diisi sejak (TTTT-BB-HH)")
    )
    p.add_argument("--to", dest="date_to", metavar="TANGGAL", help=_("diisi sampai (TTTT-BB-HH)"))


def _view_outputs(p: Any) -> None:
    """One output at a time; without any, the tables are printed as text."""
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    out.add_argument(
        "--xlsx",
        type=Path,
        metavar=_("BERKAS.xlsx"),
        help=_("simpan sebagai buku kerja Excel: satu lembar per tabel, plus lembar Keterangan"),
    )
    out.add_argument(
        "--csv",
        type=Path,
        metavar=_("BERKAS.csv"),
        help=_(
            "simpan sebagai CSV (UTF-8): tampilan satu tabel ke BERKAS itu sendiri; beberapa "
            "tabel ke BERKAS-KUNCITABEL.csv di sampingnya"
        ),
    )


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser(
        "similar", help=_("catatan serupa dari desa yang berbeda (kandidat digabung)")
    )
    p.add_argument(
        "--kind", choices=KINDS, default="problem", help=_("jenis catatan (bawaan: problem)")
    )
    _filters(p)
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_similar)

    analysis = sub.add_parser("analysis", help=_("tampilan analisis data desa di wilayah kantor"))
    views = analysis.add_subparsers(dest="analysis_view", metavar=_("TAMPILAN"))
    views.required = True

    p = views.add_parser("list", help=_("daftar tampilan analisis"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_analysis_list)

    from smartcity_desktop.services.analysis.registry import VIEWS as COMPUTED

    for name, spec in COMPUTED.items():
        p = views.add_parser(name, help=_(spec.summary))
        _view_filters(p)
        _view_outputs(p)
        add_globals(p)
        p.set_defaults(handler=cmd_view, view_name=name)

    p = views.add_parser(
        "prepare",
        help=_(
            "siapkan bacaan tampilan analisis setelah data berubah (mis. tugas terjadwal di PC "
            "analis lain yang memakai basis data server yang sama)"
        ),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_prepare)

    from smartcity_desktop.cli import cmd_analysis_settings

    cmd_analysis_settings.register(views, add_globals)

    p = views.add_parser("isu-gabung", help=_("gabungkan beberapa isu strategis menjadi satu"))
    p.add_argument("keys", nargs="+", metavar="KUNCI_ISU", help=_("kunci isu yang digabung"))
    p.add_argument("--label", metavar="TEXT", help=_("nama isu gabungan"))
    add_globals(p)
    p.set_defaults(handler=cmd_issue_merge)

    p = views.add_parser("isu-pisah", help=_("pisahkan catatan dari satu isu strategis"))
    p.add_argument("key", metavar="KUNCI_ISU", help=_("kunci isu yang dipecah"))
    p.add_argument(
        "record_ids", nargs="+", metavar="RECORD_ID", help=_("catatan yang dipindah ke isu baru")
    )
    p.add_argument("--label", metavar="TEXT", help=_("nama isu baru"))
    add_globals(p)
    p.set_defaults(handler=cmd_issue_split)

    p = views.add_parser("isu-batal", help=_("batalkan keputusan gabung atau pisah isu"))
    p.add_argument("decision_id", metavar="ID_KEPUTUSAN", help=_("keputusan yang dibatalkan"))
    add_globals(p)
    p.set_defaults(handler=cmd_issue_undo)


def _area(args: argparse.Namespace) -> Any:
    from smartcity_desktop.services.similarity import AreaFilter

    return AreaFilter(kecamatan=args.kecamatan, dimension=args.dimension)


def cmd_similar(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.similarity import similar_groups

    ctx = open_office(args)
    try:
        groups = similar_groups(ctx, args.kind, _area(args))
    finally:
        ctx.close()
    if args.json:
        print_json([g.as_dict() for g in groups])
        return 0
    if not groups:
        print(_("Tidak ada catatan serupa dari desa yang berbeda."))
        return 0
    for n, group in enumerate(groups, 1):
        print(f"{n}. {group.reason}")
        for m in group.members:
            print(f"   {m.id}  {m.desa_name} ({m.kecamatan_name}): {m.title}")
    return 0


def _all_views() -> dict[str, str]:
    """name -> what it shows, in the order of the masterplan."""
    from smartcity_desktop.services.analysis.registry import VIEWS as COMPUTED

    return {name: spec.summary for name, spec in COMPUTED.items()}


def cmd_analysis_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import print_json

    views = _all_views()
    if args.json:
        print_json([{"name": name, "title": _(title)} for name, title in views.items()])
        return 0
    for name, title in views.items():
        print(f"{name}\t{_(title)}")
    return 0


def view_filter(args: argparse.Namespace) -> Any:
    from smartcity_desktop.services.analysis import AnalysisFilter, parse_date

    return AnalysisFilter(
        kecamatan=args.kecamatan,
        desa=args.desa,
        dimension=args.dimension,
        stage=args.stage,
        trust=args.trust,
        date_from=parse_date(args.date_from, "--from"),
        date_to=parse_date(args.date_to, "--to"),
    )


def cmd_view(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.analysis import view

    spec = view(args.view_name)
    flt = view_filter(args)
    ctx = open_office(args)
    try:
        result = spec.compute(ctx, flt)
    finally:
        ctx.close()
    if args.json:
        print_json(result.as_dict())
        return 0
    if args.xlsx is not None:
        from smartcity_desktop.services.analysis.export_table import write_xlsx

        target = args.xlsx.absolute()
        write_xlsx(result, target)
        print(_("Tampilan disimpan: {path}").format(path=target))
        return 0
    if args.csv is not None:
        from smartcity_desktop.services.analysis.export_table import write_csv

        for path in write_csv(result, args.csv):
            print(_("Tampilan disimpan: {path}").format(path=path))
        return 0
    print_view(result)
    return 0


def print_view(result: Any) -> None:
    """Plain text: each table with tab-separated columns (a terminal or a pipe to a sheet)."""
    print(result.title)
    for label, value in result.describe_filter():
        print(f"  {label}: {value}")
    for label, value in result.notes:
        print(f"  {label}: {value}")
    for table in result.tables:
        print()
        print(table.title)
        print("\t".join(c.title for c in table.columns))
        for row in [*table.rows, *([table.totals] if table.totals else [])]:
            print("\t".join("" if v is None else str(v) for v in row.values))


def prepare_views(ctx: Any, *, after_import: bool = False, to_stderr: bool = False) -> bool:
    """Build the analysis views' kept reads (``services.analysis.prepare``), saying so first and
    how long it took after: a progress line between on a terminal. ``to_stderr``: the lines go
    to stderr (stdout carries JSON).

    ``after_import``: the import has committed, so a failure or Ctrl+C here must not change its
    result: it is said, the reads are left to the first view, and False is returned."""
    import logging
    import sys
    import time

    from smartcity_desktop.cli.progress import StderrProgress
    from smartcity_desktop.services.analysis.prepare import prepare_reads

    out = sys.stderr if to_stderr else sys.stdout
    print(_("Menyiapkan tampilan analisis…"), file=out, flush=True)
    progress = StderrProgress(_("Kemajuan"))
    started = time.perf_counter()
    try:
        prepare_reads(ctx, progress.report)
    except KeyboardInterrupt:
        progress.end_line()
        if not after_import:
            raise
        print(
            _(
                "Penyiapan tampilan analisis dihentikan; data yang diimpor tetap tersimpan. "
                "Tampilan analisis pertama akan menyiapkan bacaannya sendiri."
            ),
            file=sys.stderr,
        )
        return False
    except Exception as exc:
        progress.end_line()
        if not after_import:
            raise
        logging.getLogger(__name__).warning("analysis views not prepared", exc_info=True)
        print(
            _(
                "Tampilan analisis belum disiapkan ({error}); data yang diimpor tetap tersimpan. "
                "Tampilan analisis pertama akan menyiapkan bacaannya sendiri."
            ).format(error=exc),
            file=sys.stderr,
        )
        return False
    print(
        _("Tampilan analisis siap ({seconds:.1f} detik).").format(
            seconds=time.perf_counter() - started
        ),
        file=out,
    )
    return True


def cmd_prepare(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.analysis.prepare import has_analysis
    from smartcity_desktop.services.analysis.scope import AnalysisRefused

    ctx = open_office(args)
    try:
        if not has_analysis(ctx):
            raise AnalysisRefused(
                _(
                    "Analisis antar desa tersedia di kantor kecamatan dan kabupaten; kantor desa "
                    "hanya melihat catatannya sendiri."
                ),
                code="analysis.desa",
            )
        prepare_views(ctx)
    finally:
        ctx.close()
    return 0


def cmd_issue_merge(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.similarity import merge_issues

    ctx = open_office(args)
    try:
        change = merge_issues(ctx, args.keys, args.label)
    finally:
        ctx.close()
    print(_("Isu digabung (keputusan {id}).").format(id=change.ids[0]))
    return 0


def cmd_issue_split(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.similarity import split_issue

    ctx = open_office(args)
    try:
        change = split_issue(ctx, args.key, args.record_ids, args.label)
    finally:
        ctx.close()
    print(_("Catatan dipisah menjadi isu sendiri (keputusan {id}).").format(id=change.ids[0]))
    return 0


def cmd_issue_undo(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.similarity import withdraw_issue_decision

    ctx = open_office(args)
    try:
        withdraw_issue_decision(ctx, args.decision_id)
    finally:
        ctx.close()
    print(_("Keputusan isu dibatalkan."))
    return 0
