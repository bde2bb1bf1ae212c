"""Reading reviews: the list of reviews with their records, and the per-village review queue.

The queue walks one village's live records in a stable order (problems, potentials, proposals;
each by creation time, then id) and finds the next or previous one matching the filters with a
single indexed seek, so stepping stays fast with thousands of records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import (
    REASON_LIST,
    RECORD_TARGETS,
    REVIEW_FIELD_NAMES,
    ReviewState,
    changed_since_review,
    fixed_after_return,
    state_label,
)
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import Raw, as_datetime, raw
from smartcity_desktop.services.review.targets import KIND_ORDER, region_names


@dataclass(frozen=True)
class ReviewView:
    """A review as lists, the CLI and (later) bundles and forms see it."""

    id: str
    office_code: str  # the reviewing office, which owns the review
    revision: int
    content_hash: str
    created_at: datetime
    updated_at: datetime
    author: str
    trust_level: str | None  # None for this office's own reviews
    values: dict[str, Any]
    # The reviewed record as it is here now (None when this office does not hold it).
    record_office: str | None
    record_title: str | None
    record_revision: int | None

    @property
    def state(self) -> str:
        return str(self.values["state"] or "")

    @property
    def changed_since_review(self) -> bool:
        return self.record_revision is not None and changed_since_review(
            self.values["target_revision"], self.record_revision
        )

    @property
    def fixed_after_return(self) -> bool:
        return self.record_revision is not None and fixed_after_return(
            self.values["state"], self.values["target_revision"], self.record_revision
        )

    def as_dict(self) -> dict[str, Any]:
        reason = self.values.get("reason")
        return {
            "id": self.id,
            "reviewer": self.office_code,
            "revision": self.revision,
            "content_hash": self.content_hash,
            **self.values,
            "state_label": state_label(self.state),
            "reason_label": ref_list(REASON_LIST).label(reason) if reason else None,
            "record_office": self.record_office,
            "record_title": self.record_title,
            "record_revision": self.record_revision,
            "changed_since_review": self.changed_since_review,
            "fixed_after_return": self.fixed_after_return,
            "author": self.author,
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
            "trust_level": self.trust_level,
        }


@dataclass(frozen=True)
class ReviewFilter:
    desa: str | None = None  # the reviewed records' office
    state: str | None = None
    kind: str | None = None
    reviewer: str | None = None
    changed_only: bool = False  # a newer revision arrived after the review


_REVIEW_COLS = (
    "v.id, v.office_code, v.revision, v.content_hash, v.created_at, v.updated_at, v.author, "
    "v.trust_level, " + ", ".join(f"v.{name}" for name in REVIEW_FIELD_NAMES)
)
_VALUES_AT = 8  # index of the first review value in a row of _REVIEW_COLS


def _parse_time(value: Any) -> datetime:
    return as_datetime(value)


def _check_state(state: str | None) -> None:
    if state is not None and state not in {s.value for s in ReviewState}:
        raise UserError(
            _("Hasil verifikasi tidak dikenal: {state}. Pilih salah satu: {states}.").format(
                state=state, states=", ".join(s.value for s in ReviewState)
            ),
            code="review.unknown_state",
        )


def list_reviews(ctx: AppContext, flt: ReviewFilter | None = None) -> list[ReviewView]:
    """Live reviews of records, from every office whose reviews are here, newest first.

    At a desa these are the reviews of its records that reached it; at a kecamatan its own; at the
    kabupaten its own and those its kecamatan sent."""
    flt = flt or ReviewFilter()
    _check_state(flt.state)
    kinds = [k for k in KIND_ORDER if flt.kind in (None, k)]
    out: list[ReviewView] = []
    with ctx.db.session() as session:
        conn = raw(session)
        for kind in kinds:
            sql = (
                f"SELECT {_REVIEW_COLS}, r.office_code, r.title, r.revision FROM review v "
                f"JOIN {kind} r ON r.id = v.target_id "
                "WHERE v.deleted = false AND v.target_kind = :kind"
            )
            params: dict[str, Any] = {"kind": kind}
            if flt.desa:
                sql += " AND r.office_code = :desa"
                params["desa"] = flt.desa
            if flt.state:
                sql += " AND v.state = :state"
                params["state"] = flt.state
            if flt.reviewer:
                sql += " AND v.office_code = :reviewer"
                params["reviewer"] = flt.reviewer
            if flt.changed_only:
                sql += " AND r.revision > v.target_revision"
            for row in conn.execute(sql, params):
                out.append(_view(row, row[-3], row[-2], row[-1]))
    out.sort(key=lambda v: (v.updated_at, v.id), reverse=True)
    return out


def _view(row: Any, office: str | None, title: str | None, revision: int | None) -> ReviewView:
    values = dict(zip(REVIEW_FIELD_NAMES, row[_VALUES_AT:], strict=False))
    return ReviewView(
        id=row[0],
        office_code=row[1],
        revision=row[2],
        content_hash=row[3],
        created_at=_parse_time(row[4]),
        updated_at=_parse_time(row[5]),
        author=row[6],
        trust_level=row[7],
        values=values,
        record_office=office,
        record_title=title,
        record_revision=revision,
    )


def own_review(ctx: AppContext, record_id: str) -> ReviewView | None:
    """This office's live review of a record, for the form beside the record."""
    with ctx.db.session() as session:
        conn = raw(session)
        for kind in KIND_ORDER:
            row = conn.execute(
                f"SELECT {_REVIEW_COLS}, r.office_code, r.title, r.revision FROM review v "
                f"JOIN {kind} r ON r.id = v.target_id "
                "WHERE v.office_code = :office AND v.target_id = :id AND v.deleted = false",
                {"office": ctx.office.code, "id": record_id},
            ).fetchone()
            if row is not None:
                return _view(row, row[-3], row[-2], row[-1])
    return None


# --- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    kind: str | None = None
    unreviewed: bool = False  # no live review of this office yet
    changed: bool = False  # reviewed, and a newer revision arrived since
    state: str | None = None  # this office's review has this state


@dataclass(frozen=True)
class QueueEntry:
    kind: str
    id: str
    title: str
    revision: int
    created_at: datetime
    review_id: str | None
    state: str | None
    reason: str | None
    priority: int | None
    reviewed_revision: int | None

    @property
    def changed_since_review(self) -> bool:
        return changed_since_review(self.reviewed_revision, self.revision)

    @property
    def fixed_after_return(self) -> bool:
        return fixed_after_return(self.state, self.reviewed_revision, self.revision)


_QUEUE_COLS = (
    "r.id, r.title, r.revision, r.created_at, v.id, v.state, v.reason, v.priority, "
    "v.target_revision"
)


def _queue_sql(conn: Raw, kind: str, flt: QueueFilter) -> str:
    sql = (
        f"SELECT {_QUEUE_COLS} FROM {kind} r{conn.indexed_by(f'ix_{kind}_queue')} "
        "LEFT JOIN review v ON v.office_code = :office AND v.target_id = r.id "
        "AND v.deleted = false WHERE r.office_code = :desa AND r.deleted = false"
    )
    if flt.unreviewed:
        sql += " AND v.id IS NULL"
    if flt.changed:
        sql += " AND v.id IS NOT NULL AND r.revision > v.target_revision"
    if flt.state:
        sql += " AND v.state = :state"
    return sql


def _queue_params(ctx: AppContext, desa: str, flt: QueueFilter) -> dict[str, Any]:
    params: dict[str, Any] = {"office": ctx.office.code, "desa": desa}
    if flt.state:
        params["state"] = flt.state
    return params


def _entry(kind: str, row: Any) -> QueueEntry:
    return QueueEntry(
        kind, row[0], row[1], row[2], _parse_time(row[3]), row[4], row[5], row[6], row[7], row[8]
    )


def _kinds(flt: QueueFilter) -> list[str]:
    if flt.kind is not None and flt.kind not in RECORD_TARGETS:
        raise UserError(
            _("Jenis catatan tidak dikenal: {kind}.").format(kind=flt.kind), code="review.kind"
        )
    return [k for k in KIND_ORDER if flt.kind in (None, k)]


def review_queue(ctx: AppContext, desa: str, flt: QueueFilter | None = None) -> list[QueueEntry]:
    """Every record of one village that matches, in queue order, with this office's review."""
    flt = flt or QueueFilter()
    _check_state(flt.state)
    out: list[QueueEntry] = []
    with ctx.db.session() as session:
        conn = raw(session)
        for kind in _kinds(flt):
            params = _queue_params(ctx, desa, flt)
            sql = _queue_sql(conn, kind, flt) + " ORDER BY r.created_at, r.id"
            out.extend(_entry(kind, row) for row in conn.execute(sql, params))
    return out


def queue_step(
    ctx: AppContext,
    desa: str,
    current: str | None,
    flt: QueueFilter | None = None,
    *,
    backwards: bool = False,
) -> QueueEntry | None:
    """The next (or previous) matching record after ``current`` (None: from the start or end).

    ``current`` need not match the filter any more (it was just reviewed); its place in the order
    is what counts. None when nothing matches beyond it."""
    flt = flt or QueueFilter()
    _check_state(flt.state)
    kinds = _kinds(flt)
    if backwards:
        kinds.reverse()
    op, order = ("<", "DESC") if backwards else (">", "ASC")
    with ctx.db.session() as session:
        conn = raw(session)
        position = _position(session, desa, current) if current else None
        if position is not None and position[0] not in kinds:
            position = None
        started = position is None
        for kind in kinds:
            if not started and kind != position[0]:  # type: ignore[index]
                continue
            params = _queue_params(ctx, desa, flt)
            sql = _queue_sql(conn, kind, flt)
            if not started:
                assert position is not None
                sql += f" AND (r.created_at, r.id) {op} (:at, :at_id)"
                params.update(at=position[1], at_id=position[2])
            started = True
            sql += f" ORDER BY r.created_at {order}, r.id {order} LIMIT 1"
            row = conn.execute(sql, params).fetchone()
            if row is not None:
                return _entry(kind, row)
    return None


def _position(session: Session, desa: str, record_id: str) -> tuple[str, Any, str] | None:
    """The record's kind and place in the order; the time as the engine compares it (text on
    SQLite, a timestamp on PostgreSQL)."""
    conn = raw(session)
    for kind in KIND_ORDER:
        row = conn.execute(
            f"SELECT created_at FROM {kind} WHERE id = :id AND office_code = :desa",
            {"id": record_id, "desa": desa},
        ).fetchone()
        if row is not None:
            return kind, row[0], record_id
    return None


def village_names(ctx: AppContext, codes: list[str]) -> dict[str, str]:
    with ctx.db.session() as session:
        return region_names(session, codes)
