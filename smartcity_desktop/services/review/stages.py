"""Where each village stands: received, reviewed, verified by its kecamatan, accepted or returned.

Computed from what this office holds, the same way at a kecamatan and at the kabupaten:
- the village's records (counts, and their (id, revision) digest);
- the kecamatan's reviews of those records (progress "12 dari 40"; at the kabupaten these are the
  reviews the kecamatan sent);
- the kecamatan's verification of the village (a review of kind ``desa``) and the kabupaten's
  verdict on that verification (a review of kind ``review``), taken into account only while it
  still speaks of the verification's current revision.
Nothing locks: a village whose records change after verification stays verified and is flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.domain.review import (
    ReviewState,
    TargetKind,
    VillageStage,
    village_digest,
)
from smartcity_desktop.services.review.targets import (
    KIND_ORDER,
    chunks,
    driver,
    placeholders,
    village_rows,
)


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


def village_statuses(
    session: Session, desa_codes: Sequence[str], senders: set[str]
) -> dict[str, VillageStatus]:
    """``senders``: the offices with at least one imported bundle (from the ledger)."""
    codes = list(desa_codes)
    statuses = {code: VillageStatus(code) for code in codes}
    rows = village_rows(session, codes)
    conn = driver(session)
    record_revision: dict[str, tuple[str, int]] = {}
    for code, records in rows.items():
        status = statuses[code]
        status.has_bundle = code in senders
        for kind, record_id, revision, deleted in records:
            if not deleted:
                status.counts[kind] += 1
                record_revision[record_id] = (code, revision)
    # The kecamatan's reviews of the villages' live records.
    reviewers = {code: parent_of(code) for code in codes}
    for part in chunks(list(record_revision)):
        for target_id, office, state, reviewed in conn.execute(
            "SELECT target_id, office_code, state, target_revision FROM review "
            f"WHERE deleted = 0 AND target_id IN ({placeholders(part)})",
            tuple(part),
        ):
            code, revision = record_revision[target_id]
            if office != reviewers[code]:
                continue
            status = statuses[code]
            status.reviewed += 1
            status.states[state] = status.states.get(state, 0) + 1
            if revision > (reviewed or 0):
                status.changed_since_review += 1
                if state == ReviewState.PERLU_PERBAIKAN:
                    status.fixed_after_return += 1
    verifications = _verdicts(conn, TargetKind.DESA.value, codes)
    by_review: dict[str, str] = {}
    for code in codes:
        verification = verifications.get((reviewers[code] or "", code))
        statuses[code].verification = verification
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
    for code, status in statuses.items():
        _decide_stage(status, rows[code])
    return statuses


def _verdicts(conn: Any, kind: str, target_ids: Sequence[str]) -> dict[tuple[str, str], Verdict]:
    out: dict[tuple[str, str], Verdict] = {}
    for part in chunks(list(target_ids)):
        for row in conn.execute(
            f"SELECT {_VERDICT_COLS} FROM review WHERE deleted = 0 AND target_kind = ? "
            f"AND target_id IN ({placeholders(part)})",
            (kind, *part),
        ):
            out[(row[1], row[10])] = Verdict(*row[:10])
    return out


def _decide_stage(status: VillageStatus, records: list[tuple[Any, ...]]) -> None:
    verification = status.verification
    if verification is not None:
        digest = village_digest((r[1], r[2]) for r in records)
        status.changed_after_verification = digest != verification.target_hash
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
    elif status.has_bundle or records:
        status.stage = VillageStage.DITERIMA
    else:
        status.stage = VillageStage.BELUM_KIRIM


def state_counts(statuses: Sequence[VillageStatus]) -> Counter[str]:
    total: Counter[str] = Counter()
    for status in statuses:
        total.update(status.states)
    return total
