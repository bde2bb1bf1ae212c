"""The kecamatan's documents: Rekap Kecamatan, Berita Acara Verifikasi Kecamatan and the reminder
to a late village (a letter PDF and a short text for messaging apps).

Plain functions for the GUI (Laporan and Kelengkapan pages, on a worker thread) and the CLI:

- ``build_kecamatan_recap(ctx, out, progress=None, *, language=None) -> Path``
- ``build_berita_acara(ctx, out, progress=None, *, language=None) -> Path``
- ``write_reminder_letter(ctx, desa_code, out, *, language=None) -> Path``
- ``reminder_text(ctx, desa_code, *, language=None) -> str``

Each PDF is written beside its target and renamed into place when complete (see
``services.reports.write_document``). Only a kecamatan office makes them; elsewhere a
``UserError`` with code ``report.kecamatan_only`` says so.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from pathlib import Path
from typing import Any

from smartcity_desktop.domain.fields import KIND_LABELS, RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState, VillageStage
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _, current_language, set_language
from smartcity_desktop.reports.berita_acara import build_berita_acara_pdf
from smartcity_desktop.reports.dates import format_date_long, to_local
from smartcity_desktop.reports.kecamatan_data import (
    KecamatanReportData,
    PriorityItem,
    ReminderData,
    Signatory,
    VillageSummary,
)
from smartcity_desktop.reports.kecamatan_recap import build_kecamatan_recap_pdf
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.reports.reminder_letter import build_reminder_pdf
from smartcity_desktop.services.completeness import VillageLine, completeness
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.reports import (
    _check_target,
    _letterhead,
    _write_error,
    write_document,
    write_report,
)
from smartcity_desktop.services.settings import get_settings

__all__ = [
    "build_berita_acara",
    "build_kecamatan_recap",
    "gather_kecamatan_data",
    "missing_items",
    "reminder_text",
    "write_reminder_letter",
]

KINDS = (RecordKind.PROBLEM, RecordKind.POTENTIAL, RecordKind.PROPOSAL)


def _check_kecamatan(ctx: AppContext) -> None:
    if ctx.office.role != "kecamatan":
        raise UserError(
            _(
                "Laporan ini dibuat oleh kantor kecamatan atas desa/kelurahan di wilayahnya. "
                "Kantor ini adalah {office}: gunakan Rekap Desa."
            ).format(office=ctx.office.name),
            code="report.kecamatan_only",
        )


def _parse(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return to_local(dt.datetime.fromisoformat(text.replace("Z", "")))


def _dimension_counts(ctx: AppContext) -> dict[str, dict[str, int]]:
    """Live final records per village and dimension code (all kinds together)."""
    out: dict[str, dict[str, int]] = {}
    prefix = ctx.office.code + ".%"
    with ctx.db.session() as session:
        conn = raw(session)
        for kind in KINDS:
            for office, dimension, n in conn.execute(
                f"SELECT office_code, COALESCE(dimension, ''), COUNT(*) FROM {kind.value} "
                "WHERE deleted = false AND status = 'final' AND office_code LIKE :prefix "
                "GROUP BY office_code, dimension",
                {"prefix": prefix},
            ):
                per = out.setdefault(office, {})
                per[dimension] = per.get(dimension, 0) + n
    return out


def _priorities(ctx: AppContext, names: dict[str, str]) -> tuple[list[PriorityItem], int]:
    """This kecamatan's ranked proposals in rank order, and how many live proposals are unranked."""
    ranked: list[PriorityItem] = []
    with ctx.db.session() as session:
        conn = raw(session)
        rows: list[Any] = conn.execute(
            "SELECT v.priority, p.title, p.office_code, COALESCE(p.dimension, ''), v.state "
            "FROM review v JOIN proposal p ON p.id = v.target_id "
            "WHERE v.office_code = :office AND v.deleted = false AND v.target_kind = 'proposal' "
            "AND p.deleted = false AND v.priority IS NOT NULL "
            f"ORDER BY v.priority, {conn.bytewise('p.office_code', 'p.title')}",
            {"office": ctx.office.code},
        ).fetchall()
        total = conn.execute(
            "SELECT COUNT(*) FROM proposal WHERE deleted = false AND status = 'final' "
            "AND office_code LIKE :prefix",
            {"prefix": ctx.office.code + ".%"},
        ).fetchone()[0]
    for rank, title, office, dimension, state in rows:
        ranked.append(PriorityItem(rank, names.get(office, office), title, dimension, state))
    return ranked, max(int(total) - len(ranked), 0)


def _summary(line: VillageLine, dimensions: dict[str, int], own_code: str) -> VillageSummary:
    status = line.status
    verdict = status.verification
    mine = verdict is not None and verdict.office_code == own_code
    last = line.last_bundle
    return VillageSummary(
        code=line.code,
        name=line.name,
        stage=status.stage.value,
        counts=dict(status.counts),
        dimensions=dimensions,
        reviewed=status.reviewed,
        states=dict(status.states),
        last_bundle=last.sequence if last else None,
        last_received=to_local(last.received_at) if last else None,
        changed_after_verification=status.changed_after_verification,
        verification_state=verdict.state if mine and verdict else None,
        verification_reason=verdict.reason if mine and verdict else None,
        verification_comment=verdict.comment if mine and verdict else None,
        verified_at=_parse(verdict.updated_at) if mine and verdict else None,
    )


def _signatories(ctx: AppContext, head_title: str, place: str) -> tuple[Signatory, Signatory]:
    settings = get_settings(ctx)
    head = Signatory(f"{head_title} {place}", settings["kepala_desa_name"])
    operator = Signatory(_("Operator"), ctx.office.operator)
    return head, operator


def gather_kecamatan_data(
    ctx: AppContext, progress: ReportProgress | None = None
) -> KecamatanReportData:
    _check_kecamatan(ctx)
    check_cancelled(progress)
    if progress is not None:
        progress.report(0, 0, _("Mengumpulkan data desa"))
    settings = get_settings(ctx)
    letterhead, head_title = _letterhead(ctx, settings["office_address"])
    report = completeness(ctx)
    dims = _dimension_counts(ctx)
    lines = [line for group in report.groups for line in group.villages]
    villages = [_summary(line, dims.get(line.code, {}), ctx.office.code) for line in lines]
    priorities, unranked = _priorities(ctx, {v.code: v.name for v in villages})
    head, operator = _signatories(ctx, head_title, letterhead.office_place)
    return KecamatanReportData(
        letterhead=letterhead,
        head=head,
        operator=operator,
        fingerprint=office_fingerprint(ctx),
        generated_at=to_local(ctx.clock()),
        deadline=report.deadline,
        villages=villages,
        priorities=priorities,
        unranked_proposals=unranked,
    )


def build_kecamatan_recap(
    ctx: AppContext,
    out_path: Path,
    progress: ReportProgress | None = None,
    *,
    language: str | None = None,
) -> Path:
    """Write the Rekap Kecamatan PDF to ``out_path`` and return it."""
    _check_kecamatan(ctx)
    return write_report(
        ctx, out_path, progress, language, gather_kecamatan_data, build_kecamatan_recap_pdf
    )


def build_berita_acara(
    ctx: AppContext,
    out_path: Path,
    progress: ReportProgress | None = None,
    *,
    language: str | None = None,
) -> Path:
    """Write the Berita Acara Verifikasi Kecamatan PDF to ``out_path`` and return it."""
    _check_kecamatan(ctx)
    return write_report(
        ctx, out_path, progress, language, gather_kecamatan_data, build_berita_acara_pdf
    )


# --- the reminder -------------------------------------------------------------------------------


def _village(ctx: AppContext, desa_code: str) -> tuple[VillageLine, dt.date | None, dt.date]:
    """The village's line, the deadline and the day the report was made ("today")."""
    _check_kecamatan(ctx)
    report = completeness(ctx)
    for group in report.groups:
        for line in group.villages:
            if line.code == desa_code.strip():
                return line, report.deadline, report.today
    raise UserError(
        _(
            "Desa/kelurahan dengan kode {code} tidak ada di wilayah {office}. Lihat kodenya di "
            "halaman Kelengkapan atau dengan perintah completeness."
        ).format(code=desa_code, office=ctx.office.name),
        code="report.desa_outside_area",
    )


def missing_items(line: VillageLine) -> list[str]:
    """What the village still owes its kecamatan, in words (the current language)."""
    status = line.status
    if line.last_bundle is None and status.total == 0:
        return [_("belum ada paket data yang diterima kecamatan dari desa/kelurahan ini")]
    items: list[str] = []
    for kind in KINDS:
        if not status.counts.get(kind.value):
            items.append(_("{kind}: belum ada catatan").format(kind=_(KIND_LABELS[kind])))
    to_fix = status.states.get(ReviewState.PERLU_PERBAIKAN, 0) - status.fixed_after_return
    if to_fix > 0:
        items.append(_("{n} catatan dikembalikan kecamatan untuk diperbaiki").format(n=to_fix))
    verdict = status.verification
    if status.stage is VillageStage.DIKEMBALIKAN and verdict is not None:
        reason = ref_list("alasan_review").get(verdict.reason or "")
        why = reason.label(current_language()) if reason else (verdict.reason or "")
        if verdict.comment:
            why = f"{why} – {verdict.comment}" if why else verdict.comment
        items.append(
            _("verifikasi desa dikembalikan untuk diperbaiki{why}").format(
                why=f" ({why})" if why else ""
            )
        )
    return items


def _head_title(line: VillageLine) -> str:
    return _("Lurah") if line.kind == "kelurahan" else _("Kepala Desa")


def _bare_name(line: VillageLine) -> str:
    for prefix in ("Kelurahan ", "Desa Adat ", "Desa "):
        if line.name.startswith(prefix):
            return line.name[len(prefix) :]
    return line.name


def reminder_text(ctx: AppContext, desa_code: str, *, language: str | None = None) -> str:
    """A short reminder to paste into a messaging app (WhatsApp and the like), plain text: how
    late the village is, what it still owes, what to do in the app, and who is asking."""
    line, deadline, today = _village(ctx, desa_code)
    language = language or current_language()
    text: str = _in_language(language, _reminder_text, ctx, line, deadline, today)
    return text


def _reminder_text(
    ctx: AppContext, line: VillageLine, deadline: dt.date | None, today: dt.date
) -> str:
    office = ctx.office
    items = missing_items(line)
    # A village that sent everything can still be reminded (from Laporan, say, to send what
    # changed): then it is neither called incomplete nor late.
    status = (
        _("{office} belum menerima data Smart City yang lengkap dari {village}.")
        if items
        else _("{office} mengingatkan agar data Smart City terbaru dari {village} dikirim.")
    ).format(office=office.name, village=line.name)
    if deadline is not None:
        when = format_date_long(deadline, current_language())
        late = (today - deadline).days
        status += " " + (
            _("Tenggat pengiriman: {date} ({days} hari yang lalu).").format(date=when, days=late)
            if line.overdue and late > 0
            else _("Tenggat: {date}.").format(date=when)
        )
    parts = [
        _("Yth. {title} {name},").format(title=_head_title(line), name=_bare_name(line)),
        status,
    ]
    if items:
        parts.append(_("Yang masih kurang: {items}.").format(items="; ".join(items)))
    parts += [
        _(
            "Mohon data segera dikirim: di SmartCity Desktop buka halaman Kirim Data, buat paket, "
            "lalu serahkan berkas .scb ke {office} (flashdisk atau surel)."
        ).format(office=office.name),
        _("Terima kasih."),
        _("Operator {office}: {operator}").format(office=office.name, operator=office.operator),
    ]
    return "\n".join(parts)


def _in_language(language: str, fn: Any, *args: Any) -> Any:
    """Run ``fn`` in ``language`` without changing the caller's language (a context variable)."""

    def run() -> Any:
        set_language(language)
        return fn(*args)

    return contextvars.copy_context().run(run)


def write_reminder_letter(
    ctx: AppContext, desa_code: str, out_path: Path, *, language: str | None = None
) -> Path:
    """Write the reminder letter (Surat Pengingat) for one village to ``out_path``; return it."""
    line, deadline, _today = _village(ctx, desa_code)
    out_path = Path(out_path).absolute()
    language = language or current_language()
    _check_target(out_path)

    def build(tmp: Path) -> None:
        settings = get_settings(ctx)
        letterhead, head_title = _letterhead(ctx, settings["office_address"])
        head, _operator = _signatories(ctx, head_title, letterhead.office_place)
        summary = _summary(line, {}, ctx.office.code)
        data = ReminderData(
            letterhead=letterhead,
            head=head,
            fingerprint=office_fingerprint(ctx),
            generated_at=to_local(ctx.clock()),
            deadline=deadline,
            village=summary,
            village_head_title=_head_title(line),
            missing=missing_items(line),
        )
        build_reminder_pdf(data, tmp, language)

    write_document(out_path, language, build, _write_error)
    return out_path
