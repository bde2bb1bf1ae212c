"""What a desa sees of the reviews of its records: the "Hasil verifikasi" of each record.

The kecamatan's and the kabupaten's reviews reach the desa as rows of the ``review`` table owned
by the reviewing office (feedback bundles). One result per record is shown, chosen by the chain:
the review of the newest revision counts, and when both upper offices reviewed the same revision
the kabupaten's wins, because it decides after the kecamatan. The other review stays visible in
the tooltip and the form's banner, so nothing the desa was told is hidden.

A record revised after the review it got is "diperbaiki": not yet sent, or sent and waiting for
the reviewers to look again (its ``sent_revision`` says whether the new revision was packed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import REASON_LIST, ReviewState, state_label
from smartcity_desktop.i18n import N_, _, current_language
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.review.targets import region_names

REVIEW_RESULT = "review_result"  # the derived list column

NOT_REVIEWED = "belum"
REVISED_UNSENT = "diperbaiki_belum_dikirim"
REVISED_SENT = "diperbaiki_menunggu"

RESULT_LABELS: dict[str, str] = {
    NOT_REVIEWED: N_("belum diverifikasi"),
    ReviewState.DITERIMA.value: N_("Diterima"),
    ReviewState.PERLU_PERBAIKAN.value: N_("Perlu perbaikan"),
    ReviewState.DITOLAK.value: N_("Ditolak"),
    ReviewState.DIALIHKAN.value: N_("Dialihkan"),
    ReviewState.DIGABUNG.value: N_("Digabung"),
    REVISED_UNSENT: N_("diperbaiki, belum dikirim"),
    REVISED_SENT: N_("diperbaiki, menunggu verifikasi ulang"),
}
RESULT_CODES: tuple[str, ...] = tuple(RESULT_LABELS)

_MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def result_label(code: str) -> str:
    return _(RESULT_LABELS[code]) if code in RESULT_LABELS else code


def short_date(when: datetime) -> str:
    """ "3 Des 2026" (the review's day, as officials write it; English month names in English)."""
    months = _MONTHS_EN if current_language() == "en" else _MONTHS_ID
    return f"{when.day} {months[when.month - 1]} {when.year}"


@dataclass(frozen=True)
class ReviewNote:
    """One upper office's live review of one record, as the desa received it."""

    record_id: str
    reviewer: str  # the reviewing office's code
    reviewer_name: str  # "Kecamatan Tarumajaya", from the region list
    state: str
    reason: str | None
    comment: str | None
    target_revision: int
    reviewed_at: datetime

    @property
    def reason_label(self) -> str:
        return ref_list(REASON_LIST).label(self.reason) if self.reason else ""

    def summary(self) -> str:
        """ "Perlu perbaikan: Foto lokasi belum ada — Kecamatan Tarumajaya, 3 Des 2026"."""
        text = state_label(self.state)
        details = [part for part in (self.reason_label, (self.comment or "").strip()) if part]
        if details:
            text += ": " + "; ".join(details)
        return f"{text} — {self.reviewer_name}, {short_date(self.reviewed_at)}"


def _chain_key(note: ReviewNote) -> tuple[int, int]:
    # The newest revision reviewed first; on a tie the office higher up (shorter code) first.
    return (-note.target_revision, len(note.reviewer))


def deciding(notes: Iterable[ReviewNote]) -> ReviewNote | None:
    ordered = sorted(notes, key=_chain_key)
    return ordered[0] if ordered else None


def result_code(note: ReviewNote | None, revision: int, sent_revision: int | None) -> str:
    if note is None:
        return NOT_REVIEWED
    if revision > note.target_revision:
        return REVISED_SENT if (sent_revision or 0) >= revision else REVISED_UNSENT
    return note.state


def review_notes(
    ctx: AppContext, kind: RecordKind | None = None, record_id: str | None = None
) -> dict[str, list[ReviewNote]]:
    """Every live review of this office's records (or of one record) by an office above it, per
    record id, in chain order (kecamatan first, then kabupaten)."""
    own = ctx.office.code
    kinds = [RecordKind(kind).value] if kind is not None else [k.value for k in RecordKind]
    rows: list[Any] = []
    with ctx.db.session() as session:
        conn = raw(session)
        for table in kinds:
            sql = (
                "SELECT v.target_id, v.office_code, v.state, v.reason, v.comment, "
                f"v.target_revision, v.updated_at FROM review v JOIN {table} r "
                "ON r.id = v.target_id WHERE v.deleted = false AND v.target_kind = :kind "
                "AND r.office_code = :office"
            )
            params = {"kind": table, "office": own}
            if record_id is not None:
                sql += " AND v.target_id = :id"
                params["id"] = record_id
            rows.extend(conn.execute(sql, params).fetchall())
        names = region_names(session, {row[1] for row in rows})
    out: dict[str, list[ReviewNote]] = {}
    for row in rows:
        # Only offices above this one may review its records (importers refuse the rest too).
        if not own.startswith(row[1] + "."):
            continue
        out.setdefault(row[0], []).append(
            ReviewNote(
                record_id=row[0],
                reviewer=row[1],
                reviewer_name=names.get(row[1], row[1]),
                state=row[2],
                reason=row[3],
                comment=row[4],
                target_revision=int(row[5]),
                reviewed_at=_time(row[6]),
            )
        )
    for notes in out.values():
        notes.sort(key=lambda n: -len(n.reviewer))
    return out


def kecamatan_notes(ctx: AppContext, desa_code: str) -> dict[str, ReviewNote]:
    """At the kabupaten: the live reviews the desa's own kecamatan wrote about the desa's records
    (they came in its forward bundles), per record id, so the kabupaten decides beside them."""
    kecamatan = desa_code.rsplit(".", 1)[0]
    rows: list[Any] = []
    with ctx.db.session() as session:
        conn = raw(session)
        for table in (k.value for k in RecordKind):
            rows.extend(
                conn.execute(
                    "SELECT v.target_id, v.office_code, v.state, v.reason, v.comment, "
                    f"v.target_revision, v.updated_at FROM review v JOIN {table} r "
                    "ON r.id = v.target_id WHERE v.deleted = false AND v.target_kind = :kind "
                    "AND r.office_code = :desa AND v.office_code = :kecamatan",
                    {"kind": table, "desa": desa_code, "kecamatan": kecamatan},
                ).fetchall()
            )
        name = region_names(session, [kecamatan]).get(kecamatan, kecamatan)
    return {
        row[0]: ReviewNote(
            record_id=row[0],
            reviewer=row[1],
            reviewer_name=name,
            state=row[2],
            reason=row[3],
            comment=row[4],
            target_revision=int(row[5]),
            reviewed_at=_time(row[6]),
        )
        for row in rows
    }


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def result_codes(
    ctx: AppContext, kind: RecordKind, records: Iterable[tuple[str, str, int, int | None]]
) -> dict[str, str]:
    """The result of each (id, office_code, revision, sent_revision), for the list's column and
    filter.

    Reads only what the choice needs, in one pass over the reviews of this kind (no names, no
    dates: those are for tooltips, read per record when one is shown), so a list of 20,000
    reviewed records stays quick to load."""
    wanted = {record_id: (office, revision, sent) for record_id, office, revision, sent in records}
    table = RecordKind(kind).value
    best: dict[str, tuple[int, int, str]] = {}  # as ``deciding``: newest revision, then higher up
    with ctx.db.session() as session:
        for target, reviewer, state, revision in raw(session).execute(
            "SELECT target_id, office_code, state, target_revision FROM review "
            "WHERE deleted = false AND target_kind = :kind",
            {"kind": table},
        ):
            record = wanted.get(target)
            if record is None or not record[0].startswith(reviewer + "."):
                continue
            key = (-revision, len(reviewer), state)
            current = best.get(target)
            if current is None or key[:2] < current[:2]:
                best[target] = key
    out: dict[str, str] = {}
    for record_id, (_office, revision, sent) in wanted.items():
        chosen = best.get(record_id)
        if chosen is None:
            out[record_id] = NOT_REVIEWED
        elif revision > -chosen[0]:
            out[record_id] = REVISED_SENT if (sent or 0) >= revision else REVISED_UNSENT
        else:
            out[record_id] = chosen[2]
    return out


def result_tooltip(notes: list[ReviewNote], code: str, revision: int) -> str:
    """Every review of the record with reviewer and date, then whether it was revised since
    (``code`` is the record's result, as in the list's column)."""
    if not notes:
        return _("Belum ada hasil verifikasi dari kecamatan atau kabupaten.")
    lines = [note.summary() for note in notes]
    if code in (REVISED_UNSENT, REVISED_SENT):
        lines.append(revised_hint(code, revision))
    return "\n".join(lines)


def revised_hint(code: str, revision: int) -> str:
    if code == REVISED_UNSENT:
        return _(
            "Sudah diperbaiki (revisi {n}) setelah direviu, tetapi belum dikirim: kirim lewat "
            "Kirim Data."
        ).format(n=revision)
    return _("Sudah diperbaiki (revisi {n}) dan dikirim; menunggu verifikasi ulang.").format(
        n=revision
    )


@dataclass(frozen=True)
class ReviewBanner:
    """What the form shows above a reviewed record."""

    code: str  # the record's result (see ``RESULT_LABELS``)
    lines: tuple[str, ...]

    @property
    def needs_repair(self) -> bool:
        return self.code == ReviewState.PERLU_PERBAIKAN.value

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def review_banner(
    ctx: AppContext, kind: RecordKind, record_id: str, revision: int, sent_revision: int | None
) -> ReviewBanner | None:
    """None for a record nobody above has reviewed (or for another office's record)."""
    notes = review_notes(ctx, kind, record_id).get(record_id, [])
    chosen = deciding(notes)
    if chosen is None:
        return None
    code = result_code(chosen, revision, sent_revision)
    lines = [chosen.summary()]
    lines.extend(note.summary() for note in notes if note is not chosen)
    if code == ReviewState.PERLU_PERBAIKAN.value:
        lines.append(
            _(
                "Perbaiki isian lalu simpan: perubahan yang disimpan menjadi revisi baru, yang "
                "dikirim lagi lewat Kirim Data untuk diverifikasi ulang."
            )
        )
    elif code in (REVISED_UNSENT, REVISED_SENT):
        lines.append(revised_hint(code, revision))
    return ReviewBanner(code, tuple(lines))
