"""``report desa|kecamatan|berita-acara|annex|pengingat``: the office's PDF documents."""

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
    k = reports.add_parser(
        "kecamatan",
        help=_(
            "rekap kecamatan: data per desa dan per dimensi, hasil reviu, prioritas usulan (PDF)"
        ),
    )
    _out_and_quiet(k)
    add_globals(k)
    k.set_defaults(handler=cmd_report_kecamatan)
    b = reports.add_parser(
        "berita-acara", help=_("berita acara verifikasi kecamatan atas desa-desanya (PDF)")
    )
    _out_and_quiet(b)
    add_globals(b)
    b.set_defaults(handler=cmd_report_berita_acara)
    a = reports.add_parser(
        "annex",
        help=_(
            "lampiran rekapitulasi aspirasi permasalahan, potensi dan usulan inovasi desa/"
            "kelurahan untuk masterplan, di kantor kabupaten (PDF)"
        ),
    )
    _out_and_quiet(a)
    add_globals(a)
    a.set_defaults(handler=cmd_report_annex)
    r = reports.add_parser(
        "pengingat", help=_("surat pengingat untuk desa yang terlambat mengirim data (PDF)")
    )
    r.add_argument(
        "--desa",
        required=True,
        metavar=_("KODE"),
        help=_("kode wilayah desa/kelurahan, misalnya 32.16.01.2003"),
    )
    r.add_argument(
        "--out", required=True, type=Path, metavar=_("BERKAS.pdf"), help=_("berkas PDF tujuan")
    )
    r.add_argument(
        "--text",
        action="store_true",
        help=_("tampilkan juga teks pengingat singkat untuk aplikasi pesan"),
    )
    add_globals(r)
    r.set_defaults(handler=cmd_report_pengingat)


def _out_and_quiet(p: Any) -> None:
    p.add_argument(
        "--out", required=True, type=Path, metavar=_("BERKAS.pdf"), help=_("berkas PDF tujuan")
    )
    p.add_argument(
        "--quiet", action="store_true", help=_("jangan tampilkan kemajuan pembuatan laporan")
    )


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


def _run_kecamatan_report(args: argparse.Namespace, name: str) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.i18n import current_language
    from smartcity_desktop.services import kecamatan_reports

    build = getattr(kecamatan_reports, name)
    ctx = open_office(args)
    try:
        out = build(
            ctx,
            args.out,
            None if args.quiet else _StderrProgress(),
            language=current_language(),
        )
    finally:
        ctx.close()
    print(_("Laporan disimpan: {path}").format(path=out))
    return 0


def cmd_report_kecamatan(args: argparse.Namespace) -> int:
    return _run_kecamatan_report(args, "build_kecamatan_recap")


def cmd_report_berita_acara(args: argparse.Namespace) -> int:
    return _run_kecamatan_report(args, "build_berita_acara")


def cmd_report_pengingat(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.i18n import current_language
    from smartcity_desktop.services.kecamatan_reports import reminder_text, write_reminder_letter

    ctx = open_office(args)
    try:
        out = write_reminder_letter(ctx, args.desa, args.out, language=current_language())
        text = reminder_text(ctx, args.desa) if args.text else None
    finally:
        ctx.close()
    print(_("Laporan disimpan: {path}").format(path=out))
    if text is not None:
        print()
        print(text)
    return 0


def cmd_report_annex(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.i18n import current_language
    from smartcity_desktop.services.annex import build_annex

    ctx = open_office(args)
    try:
        out = build_annex(
            ctx,
            args.out,
            None if args.quiet else _StderrProgress(),
            language=current_language(),
        )
    finally:
        ctx.close()
    print(_("Laporan disimpan: {path}").format(path=out))
    return 0
