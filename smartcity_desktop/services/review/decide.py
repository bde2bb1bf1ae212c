"""Setting reviews: one record, a selection in one transaction, a whole village.

Ownership rule: a review belongs to the office that wrote it, one row per reviewing office and
target. A new verdict on the same target is the next revision of that row (so it can travel in
bundles like a record); a verdict equal to the stored one changes nothing. The reviewed record is
never touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.domain.review import (
    ReviewState,
    TargetKind,
    may_review,
    normalise_review,
    review_hash,
    validate_review,
    values_of,
    village_digest,
)
from smartcity_desktop.domain.validation import Problem, Values
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.owned_rows import first_revision, next_revision
from smartcity_desktop.services.review.targets import Target, load_targets, village_rows
from smartcity_desktop.services.review.versions import (
    changed_meanwhile,
    check_versions,
    review_lock_name,
    review_versions,
)
from smartcity_desktop.storage.models import Review
from smartcity_desktop.storage.write_locks import take_turn

# More than this many records named in one refusal message is unreadable; the count says the rest.
_NAMED = 5


class ReviewRefused(UserError):
    code = "review.refused"


class ReviewInvalid(UserError):
    code = "review.invalid"

    def __init__(self, problems: Sequence[Problem], prefix: str = "") -> None:
        self.problems = list(problems)
        lines = "\n".join(f"- {p.message}" for p in self.problems)
        super().__init__((prefix or _("Reviu belum benar:")) + "\n" + lines)

    @property
    def problem_codes(self) -> list[str]:
        return [p.code for p in self.problems]


@dataclass(frozen=True)
class Decision:
    """What a reviewer decides, the same for one record or a whole selection."""

    state: str
    reason: str | None = None
    comment: str | None = None
    priority: int | None = None
    redirect_urusan: str | None = None
    redirect_opd: str | None = None
    redirect_level: str | None = None
    merge_into: str | None = None


def _check_reviewer(ctx: AppContext) -> None:
    if ctx.office.role == "desa":
        raise ReviewRefused(
            _(
                "Kantor desa tidak mereviu catatan. Reviu dibuat oleh kecamatan dan kabupaten; "
                "desa menerimanya lewat paket umpan balik."
            ),
            code="review.desa_cannot_review",
        )


def _refuse_targets(ctx: AppContext, ids: Sequence[str], found: dict[str, Target]) -> None:
    """Every named record must exist, be alive and lie below this office (not be its own)."""
    office = ctx.office
    missing = [i for i in ids if i not in found]
    if missing:
        raise ReviewRefused(
            _("Catatan tidak ditemukan di kantor ini: {ids}.").format(ids=_names(missing)),
            code="review.record_not_found",
        )
    deleted = [found[i] for i in ids if found[i].deleted]
    if deleted:
        raise ReviewRefused(
            _("Catatan sudah dihapus oleh desanya dan tidak dapat direviu: {ids}.").format(
                ids=_names([t.title or t.id for t in deleted])
            ),
            code="review.record_deleted",
        )
    own = [found[i] for i in ids if found[i].office_code == office.code]
    if own:
        raise ReviewRefused(
            _(
                "Catatan milik kantor ini sendiri tidak direviu di sini; reviu adalah pendapat "
                "kantor di atasnya: {ids}."
            ).format(ids=_names([t.title or t.id for t in own])),
            code="review.own_record",
        )
    outside = [
        found[i] for i in ids if not may_review(office.code, office.role, found[i].office_code)
    ]
    if outside:
        raise ReviewRefused(
            _(
                "Catatan dari {office} berada di luar wilayah {name}; hanya catatan desa di "
                "wilayahnya yang dapat direviu."
            ).format(office=outside[0].office_code, name=office.name),
            code="review.outside_area",
        )


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_NAMED])
    if len(items) > _NAMED:
        shown += " " + _("dan {n} lainnya").format(n=len(items) - _NAMED)
    return shown


def _merge_problems(
    ctx: AppContext, session: Session, targets: Sequence[Target], merge_into: str
) -> list[Problem]:
    office = ctx.office
    found = load_targets(session, [merge_into])
    into = found.get(merge_into)
    if into is None or into.deleted:
        return [
            Problem(
                "merge_into",
                "merge_not_found",
                _("Catatan tujuan penggabungan tidak ditemukan atau sudah dihapus."),
            )
        ]
    problems: list[Problem] = []
    other_kind = [t for t in targets if t.kind != into.kind]
    if other_kind:
        problems.append(
            Problem(
                "merge_into",
                "merge_other_kind",
                _("Catatan hanya dapat digabung ke catatan sejenis ({kind}).").format(
                    kind=kind_label(other_kind[0].kind)
                ),
            )
        )
    if not may_review(office.code, office.role, into.office_code):
        problems.append(
            Problem(
                "merge_into",
                "merge_outside_area",
                _("Catatan tujuan penggabungan berada di luar wilayah kantor ini."),
            )
        )
    # Two records merged into each other would leave neither standing.
    into_review = session.scalar(
        select(Review).where(
            Review.office_code == office.code,
            Review.target_id == into.id,
            Review.deleted.is_(False),
        )
    )
    if (
        into_review is not None
        and into_review.state == ReviewState.DIGABUNG.value
        and into_review.merge_into in {t.id for t in targets}
    ):
        problems.append(
            Problem(
                "merge_into",
                "merge_cycle",
                _("Catatan tujuan sudah digabung ke catatan ini; pilih catatan lain."),
            )
        )
    return problems


def _values(
    decision: Decision | dict[str, Any], kind: str, target_id: str, revision: int, digest: str
) -> Values:
    raw: dict[str, Any] = dict(decision) if isinstance(decision, dict) else asdict(decision)
    raw.update(target_kind=kind, target_id=target_id, target_revision=revision, target_hash=digest)
    return normalise_review(raw)


def _write(
    ctx: AppContext, session: Session, existing: Review | None, values: Values, now: Any
) -> tuple[Review, bool]:
    """Store one review; False when an equal live review was already there."""
    if existing is not None:
        if not existing.deleted and values_of(existing) == values:
            return existing, False
        for name, value in values.items():
            setattr(existing, name, value)
        next_revision(ctx, existing, now, deleted=False)
        row = existing
    else:
        row = Review(**first_revision(ctx, now), **values)
        session.add(row)
    row.changed_by = ctx.person
    row.content_hash = review_hash(row.id, row.office_code, row.revision, row.deleted, values)
    return row, True


def _own_reviews(session: Session, office: str, target_ids: Sequence[str]) -> dict[str, Review]:
    out: dict[str, Review] = {}
    ids = list(target_ids)
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        for row in session.scalars(
            select(Review).where(Review.office_code == office, Review.target_id.in_(part))
        ):
            out[row.target_id] = row
    return out


@contextmanager
def _saving(ctx: AppContext, target_ids: Sequence[str]) -> Iterator[Session]:
    """One review transaction, taking its turn among this office's review saves on every PC; a
    save that still loses a race at the write is refused like any other late save."""
    try:
        with ctx.db.transaction() as session:
            take_turn(session, review_lock_name(ctx.office.code))
            yield session
            session.flush()
    except StaleDataError as exc:
        raise changed_meanwhile(ctx, target_ids) from exc


def review_records(
    ctx: AppContext,
    record_ids: Sequence[str],
    decision: Decision,
    *,
    expected: Mapping[str, int] | None = None,
) -> Change:
    """One decision for every named record, in one transaction: all of them or none.

    Refuses, with nothing written: a desa reviewing; unknown, deleted or own records; records
    outside this office's area; an invalid decision (reason, priority, redirect, merge);
    ``expected`` given (record id: this office's review revision when the form loaded it, 0 for
    none, see ``review_versions``) and a review changed since (``ReviewChanged``)."""
    _check_reviewer(ctx)
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        raise ReviewRefused(_("Tidak ada catatan yang dipilih."), code="review.nothing_selected")
    with _saving(ctx, ids) as session:
        found = load_targets(session, ids)
        _refuse_targets(ctx, ids, found)
        targets = [found[i] for i in ids]
        # The decision's own rules, checked once per kind present (they differ only by kind).
        for kind in dict.fromkeys(t.kind for t in targets):
            first = next(t for t in targets if t.kind == kind)
            problems = validate_review(
                _values(decision, kind, first.id, first.revision, first.content_hash)
            )
            if decision.merge_into:
                problems = [p for p in problems if p.code != "merge_self"]
            if problems:
                raise ReviewInvalid(problems, _prefix(first, len(targets)))
        if decision.merge_into:
            if decision.merge_into in found:
                raise ReviewInvalid(
                    [
                        Problem(
                            "merge_into",
                            "merge_self",
                            _("Catatan tidak dapat digabung ke dirinya sendiri."),
                        )
                    ]
                )
            problems = _merge_problems(ctx, session, targets, decision.merge_into)
            if problems:
                raise ReviewInvalid(problems)
        existing = _own_reviews(session, ctx.office.code, ids)
        check_versions(ctx, existing, expected, selected=len(ids))
        now = ctx.clock()
        changed: list[str] = []
        base = asdict(decision)  # once: asdict is slow enough to matter for 1,000 records
        for target in targets:
            values = _values(base, target.kind, target.id, target.revision, target.content_hash)
            _row, wrote = _write(ctx, session, existing.get(target.id), values, now)
            if wrote:
                changed.append(target.id)
        return Change(
            Action.REVIEWED,
            frozenset({"review", *(t.kind for t in targets)}),
            tuple(ids),
            details={"changed": len(changed), "unchanged": len(ids) - len(changed)},
        )


def _prefix(target: Target, count: int) -> str:
    if count == 1:
        return _("Reviu belum benar:")
    return _("Reviu {n} catatan belum benar (contoh: {title}):").format(
        n=count, title=target.title or target.id
    )


def review_record(
    ctx: AppContext, record_id: str, decision: Decision, *, expected: int | None = None
) -> Change:
    return review_records(
        ctx, [record_id], decision, expected=None if expected is None else {record_id: expected}
    )


def withdraw_review(ctx: AppContext, record_id: str, *, expected: int | None = None) -> Change:
    """Take this office's review of a record back: a tombstone, so the withdrawal can travel."""
    _check_reviewer(ctx)
    with _saving(ctx, [record_id]) as session:
        row = session.scalar(
            select(Review).where(
                Review.office_code == ctx.office.code, Review.target_id == record_id
            )
        )
        if row is not None and expected is not None:
            check_versions(ctx, {record_id: row}, {record_id: expected})
        if row is None or row.deleted:
            raise ReviewRefused(
                _("Catatan ini belum direviu oleh kantor ini."), code="review.not_reviewed"
            )
        next_revision(ctx, row, ctx.clock(), deleted=True)
        row.changed_by = ctx.person
        row.content_hash = review_hash(row.id, row.office_code, row.revision, True, values_of(row))
        return Change(
            Action.REVIEWED, frozenset({"review", row.target_kind}), (record_id,), row.revision
        )


def verify_village(
    ctx: AppContext,
    desa_code: str,
    state: str,
    *,
    reason: str | None = None,
    comment: str | None = None,
    expected: int | None = None,
) -> Change:
    """A verdict on everything a village sent.

    At its kecamatan: *diterima* marks the village "diverifikasi kecamatan" (only once every live
    record is reviewed at its current revision); *perlu_perbaikan* returns it. At the kabupaten:
    accepts or returns the kecamatan's verification of that village (a review of that review).
    ``expected``: this office's revision of that verdict when it was loaded (see review_record)."""
    _check_reviewer(ctx)
    office = ctx.office
    if level_of_code(desa_code) != "desa_kelurahan" or not may_review(
        office.code, office.role, desa_code
    ):
        raise ReviewRefused(
            _("Desa {code} tidak berada di wilayah {name}.").format(
                code=desa_code, name=office.name
            ),
            code="review.outside_area",
        )
    decision = Decision(state=state, reason=reason, comment=comment)
    with _saving(ctx, [desa_code]) as session:
        if office.role == "kecamatan":
            kind, target_id, revision, digest = _village_target(session, office.code, desa_code)
            if state == ReviewState.DITERIMA:
                _check_village_reviewed(session, office.code, desa_code)
        else:
            kind, target_id, revision, digest = _verification_target(session, desa_code)
        values = _values(decision, kind, target_id, revision, digest)
        problems = validate_review(values)
        if problems:
            raise ReviewInvalid(problems)
        existing = _own_reviews(session, office.code, [target_id]).get(target_id)
        if existing is not None and expected is not None:
            check_versions(ctx, {target_id: existing}, {target_id: expected})
        row, wrote = _write(ctx, session, existing, values, ctx.clock())
        return Change(
            Action.REVIEWED,
            frozenset({"review", kind}),
            (desa_code,),
            row.revision,
            {"changed": int(wrote), "unchanged": int(not wrote)},
        )


def verdict_version(ctx: AppContext, desa_code: str) -> int:
    """This office's revision of its verdict on a village as stored now (0 for none): what a
    screen remembers when it shows the village, and hands to ``verify_village`` as ``expected``."""
    target = desa_code
    if ctx.office.role == "kabupaten":  # the verdict is on the kecamatan's verification
        with ctx.db.session() as session:
            found = session.scalar(
                select(Review.id).where(
                    Review.office_code == parent_of(desa_code),
                    Review.target_kind == TargetKind.DESA.value,
                    Review.target_id == desa_code,
                )
            )
        if found is None:
            return 0
        target = found
    return review_versions(ctx, [target])[target]


def _village_target(session: Session, own: str, desa_code: str) -> tuple[str, str, int, str]:
    rows = village_rows(session, [desa_code])[desa_code]
    live = sum(1 for row in rows if not row[3])
    if not live:
        raise ReviewRefused(
            _(
                "Belum ada catatan yang diterima dari desa {code}; belum ada yang diverifikasi."
            ).format(code=desa_code),
            code="review.village_empty",
        )
    return TargetKind.DESA.value, desa_code, live, village_digest((r[1], r[2]) for r in rows)


def _verification_target(session: Session, desa_code: str) -> tuple[str, str, int, str]:
    kecamatan = parent_of(desa_code)
    row = session.scalar(
        select(Review).where(
            Review.office_code == kecamatan,
            Review.target_kind == TargetKind.DESA.value,
            Review.target_id == desa_code,
            Review.deleted.is_(False),
        )
    )
    if row is None:
        raise ReviewRefused(
            _(
                "Kecamatan belum mengirim verifikasi desa {code}; yang dapat diterima atau "
                "dikembalikan kabupaten adalah verifikasi kecamatan."
            ).format(code=desa_code),
            code="review.no_verification",
        )
    return TargetKind.REVIEW.value, row.id, row.revision, row.content_hash


def _check_village_reviewed(session: Session, own: str, desa_code: str) -> None:
    rows = [r for r in village_rows(session, [desa_code])[desa_code] if not r[3]]
    reviews = _own_reviews(session, own, [r[1] for r in rows])
    pending = 0
    for _kind, record_id, revision, _deleted in rows:
        review = reviews.get(record_id)
        if review is None or review.deleted or (review.target_revision or 0) < revision:
            pending += 1
    if pending:
        raise ReviewRefused(
            _(
                "Desa {code} belum dapat diverifikasi: {n} catatan belum direviu atau berubah "
                "sejak direviu. Reviu semuanya dulu."
            ).format(code=desa_code, n=pending),
            code="review.village_not_reviewed",
        )


__all__ = [
    "Decision",
    "ReviewInvalid",
    "ReviewRefused",
    "review_record",
    "review_records",
    "verdict_version",
    "verify_village",
    "withdraw_review",
]
