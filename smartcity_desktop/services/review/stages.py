"""Where each village stands: received, reviewed, verified by its kecamatan, accepted or returned.

Computed from what this office holds, the same way at a kecamatan and at the kabupaten:
- the village's records (counts, and their (id, revision) digest);
- the kecamatan's reviews of those records (progress "12 dari 40"; at the kabupaten these are the
  reviews the kecamatan sent);
- the kecamatan's verification of the village (a review of kind ``desa``) and the kabupaten's
  verdict on that verification (a review of kind ``review``), taken into account only while it
  still speaks of the verification's current revision.
Nothing locks: a village whose records change after verification stays verified and is flagged.

The part read from the records and the kecamatan's reviews of them (a whole regency: 200,000
records and as many reviews) can be kept between calls (``cache``: a file in the office's data
folder, also held in memory, so that a new ``smartcity completeness`` process finds it too). At an
office above the village those rows change only through an import, which adds a ledger row of the
village or of its kecamatan, or through the office's own reviews; a village's kept part is used
only while those, and its row counts (read from the indexes alone), are as they were. The
verifications and verdicts (a few hundred rows) are read every time. The file is a cache: when it
is missing, unreadable or stale, the part is read from the tables again.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.domain.review import (
    ReviewState,
    TargetKind,
    VillageStage,
    village_digest,
)
from smartcity_desktop.services.raw_sql import Raw, raw, time_text
from smartcity_desktop.services.review.targets import KIND_ORDER, village_rows


@dataclass(frozen=True)
class Verdict:
    review_id: str
    office_code: str
    revision: int
    content_hash: str
    state: str
    reason: str | None
    comment: str | None
    target_revision: int | None
    target_hash: str | None
    updated_at: str


@dataclass
class VillageStatus:
    code: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_ORDER, 0))
    reviewed: int = 0  # live records the kecamatan reviewed at any revision
    changed_since_review: int = 0  # of those, how many have a newer revision now
    fixed_after_return: int = 0
    states: dict[str, int] = field(default_factory=dict)
    stage: VillageStage = VillageStage.BELUM_KIRIM
    changed_after_verification: bool = False
    verification: Verdict | None = None
    kabupaten_verdict: Verdict | None = None
    has_bundle: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "total": self.total,
            "reviewed": self.reviewed,
            "changed_since_review": self.changed_since_review,
            "fixed_after_return": self.fixed_after_return,
            "states": dict(self.states),
            "stage": self.stage.value,
            "changed_after_verification": self.changed_after_verification,
            "verification": _verdict_dict(self.verification),
            "kabupaten_verdict": _verdict_dict(self.kabupaten_verdict),
        }


def _verdict_dict(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return {
        "office": verdict.office_code,
        "state": verdict.state,
        "reason": verdict.reason,
        "comment": verdict.comment,
        "revision": verdict.revision,
        "at": verdict.updated_at,
    }


_VERDICT_COLS = (
    "id, office_code, revision, content_hash, state, reason, comment, target_revision, "
    "target_hash, updated_at, target_id"
)


@dataclass(frozen=True)
class _RecordPart:
    """What a village's records and its kecamatan's reviews of them give (the costly part)."""

    counts: dict[str, int]
    reviewed: int
    changed_since_review: int
    fixed_after_return: int
    states: dict[str, int]
    has_rows: bool  # records or tombstones received
    digest: str | None  # village_digest of its rows; None when not computed (no verification)


# cache file -> village code -> (what the part was read under, the part)
_KEPT: dict[str, dict[str, tuple[Any, _RecordPart]]] = {}
_KEPT_LOCK = threading.Lock()
_CACHE_VERSION = 1


def cache_file(data_root: Path) -> Path:
    """The ``cache`` file of an office's data folder (the completeness page and the analysis
    views' stage filter share it)."""
    return data_root / "cache" / "kelengkapan.json"


def village_statuses(
    session: Session,
    desa_codes: Sequence[str],
    senders: set[str],
    *,
    cache: Path | None = None,
) -> dict[str, VillageStatus]:
    """``senders``: the offices with at least one imported bundle (from the ledger).
    ``cache`` keeps the costly part between calls (see above)."""
    codes = list(desa_codes)
    statuses = {code: VillageStatus(code) for code in codes}
    conn = raw(session)
    reviewers = {code: parent_of(code) for code in codes}
    verifications = _verdicts(conn, TargetKind.DESA.value, codes)
    by_review: dict[str, str] = {}
    for code in codes:
        verification = verifications.get((reviewers[code] or "", code))
        statuses[code].verification = verification
        statuses[code].has_bundle = code in senders
        if verification is not None:
            by_review[verification.review_id] = code
    for (office, review_id), verdict in _verdicts(
        conn, TargetKind.REVIEW.value, list(by_review)
    ).items():
        code = by_review[review_id]
        verification = statuses[code].verification
        assert verification is not None
        # A verdict on an older revision of the verification no longer applies.
        if (
            level_of_code(office) == "kabupaten_kota"
            and verdict.target_revision == verification.revision
        ):
            statuses[code].kabupaten_verdict = verdict

    need_digest = {code for code in codes if statuses[code].verification is not None}
    keys = _part_keys(session, codes, reviewers) if cache is not None else {}
    kept = _load_kept(cache) if cache is not None else {}
    parts: dict[str, _RecordPart] = {}
    missing = []
    for code in codes:
        found = kept.get(code)
        if (
            found is not None
            and found[0] == keys.get(code)
            and (found[1].digest is not None or code not in need_digest)
        ):
            parts[code] = found[1]
        else:
            missing.append(code)
    if missing:
        read = _record_parts(session, missing, reviewers, need_digest)
        parts.update(read)
        if cache is not None:
            _store_kept(cache, {code: (keys[code], part) for code, part in read.items()})
    for code, status in statuses.items():
        part = parts[code]
        status.counts = dict(part.counts)
        status.reviewed = part.reviewed
        status.changed_since_review = part.changed_since_review
        status.fixed_after_return = part.fixed_after_return
        status.states = dict(part.states)
        _decide_stage(status, part)
    return statuses


def _load_kept(cache: Path) -> dict[str, tuple[Any, _RecordPart]]:
    with _KEPT_LOCK:
        kept = _KEPT.get(str(cache))
        if kept is not None:
            return dict(kept)
        kept = {}
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("version") == _CACHE_VERSION:
                for code, (key, part) in data["villages"].items():
                    kept[code] = (key, _RecordPart(**part))
        _KEPT[str(cache)] = kept
        return dict(kept)


def _store_kept(cache: Path, read: dict[str, tuple[Any, _RecordPart]]) -> None:
    with _KEPT_LOCK:
        kept = _KEPT.setdefault(str(cache), {})
        kept.update(read)
        data = {
            "version": _CACHE_VERSION,
            "villages": {code: [key, asdict(part)] for code, (key, part) in kept.items()},
        }
        # A cache: no fsync; a crash leaves the old file, or a .partial that cleanup removes.
        partial = cache.with_name(f".{cache.name}.{secrets.token_hex(4)}.partial")
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(partial, cache)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _part_keys(
    session: Session, codes: Sequence[str], reviewers: dict[str, str | None]
) -> dict[str, tuple[Any, ...]]:
    """For each village, what its kept part depends on, from small tables and indexes only."""
    conn = raw(session)
    identity = conn.execute("SELECT code FROM office_identity WHERE id = 1").fetchone()
    own = identity[0] if identity else None
    ledger = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT sender_office, count(*), max(sequence), max(imported_at) "
            "FROM bundle_ledger GROUP BY sender_office"
        )
    }
    wanted = list(codes) + sorted({r for r in reviewers.values() if r})
    rows: dict[tuple[str, str], int] = {}
    for kind in (*KIND_ORDER, "review"):
        for part in conn.chunks(wanted):
            where, binds = conn.among("office_code", "office", part)
            # Index only (office_code): no record is read.
            for office, count in conn.execute(
                f"SELECT office_code, count(*) FROM {kind} WHERE {where} GROUP BY office_code",
                binds,
            ):
                rows[(kind, office)] = count
    own_reviews: tuple[Any, ...] = ()
    if own in set(reviewers.values()):
        # This office reviews these villages itself: its reviews change without an import.
        own_reviews = tuple(
            conn.execute(
                "SELECT count(*), max(updated_at), coalesce(sum(revision), 0) FROM review "
                "WHERE office_code = :office",
                {"office": own},
            ).fetchone()
        )
    keys = {}
    for code in codes:
        reviewer = reviewers[code] or ""
        keys[code] = (
            ledger.get(code),
            ledger.get(reviewer),
            tuple(rows.get((kind, code), 0) for kind in KIND_ORDER),
            rows.get(("review", reviewer), 0),
            own_reviews if reviewer == own else (),
        )
    # As the cache file gives them back (tuples become lists), so that both compare alike.
    normalised: dict[str, Any] = json.loads(json.dumps(keys, default=time_text))
    return normalised


def _record_parts(
    session: Session,
    codes: Sequence[str],
    reviewers: dict[str, str | None],
    need_digest: set[str],
) -> dict[str, _RecordPart]:
    rows = village_rows(session, codes)
    conn = raw(session)
    counts = {code: dict.fromkeys(KIND_ORDER, 0) for code in codes}
    reviewed = dict.fromkeys(codes, 0)
    changed = dict.fromkeys(codes, 0)
    fixed = dict.fromkeys(codes, 0)
    states: dict[str, dict[str, int]] = {code: {} for code in codes}
    record_revision: dict[str, tuple[str, int]] = {}
    for code, records in rows.items():
        for kind, record_id, revision, deleted in records:
            if not deleted:
                counts[code][kind] += 1
                record_revision[record_id] = (code, revision)
    # The kecamatan's reviews of the villages' live records: each reviewer's reviews read by
    # office (an index range), far cheaper than looking 200,000 targets up one by one.
    for office in sorted({r for code in codes if (r := reviewers[code]) is not None}):
        for target_id, state, target_revision in conn.execute(
            "SELECT target_id, state, target_revision FROM review "
            "WHERE office_code = :office AND deleted = false",
            {"office": office},
        ):
            found = record_revision.get(target_id)
            if found is None:
                continue
            code, revision = found
            if office != reviewers[code]:
                continue
            reviewed[code] += 1
            states[code][state] = states[code].get(state, 0) + 1
            if revision > (target_revision or 0):
                changed[code] += 1
                if state == ReviewState.PERLU_PERBAIKAN:
                    fixed[code] += 1
    return {
        code: _RecordPart(
            counts[code],
            reviewed[code],
            changed[code],
            fixed[code],
            states[code],
            bool(rows[code]),
            village_digest((r[1], r[2]) for r in rows[code]) if code in need_digest else None,
        )
        for code in codes
    }


def _verdicts(conn: Raw, kind: str, target_ids: Sequence[str]) -> dict[tuple[str, str], Verdict]:
    out: dict[tuple[str, str], Verdict] = {}
    for part in conn.chunks(list(target_ids)):
        where, binds = conn.among("target_id", "target", part)
        for row in conn.execute(
            f"SELECT {_VERDICT_COLS} FROM review WHERE deleted = false AND target_kind = :kind "
            f"AND {where}",
            {"kind": kind, **binds},
        ):
            out[(row[1], row[10])] = Verdict(*[*row[:9], time_text(row[9])])
    return out


def _decide_stage(status: VillageStatus, part: _RecordPart) -> None:
    verification = status.verification
    if verification is not None:
        status.changed_after_verification = part.digest != verification.target_hash
    kab = status.kabupaten_verdict
    if kab is not None:
        status.stage = (
            VillageStage.DITERIMA_KABUPATEN
            if kab.state == ReviewState.DITERIMA
            else VillageStage.DIKEMBALIKAN
        )
    elif verification is not None:
        status.stage = (
            VillageStage.DIVERIFIKASI_KECAMATAN
            if verification.state == ReviewState.DITERIMA
            else VillageStage.DIKEMBALIKAN
        )
    elif status.has_bundle or part.has_rows:
        status.stage = VillageStage.DITERIMA
    else:
        status.stage = VillageStage.BELUM_KIRIM


def state_counts(statuses: Sequence[VillageStatus]) -> Counter[str]:
    total: Counter[str] = Counter()
    for status in statuses:
        total.update(status.states)
    return total
