"""Feedback down to the village: one bundle per desa, signed by the reviewing office (a kecamatan
or the kabupaten), carrying every review it wrote about that desa: of its records, of the village
as a whole, and (the kabupaten) of the kecamatan's verification of that village.

Every office carries only its own rows (docs/bundle-format.md section 6), so the kabupaten's
verdicts reach a desa in the kabupaten's own feedback bundle; a kecamatan may hand that file on
unchanged. A desa imports a feedback bundle through the ordinary import, which takes reviews only
from its own kecamatan and kabupaten and only about its own records.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from smartcity_desktop.bundles.progress import NoProgress, Progress
from smartcity_desktop.domain.review import FEEDBACK_PREFIX, TargetKind, may_review, values_of
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_records import REVIEW_KIND, bundle_row
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_journal as journal
from smartcity_desktop.services.exchange.carried_revocations import carried_extra
from smartcity_desktop.services.exchange.export import (
    ExportResult,
    signing_identity,
    write_signed,
)
from smartcity_desktop.services.exchange.export_lock import export_lock
from smartcity_desktop.services.trust import load_trust_state
from smartcity_desktop.storage.models import RECORD_MODELS, Review


def feedback_bundles(
    ctx: AppContext,
    passphrase: str,
    out: Path,
    *,
    desa: Sequence[str] = (),
    progress: Progress | None = None,
) -> dict[str, ExportResult]:
    """One feedback bundle per desa in folder ``out`` (every desa this office reviewed, or those
    of ``desa``); returns them by desa code."""
    office = ctx.office
    if office.role not in ("kecamatan", "kabupaten"):
        raise UserError(
            _("Hanya kecamatan dan kabupaten yang mengirim hasil verifikasi ke desa."),
            code="feedback.not_reviewer",
        )
    if not out.is_dir():
        raise UserError(
            _(
                "Folder tujuan {folder} tidak ada; hasil verifikasi ditulis satu berkas per desa."
            ).format(folder=out),
            code="export.no_folder",
        )
    for code in desa:
        if code.count(".") != 3 or not may_review(office.code, office.role, code):
            raise UserError(
                _("Desa {code} tidak berada di wilayah {office}.").format(
                    code=code, office=office.name
                ),
                code="feedback.outside_area",
            )
    progress = progress or NoProgress()
    results: dict[str, ExportResult] = {}
    with export_lock(ctx.paths, ctx.db):
        journal.abandon_pending(ctx)
        identity = signing_identity(ctx, passphrase)
        # The list in force here goes down with the reviews, so a desa that never talks to the
        # kabupaten directly still learns which keys are revoked.
        extra = carried_extra(load_trust_state(ctx), office.code)
        with ctx.db.session() as session:
            about = _about(session, office.code)
            chosen = list(desa) or sorted({code for _id, code in about if code.count(".") == 3})
            rows = {
                code: _rows(session, [rid for rid, of in about if of == code]) for code in chosen
            }
        if not any(rows.values()):
            raise UserError(
                _("Belum ada hasil verifikasi untuk dikirim ke desa; reviu data desa lebih dulu."),
                code="feedback.nothing",
            )
        for code, reviews in rows.items():
            if not reviews:
                continue
            results[code] = write_signed(
                ctx,
                identity,
                out,
                rows={REVIEW_KIND: reviews},
                sent={},  # feedback is the complete set each time; it sends nothing upward
                files={},
                full=True,
                max_part_size=None,
                progress=progress,
                name=f"{FEEDBACK_PREFIX}{code}-{{office}}-{{sequence:06d}}.scb",
                extra=extra,
            )
    return results


def _about(session: Session, own: str) -> list[tuple[str, str]]:
    """(review id, desa code) of each of this office's reviews."""
    pairs: list[tuple[str, str]] = []
    for kind, model in RECORD_MODELS.items():
        pairs.extend(
            (str(a), str(b))
            for a, b in session.execute(
                select(Review.id, model.office_code)
                .join(model, model.id == Review.target_id)
                .where(Review.office_code == own, Review.target_kind == kind)
            )
        )
    pairs.extend(
        (str(a), str(b))
        for a, b in session.execute(
            select(Review.id, Review.target_id).where(
                Review.office_code == own, Review.target_kind == TargetKind.DESA.value
            )
        )
    )
    verified = aliased(Review)
    pairs.extend(
        (str(a), str(b))
        for a, b in session.execute(
            select(Review.id, verified.target_id)
            .join(verified, verified.id == Review.target_id)
            .where(
                Review.office_code == own,
                Review.target_kind == TargetKind.REVIEW.value,
                verified.target_kind == TargetKind.DESA.value,
            )
        )
    )
    return pairs


def _rows(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    """The bundle rows of reviews ``ids``, withdrawn ones (tombstones) included."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):
        for row in session.scalars(
            select(Review)
            .where(Review.id.in_(ids[start : start + 500]), Review.status == "final")
            .order_by(Review.created_at, Review.id)
        ):
            out.append(bundle_row(row, values_of(row)))
    return out
