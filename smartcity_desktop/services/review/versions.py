"""Two people saving the same review: the later save is refused instead of silently winning.

Every save names the revision of this office's review it started from (0: there was none); the
review's own revision counts every change. A save whose starting revision is no longer the stored
one is refused with who changed it and when, and writes nothing. The check runs after
``storage.write_locks.take_turn``, and the ORM's version check on the revision (storage/models.py)
catches anything that still slips between the check and the write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Review


class ReviewChanged(UserError):
    """Someone else saved this office's review of the record after it was loaded here."""

    code = "review.changed_elsewhere"

    def __init__(self, message: str, record_ids: Sequence[str]) -> None:
        super().__init__(message)
        self.record_ids = list(record_ids)


def review_lock_name(office_code: str) -> str:
    return f"smartcity:review:{office_code}"


def review_versions(ctx: AppContext, record_ids: Sequence[str]) -> dict[str, int]:
    """This office's review revision of each record as stored now (0 when never reviewed); what
    a form remembers when it loads, and hands back when it saves."""
    ids = list(dict.fromkeys(record_ids))
    out = dict.fromkeys(ids, 0)
    with ctx.db.session() as session:
        for start in range(0, len(ids), 900):
            for target_id, revision in session.execute(
                select(Review.target_id, Review.revision).where(
                    Review.office_code == ctx.office.code,
                    Review.target_id.in_(ids[start : start + 900]),
                )
            ):
                out[target_id] = revision
    return out


def check_versions(
    ctx: AppContext,
    stored: Mapping[str, Review],
    expected: Mapping[str, int] | None,
    *,
    selected: int = 1,
) -> None:
    """Refuse when any record's stored review is not at the revision the caller started from."""
    if expected is None:
        return
    # A record without a stored review has nothing that could be overwritten.
    changed = [
        stored[i]
        for i, revision in expected.items()
        if i in stored and stored[i].revision != revision
    ]
    if changed:
        raise changed_error(ctx, changed, selected=selected)


def changed_error(ctx: AppContext, rows: Sequence[Review], *, selected: int = 1) -> ReviewChanged:
    latest = max(rows, key=lambda r: r.updated_at)
    who = latest.changed_by or latest.author
    when = _clock_text(latest.updated_at, ctx.clock())
    ids = [r.target_id for r in rows]
    if selected == 1:
        message = _(
            "Reviu catatan ini sudah diubah oleh {who} pukul {time}, setelah Anda membukanya. "
            "Tidak ada yang ditimpa. Muat ulang untuk melihat reviu terbaru, bandingkan dengan "
            "isian Anda, lalu simpan lagi bila masih perlu."
        ).format(who=who, time=when)
    else:
        message = _(
            "Reviu {n} dari {total} catatan terpilih sudah diubah oleh {who} pukul {time}, "
            "setelah daftar dimuat. Tidak ada yang disimpan. Muat ulang daftar, bandingkan, lalu "
            "simpan lagi bila masih perlu."
        ).format(n=len(rows), total=selected, who=who, time=when)
    return ReviewChanged(message, ids)


def changed_meanwhile(ctx: AppContext, record_ids: Sequence[str]) -> ReviewChanged:
    """The refusal for a save that lost a race the version check saw only at the write."""
    with ctx.db.session() as session:
        rows = _stored(session, ctx.office.code, record_ids)
    if not rows:  # the other save was rolled back after all: nothing to name
        return ReviewChanged(
            _(
                "Reviu catatan ini sedang disimpan dari komputer lain. Tidak ada yang ditimpa. "
                "Muat ulang, bandingkan, lalu simpan lagi bila masih perlu."
            ),
            list(record_ids),
        )
    return changed_error(ctx, rows, selected=len(list(record_ids)))


def _stored(session: Session, office: str, record_ids: Sequence[str]) -> list[Review]:
    return list(
        session.scalars(
            select(Review).where(Review.office_code == office, Review.target_id.in_(record_ids))
        )
    )


def _clock_text(at: datetime, now: datetime) -> str:
    """Local time as Indonesians write it (14.05), with the date when it was not today."""
    local = at.replace(tzinfo=UTC).astimezone()
    today = now.replace(tzinfo=UTC).astimezone().date()
    clock = f"{local:%H.%M}"
    if local.date() == today:
        return clock
    return _("{clock} tanggal {date}").format(clock=clock, date=f"{local:%d-%m-%Y}")
