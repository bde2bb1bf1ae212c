"""What the proposal views read about each proposal: its values, its kecamatan's review, and the
problems it is linked to, aggregated in SQL (one row per proposal, never one per link)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState
from smartcity_desktop.services.analysis.scope import Scope

_CHUNK = 500
# "1.200 jiwa", "120 KK", "sekitar 45 orang": a whole number (dots group thousands) followed by
# a word, not an RT/RW number ("Warga RW 03" names a place, not a count).
_NUMBER = re.compile(
    r"(?<!\brt\s)(?<!\brw\s)(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)\s+[^\W\d_]", re.IGNORECASE
)

_BARE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")


def parse_beneficiaries(value: str | None) -> int:
    """The text as a whole number, or its first count: a whole number followed by a word
    (``1.200 jiwa`` = 1200), not after RT or RW; 0 when there is none."""
    if not value:
        return 0
    if _BARE.fullmatch(value.strip()):
        return int(value.strip().replace(".", ""))
    found = _NUMBER.search(value)
    return int(found.group(1).replace(".", "")) if found else 0


def severity_weight_sql(column: str) -> tuple[str, dict[str, int]]:
    """A CASE giving ringan 1 … sangat berat 4 (the ordered list's position), 0 when unset."""
    parts, params = [], {}
    for n, code in enumerate(ref_list("tingkat_keparahan").codes()):
        parts.append(f"WHEN :sev{n} THEN {n + 1}")
        params[f"sev{n}"] = code
    return f"CASE {column} {' '.join(parts)} ELSE 0 END", params  # type: ignore[return-value]


def severity_max() -> int:
    return len(ref_list("tingkat_keparahan").codes())


@dataclass(frozen=True)
class ProposalFacts:
    id: str
    title: str
    desa: str
    dimension: str | None
    urusan: str | None
    opd: str | None
    beneficiaries_text: str | None
    cost: int | None
    quick_win: str | None
    start_date: str | None
    end_date: str | None
    implementation: str | None
    review_state: str | None  # the kecamatan's review
    priority: int | None  # the kecamatan's priority rank (1 = first)
    reviewer: str | None
    reach: int  # villages of the live linked problems
    worst_severity: int  # 0..4
    linked: int  # live linked problems


def kecamatan_params(scope: Scope) -> tuple[str, dict[str, Any]]:
    names, params = [], {}
    for n, code in enumerate(scope.area.kecamatan):
        params[f"k{n}"] = code
        names.append(f":k{n}")
    return (", ".join(names) or "''"), params


def proposal_facts(
    session: Session, scope: Scope, extra_where: str = "", extra: dict[str, Any] | None = None
) -> Iterator[ProposalFacts]:
    """Every proposal in scope (optionally narrowed), with review and link aggregates."""
    where, params = scope.where("r")
    kec, kec_params = kecamatan_params(scope)
    params.update(kec_params)
    if extra:
        params.update(extra)
    sev, sev_params = severity_weight_sql("p.severity")
    params.update(sev_params)
    sql = (
        "SELECT r.id, r.title, r.office_code, r.dimension, r.urusan, r.opd, r.beneficiaries, "
        "r.estimated_cost, r.quick_win, r.start_date, r.end_date, r.implementation, "
        "v.state, v.priority, v.office_code, "
        "coalesce(lk.reach, 0), coalesce(lk.worst, 0), coalesce(lk.n, 0) "
        "FROM proposal r "
        "LEFT JOIN review v ON v.target_id = r.id AND v.deleted = 0 "
        f"AND v.office_code IN ({kec}) "
        "LEFT JOIN ("
        f"  SELECT l.proposal_id AS pid, count(DISTINCT p.office_code) AS reach, max({sev}) AS worst, "
        "  count(*) AS n FROM proposal_link l "
        "  JOIN problem p ON p.id = l.target_id AND p.deleted = 0 "
        "  WHERE l.target_kind = 'problem' GROUP BY l.proposal_id"
        ") lk ON lk.pid = r.id "
        f"WHERE {where}{extra_where}"
    )
    for row in session.execute(text(sql), params):
        yield ProposalFacts(*row)


def linked_problems(
    session: Session, proposal_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """proposal id -> [(problem id, desa)] of its live linked problems."""
    out: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(proposal_ids), _CHUNK):
        part = proposal_ids[start : start + _CHUNK]
        params = {f"i{n}": v for n, v in enumerate(part)}
        sql = (
            "SELECT l.proposal_id, p.id, p.office_code FROM proposal_link l "
            "JOIN problem p ON p.id = l.target_id AND p.deleted = 0 "
            "WHERE l.target_kind = 'problem' AND l.proposal_id IN "
            f"({', '.join(':' + k for k in params)}) ORDER BY p.office_code, p.id"
        )
        for proposal_id, problem_id, desa in session.execute(text(sql), params):
            out.setdefault(proposal_id, []).append((problem_id, desa))
    return out


def priority_depth(session: Session, scope: Scope) -> dict[str, int]:
    """kecamatan -> the largest priority rank it gave a live proposal review (its list's length)."""
    kec, params = kecamatan_params(scope)
    return {
        office: int(depth)
        for office, depth in session.execute(
            text(
                "SELECT office_code, max(priority) FROM review WHERE deleted = 0 "
                f"AND target_kind = 'proposal' AND priority IS NOT NULL AND office_code IN ({kec}) "
                "GROUP BY office_code"
            ),
            params,
        )
    }


REVIEW_POINTS: dict[str | None, float] = {
    ReviewState.DITERIMA.value: 1.0,
    ReviewState.DIALIHKAN.value: 0.5,
    ReviewState.PERLU_PERBAIKAN.value: 0.25,
    None: 0.0,
}
# Not ranked: a rejected proposal is out of the plan, a merged one is carried by the other record.
EXCLUDED_STATES = (ReviewState.DITOLAK.value, ReviewState.DIGABUNG.value)
