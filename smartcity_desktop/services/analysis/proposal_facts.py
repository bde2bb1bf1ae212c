"""What the proposal views read about each proposal: its values, its kecamatan's review, and the
problems it is linked to, aggregated in SQL (one row per proposal, never one per link)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

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


class ProposalFacts(NamedTuple):
    # A named tuple, not a dataclass: a regency has tens of thousands of proposals and these are
    # made once per proposal on every filter change.
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


# The review of a proposal by its village's kecamatan: one index probe on (office_code,
# target_id). A desa code is its kecamatan's code and ".NNNN" (Permendagri 72/2019), so the
# kecamatan is the code without its last five characters (substr/length: SQLite and PostgreSQL).
KECAMATAN_REVIEW_JOIN = (
    "LEFT JOIN review v ON v.office_code = substr(r.office_code, 1, length(r.office_code) - 5) "
    "AND v.target_id = r.id AND v.deleted = 0"
)


def kecamatan_params(scope: Scope) -> tuple[str, dict[str, Any]]:
    names, params = [], {}
    for n, code in enumerate(scope.area.kecamatan):
        params[f"k{n}"] = code
        names.append(f":k{n}")
    return (", ".join(names) or "''"), params


def proposal_facts(
    session: Session, scope: Scope, extra_where: str = "", extra: dict[str, Any] | None = None
) -> list[ProposalFacts]:
    """Every proposal in scope (optionally narrowed), with its review and link aggregates."""
    where, params = scope.where("r")
    if extra:
        params.update(extra)
    sql = (
        "SELECT r.id, r.title, r.office_code, r.dimension, r.urusan, r.opd, r.beneficiaries, "
        "r.estimated_cost, r.quick_win, r.start_date, r.end_date, r.implementation, "
        "v.state, v.priority, v.office_code FROM proposal r "
        f"{KECAMATAN_REVIEW_JOIN} WHERE {where}{extra_where}"
    )
    rows = list(session.connection().execute(text(sql), params))
    # The links of exactly these proposals, by primary key: a condition on the review inside
    # the aggregate lets SQLite walk a kecamatan's reviews once per proposal.
    sev, sev_params = severity_weight_sql("p.severity")
    links: dict[str, tuple[int, int, int]] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        part = {f"i{n}": v for n, v in enumerate(ids[start : start + _CHUNK])}
        for pid, reach, worst, n in session.execute(
            text(
                "SELECT l.proposal_id, count(DISTINCT p.office_code), "
                f"max({sev}), count(*) FROM proposal_link l CROSS JOIN problem p "
                f"WHERE l.proposal_id IN ({', '.join(':' + k for k in part)}) "
                "AND l.target_kind = 'problem' AND p.id = l.target_id AND p.deleted = 0 "
                "GROUP BY l.proposal_id"
            ),
            {**part, **sev_params},
        ):
            links[pid] = (reach, worst, n)
    none = (0, 0, 0)
    make = ProposalFacts._make
    return [make((*row, *links.get(row[0], none))) for row in rows]


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
            "CROSS JOIN problem p WHERE l.target_kind = 'problem' AND l.proposal_id IN "
            f"({', '.join(':' + k for k in params)}) AND p.id = l.target_id AND p.deleted = 0 "
            "ORDER BY p.office_code, p.id"
        )
        for proposal_id, problem_id, desa in session.execute(text(sql), params):
            out.setdefault(proposal_id, []).append((problem_id, desa))
    return out


REVIEW_POINTS: dict[str | None, float] = {
    ReviewState.DITERIMA.value: 1.0,
    ReviewState.DIALIHKAN.value: 0.5,
    ReviewState.PERLU_PERBAIKAN.value: 0.25,
    None: 0.0,
}
# Not ranked: a rejected proposal is out of the plan, a merged one is carried by the other record.
EXCLUDED_STATES = (ReviewState.DITOLAK.value, ReviewState.DIGABUNG.value)
