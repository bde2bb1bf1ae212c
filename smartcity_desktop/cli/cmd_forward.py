"""The chain above the village: ``forward`` (kecamatan to kabupaten) and ``feedback`` (results
back to each desa)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_desktop.i18n import _


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser(
        "forward",
        help=_("teruskan paket asli desa dan reviu kecamatan ke kabupaten (kecamatan)"),
    )
    p.add_argument(
        "--out", required=True, metavar="FILE", help=_("berkas paket terusan yang ditulis")
    )
    p.add_argument(
        "--desa",
        action="append",
        default=[],
        metavar="KODE",
        help=_("hanya paket desa ini (boleh berulang); bawaan: semua yang belum diteruskan"),
    )
    p.add_argument(
        "--max-part-size",
        type=_size,
        metavar="SIZE",
        help=_("pecah menjadi bagian paling besar SIZE (mis. 15M) untuk aplikasi pesan"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_forward)

    p = sub.add_parser("feedback", help=_("kirim hasil verifikasi ke desa: satu berkas per desa"))
    p.add_argument(
        "--out", required=True, metavar="DIR", help=_("folder tujuan: satu berkas paket per desa")
    )
    p.add_argument(
        "--desa",
        action="append",
        default=[],
        metavar="KODE",
        help=_("hanya desa ini (boleh berulang); bawaan: semua desa yang sudah direviu"),
    )
    add_globals(p)
    p.set_defaults(handler=cmd_feedback)


def _size(text: str) -> int:
    from smartcity_desktop.services.exchange import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _run(args: argparse.Namespace, work: Callable[[Any, str], int]) -> int:
    from smartcity_desktop.cli.passphrase import read_passphrase
    from smartcity_desktop.cli.support import open_office

    ctx = open_office(args)
    try:
        return work(ctx, read_passphrase(getattr(args, "passphrase_file", None)))
    finally:
        ctx.close()


def cmd_forward(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.progress import StderrProgress
    from smartcity_desktop.services.exchange.forward import forward_bundle

    def work(ctx: Any, passphrase: str) -> int:
        result = forward_bundle(
            ctx,
            passphrase,
            Path(args.out),
            desa=args.desa,
            max_part_size=args.max_part_size,
            progress=StderrProgress(_("Menulis paket terusan")),
        )
        print(
            _("Paket nomor {seq} dibuat: {n} paket desa diteruskan, {reviews} reviu.").format(
                seq=result.sequence,
                n=len(result.forwarded),
                reviews=result.counts.get("review", 0),
            )
        )
        for path in result.paths:
            print(path)
        return 0

    return _run(args, work)


def cmd_feedback(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.progress import StderrProgress
    from smartcity_desktop.services.exchange.feedback import feedback_bundles

    def work(ctx: Any, passphrase: str) -> int:
        results = feedback_bundles(
            ctx,
            passphrase,
            Path(args.out),
            desa=args.desa,
            progress=StderrProgress(_("Menulis hasil verifikasi")),
        )
        for code, result in results.items():
            print(
                _("Desa {code}: paket nomor {seq}, {n} reviu").format(
                    code=code, seq=result.sequence, n=result.counts.get("review", 0)
                )
            )
            for path in result.paths:
                print(f"  {path}")
        return 0

    return _run(args, work)
