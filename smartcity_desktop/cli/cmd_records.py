"""``sample-data``, ``stats`` and ``search``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from smartcity_desktop.i18n import _


def _count(text: str) -> int:
    value = int(text)
    if value < 0 or value > 1_000_000:
        raise argparse.ArgumentTypeError(_("harus antara 0 dan 1.000.000"))
    return value


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    p = sub.add_parser("sample-data", help=_("isi contoh data untuk pelatihan dan demo"))
    p.add_argument(
        "--problems", type=_count, default=20, help=_("jumlah permasalahan contoh (bawaan 20)")
    )
    p.add_argument(
        "--potentials", type=_count, default=10, help=_("jumlah potensi contoh (bawaan 10)")
    )
    p.add_argument(
        "--proposals", type=_count, default=20, help=_("jumlah usulan inovasi contoh (bawaan 20)")
    )
    p.add_argument(
        "--photos", type=_count, default=0, help=_("jumlah foto contoh yang dilampirkan (bawaan 0)")
    )
    p.add_argument(
        "--seed", type=int, default=1, help=_("angka awal acak: angka sama memberi data sama")
    )
    add_globals(p)
    p.set_defaults(handler=cmd_sample_data)

    p = sub.add_parser("stats", help=_("ringkasan jumlah catatan"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("search", help=_("cari catatan menurut judul dan uraian"))
    p.add_argument("text", help=_("kata yang dicari"))
    p.add_argument(
        "--kind",
        choices=("problem", "potential", "proposal"),
        help=_(
            "cari hanya satu jenis: problem (permasalahan), potential (potensi) atau proposal (usulan)"
        ),
    )
    p.add_argument(
        "--limit", type=int, default=50, help=_("jumlah hasil paling banyak (bawaan 50)")
    )
    p.add_argument("--json", action="store_true", help=_("keluaran JSON untuk skrip"))
    add_globals(p)
    p.set_defaults(handler=cmd_search)


def cmd_sample_data(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.services.sample_data import SampleRequest, generate

    ctx = open_office(args)
    try:
        change = generate(
            ctx,
            SampleRequest(args.problems, args.potentials, args.proposals, args.photos, args.seed),
        )
    finally:
        ctx.close()
    d = change.details
    print(
        _("Contoh data ditambahkan: {p} permasalahan, {o} potensi, {u} usulan, {a} foto.").format(
            p=d["problem"], o=d["potential"], u=d["proposal"], a=d["attachment"]
        )
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.stats import office_stats
    from smartcity_desktop.storage.paths import portable_marker

    ctx = open_office(args)
    try:
        stats = office_stats(ctx)
    finally:
        ctx.close()
    marker = portable_marker(ctx.paths)
    stats["data_dir"] = str(ctx.paths.root)
    stats["portable"] = marker is not None
    if args.json:
        print_json(stats)
        return 0
    r = stats["records"]
    print(f"{stats['office_name']} ({stats['office']}), {stats['role']}")
    print(_("Folder data: {folder}").format(folder=ctx.paths.root))
    if marker is not None:
        print(_("Mode portabel (berkas {marker})").format(marker=marker))
    print(_("Permasalahan: {n}").format(n=r["problem"]))
    print(_("Potensi: {n}").format(n=r["potential"]))
    print(_("Usulan inovasi: {n}").format(n=r["proposal"]))
    print(_("Lampiran: {n}").format(n=stats["attachments"]))
    print(_("Perubahan belum dikirim: {n}").format(n=stats["unsent_changes"]))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services.records import RecordService

    ctx = open_office(args)
    try:
        service = RecordService(ctx)
        hits = service.search(args.text, RecordKind(args.kind) if args.kind else None, args.limit)
        results = []
        for kind, record_id in hits:
            record = service.get(RecordKind(kind), record_id)
            results.append(
                {
                    "kind": kind,
                    "id": record_id,
                    "title": record.title,
                    "office": record.office_code,
                    "status": record.status.value,
                }
            )
    finally:
        ctx.close()
    if args.json:
        print_json(results)
    else:
        for r in results:
            print(f"{r['kind']:<10} {r['id']}  {r['title']}")
    return 0
