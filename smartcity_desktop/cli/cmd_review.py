"""``review set``, ``review verify``, ``review list`` and ``completeness``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from smartcity_desktop.i18n import _

STATES = ("diterima", "perlu_perbaikan", "ditolak", "dialihkan", "digabung")
VERDICTS = ("diterima", "perlu_perbaikan")
KINDS = ("problem", "potential", "proposal")
DEADLINE_STAGES = ("terkirim", "diverifikasi_kecamatan", "diterima_kabupaten")
VILLAGE_STAGES = (
    "belum_kirim",
    "diterima",
    "diverifikasi_kecamatan",
    "diterima_kabupaten",
    "dikembalikan",
)


def _priority(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 9999:
        raise argparse.ArgumentTypeError(_("harus bilangan bulat antara 1 dan 9999"))
    return value


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    review = sub.add_parser("review", help=_("reviu catatan desa di kecamatan dan kabupaten"))
    actions = review.add_subparsers(dest="review_command", metavar=_("PERINTAH"))
    actions.required = True

    p = actions.add_parser(
        "set", help=_("beri hasil verifikasi pada satu atau beberapa catatan (satu transaksi)")
    )
    p.add_argument(
        "record_ids", nargs="+", metavar="RECORD_ID", help=_("nomor pengenal catatan yang ditelaah")
    )
    p.add_argument("--state", required=True, choices=STATES, help=_("status telaah yang diberikan"))
    p.add_argument("--reason", metavar="TEXT", help=_("alasan: kode atau nama dari daftar alasan"))
    p.add_argument("--comment", metavar="TEXT", help=_("catatan bebas"))
    p.add_argument(
        "--priority", type=_priority, metavar="N", help=_("peringkat prioritas usulan (1 = utama)")
    )
    p.add_argument("--merge-into", metavar="RECORD_ID", help=_("catatan tujuan untuk 'digabung'"))
    p.add_argument("--to-urusan", metavar="KODE", help=_("urusan tujuan untuk 'dialihkan'"))
    p.add_argument("--to-opd", metavar="TEXT", help=_("OPD tujuan untuk 'dialihkan'"))
    p.add_argument(
        "--to-level",
        metavar="TINGKAT",
        help=_("tingkat tujuan untuk 'dialihkan': desa, kecamatan, kabupaten, provinsi, pusat"),
    )
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_review_set)

    p = actions.add_parser("verify", help=_("verifikasi atau kembalikan seluruh data satu desa"))
    p.add_argument("desa", metavar="KODE", help=_("kode wilayah desa, misalnya 32.16.01.2001"))
    p.add_argument(
        "--state", required=True, choices=VERDICTS, help=_("hasil verifikasi data desa itu")
    )
    p.add_argument("--reason", metavar="TEXT", help=_("alasan, wajib bila dikembalikan"))
    p.add_argument("--comment", metavar="TEXT", help=_("catatan tambahan untuk desa"))
    add_globals(p)
    p.set_defaults(handler=cmd_review_verify)

    p = actions.add_parser("list", help=_("daftar reviu beserta catatannya"))
    p.add_argument("--desa", metavar="KODE", help=_("hanya catatan desa ini"))
    p.add_argument("--state", choices=STATES, help=_("tampilkan hanya status telaah ini"))
    p.add_argument("--kind", choices=KINDS, help=_("tampilkan hanya jenis catatan ini"))
    p.add_argument(
        "--changed", action="store_true", help=_("hanya catatan yang berubah sejak direviu")
    )
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_review_list)

    p = sub.add_parser("completeness", help=_("kelengkapan data desa di wilayah kantor ini"))
    p.add_argument(
        "--set-deadline", metavar="TTTT-BB-HH", help=_("tetapkan tenggat pengiriman data desa")
    )
    p.add_argument(
        "--stage-deadline",
        nargs=2,
        action="append",
        metavar=("TAHAP", "TTTT-BB-HH"),
        help=_(
            "kabupaten: tetapkan tenggat satu tahap (terkirim, diverifikasi_kecamatan, "
            "diterima_kabupaten); boleh diulang"
        ),
    )
    p.add_argument(
        "--clear-deadline",
        nargs="?",
        action="append",
        const=DEADLINE_STAGES[0],
        metavar="TAHAP",
        help=_("hapus tenggat (tanpa tahap: tenggat pengiriman); boleh diulang"),
    )
    p.add_argument("--kecamatan", metavar="KODE", help=_("hanya desa di kecamatan ini"))
    p.add_argument("--stage", choices=VILLAGE_STAGES, help=_("hanya desa pada tahap ini"))
    p.add_argument("--late", action="store_true", help=_("hanya desa yang terlambat"))
    p.add_argument("--json", action="store_true", help=_("keluaran JSON"))
    add_globals(p)
    p.set_defaults(handler=cmd_completeness)


def cmd_review_set(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.domain.review import reason_code
    from smartcity_desktop.services.review import Decision, own_review, review_records

    decision = Decision(
        state=args.state,
        reason=reason_code(args.reason),
        comment=args.comment,
        priority=args.priority,
        redirect_urusan=args.to_urusan,
        redirect_opd=args.to_opd,
        redirect_level=args.to_level,
        merge_into=args.merge_into,
    )
    ctx = open_office(args)
    try:
        change = review_records(ctx, args.record_ids, decision)
        views = [own_review(ctx, record_id) for record_id in change.ids]
    finally:
        ctx.close()
    if args.json:
        print_json([v.as_dict() for v in views if v is not None])
        return 0
    print(
        _("Reviu disimpan: {n} catatan diubah, {same} tidak berubah.").format(
            n=change.details["changed"], same=change.details["unchanged"]
        )
    )
    return 0


def cmd_review_verify(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office
    from smartcity_desktop.domain.review import reason_code, state_label
    from smartcity_desktop.services.review import verify_village

    ctx = open_office(args)
    try:
        verify_village(
            ctx, args.desa, args.state, reason=reason_code(args.reason), comment=args.comment
        )
    finally:
        ctx.close()
    print(_("Desa {code}: {state}.").format(code=args.desa, state=state_label(args.state).lower()))
    return 0


def cmd_review_list(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.domain.fields import kind_label
    from smartcity_desktop.domain.reference import ref_list
    from smartcity_desktop.domain.review import (
        CHANGED_SINCE_REVIEW,
        FIXED_AFTER_RETURN,
        REASON_LIST,
        state_label,
    )
    from smartcity_desktop.services.review import ReviewFilter, list_reviews

    ctx = open_office(args)
    try:
        own = ctx.office.code
        views = list_reviews(
            ctx,
            ReviewFilter(
                desa=args.desa, state=args.state, kind=args.kind, changed_only=args.changed
            ),
        )
    finally:
        ctx.close()
    if args.json:
        print_json([v.as_dict() for v in views])
        return 0
    if not views:
        print(_("Belum ada reviu."))
        return 0
    reasons = ref_list(REASON_LIST)
    for v in views:
        flags = []
        if v.fixed_after_return:
            flags.append(_(FIXED_AFTER_RETURN))
        elif v.changed_since_review:
            flags.append(_(CHANGED_SINCE_REVIEW))
        parts = [
            f"{state_label(v.state):<16}",
            f"{v.record_office or '-':<14}",
            f"{kind_label(v.values['target_kind']):<15}",
            v.record_title or v.values["target_id"],
        ]
        if v.values["reason"]:
            parts.append(f"[{reasons.label(v.values['reason'])}]")
        if v.values["priority"] is not None:
            parts.append(_("prioritas {n}").format(n=v.values["priority"]))
        if v.office_code != own:  # received from the office above
            parts.append(_("oleh {office}").format(office=v.office_code))
        if flags:
            parts.append("(" + ", ".join(flags) + ")")
        print("  ".join(parts))
    return 0


def _deadline_changes(args: argparse.Namespace) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for stage in args.clear_deadline or []:
        changes[stage] = None
    if args.set_deadline:
        changes[DEADLINE_STAGES[0]] = args.set_deadline
    for stage, day in args.stage_deadline or []:
        changes[stage] = day
    return changes


def cmd_completeness(args: argparse.Namespace) -> int:
    from smartcity_desktop.cli.support import open_office, print_json
    from smartcity_desktop.services.completeness import (
        CompletenessFilter,
        completeness,
        set_stage_deadlines,
    )

    changes = _deadline_changes(args)
    ctx = open_office(args)
    try:
        if changes:
            set_stage_deadlines(ctx, changes)
        report = completeness(ctx)
    finally:
        ctx.close()
    chosen = CompletenessFilter(args.kecamatan, args.stage, args.late)
    if args.json:
        data = report.as_dict()
        if chosen != CompletenessFilter():
            kept = {g.code: {v.code for v in lines} for g, lines in chosen.apply(report)}
            data["filter"] = {"kecamatan": args.kecamatan, "stage": args.stage, "late": args.late}
            data["groups"] = [
                dict(g, villages=[v for v in g["villages"] if v["code"] in kept[g["code"]]])
                for g in data["groups"]
                if g["code"] in kept
            ]
        print_json(data)
        return 0
    _print_completeness(report, chosen)
    return 0


def _print_completeness(report: Any, chosen: Any) -> None:
    from smartcity_desktop.domain.review import CHANGED_AFTER_VERIFICATION, stage_label
    from smartcity_desktop.services.completeness import deadline_stage_label

    kabupaten = report.role == "kabupaten"
    if kabupaten:
        for stage, day in report.deadlines.items():
            if day is not None:
                print(
                    _("Tenggat {stage}: {date}").format(
                        stage=deadline_stage_label(stage), date=day.isoformat()
                    )
                    + (" " + _("(sudah lewat)") if report.passed(stage) else "")
                )
    elif report.deadline:
        print(_("Tenggat pengiriman: {date}").format(date=report.deadline.isoformat()))
    for group, lines in chosen.apply(report):
        print(_group_line(group.name, group.totals()))
        for line in lines:
            last = line.last_bundle
            sent = "-"
            if last is not None:
                sent = _("paket #{n}, {date}").format(n=last.sequence, date=last.created_at.date())
                if kabupaten:
                    sent += f" ({last.route})"
            extra = []
            if line.status.changed_after_verification:
                extra.append(_(CHANGED_AFTER_VERIFICATION))
            if kabupaten and line.late_stages:
                extra.append(
                    _("terlambat: {stages}").format(
                        stages=", ".join(deadline_stage_label(s).lower() for s in line.late_stages)
                    )
                )
            elif line.overdue:
                extra.append(_("terlambat"))
            print(
                f"  {line.code}  {line.name:<28} {stage_label(line.status.stage):<24} "
                f"{line.progress:<12} {sent}" + (f"  ({', '.join(extra)})" if extra else "")
            )
    if kabupaten:
        print(_group_line(_("Total kabupaten"), report.totals()))


def _group_line(name: str, t: dict[str, Any]) -> str:
    return _(
        "{name}: {sent} dari {n} desa mengirim ({sp}%), {verified} diverifikasi ({vp}%), "
        "{accepted} diterima kabupaten ({ap}%)"
    ).format(
        name=name,
        sent=t["sent"],
        n=t["villages"],
        sp=t["sent_percent"],
        verified=t["verified"],
        vp=t["verified_percent"],
        accepted=t["accepted"],
        ap=t["accepted_percent"],
    )
