"""What the proposal views read about each proposal: its values, its kecamatan's review, and the
problems it is linked to, aggregated in SQL (one row per proposal, never one per link).

``proposals_in_scope(ctx, scope)`` is what Peringkat usulan, Kandidat quick win and Keselarasan
read on every filter change. Every live proposal of the office's area is read once, with its
review and link aggregates, and kept until the data changes (``kept_rows``). Reading and
aggregating 80,000 proposals costs about a second of SQLite's time; selecting from them a few
tens of milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState
from smartcity_desktop.services.analysis.kept_rows import (
    MARKED_TABLES,
    Plain,
    by_desa,
    created_day,
    from_columns,
    in_scope,
    kept,
    sharing,
    to_columns,
)
from smartcity_desktop.services.analysis.scope import Scope
from smartcity_desktop.services.raw_sql import raw

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext

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
    # What a filter selects on, and the parsed beneficiaries (kept rows only).
    sub_element: str | None = None
    trust: str | None = None
    created: str = ""  # the creation date, YYYY-MM-DD
    heads: int = 0  # parse_beneficiaries(beneficiaries_text)


# A field's position in ProposalFacts: for ``operator.itemgetter``, which takes a field of every
# row at C speed where a view reads a few fields of every proposal in scope.
FIELD = {name: n for n, name in enumerate(ProposalFacts._fields)}


# The review of a proposal by its village's kecamatan: one index probe on (office_code,
# target_id). A desa code is its kecamatan's code and ".NNNN" (Permendagri 72/2019), so the
# kecamatan is the code without its last five characters (substr/length: SQLite and PostgreSQL).
KECAMATAN_REVIEW_JOIN = (
    "LEFT JOIN review v ON v.office_code = substr(r.office_code, 1, length(r.office_code) - 5) "
    "AND v.target_id = r.id AND v.deleted = false"
)


def linked_problems(
    session: Session, proposal_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """proposal id -> [(problem id, desa)] of its live linked problems."""
    out: dict[str, list[tuple[str, str]]] = {}
    order = raw(session).bytewise("p.office_code", "p.id")  # SQLite's order on any server
    for start in range(0, len(proposal_ids), _CHUNK):
        part = proposal_ids[start : start + _CHUNK]
        params = {f"i{n}": v for n, v in enumerate(part)}
        sql = (
            "SELECT l.proposal_id, p.id, p.office_code FROM proposal_link l "
            "CROSS JOIN problem p WHERE l.target_kind = 'problem' AND l.proposal_id IN "
            f"({', '.join(':' + k for k in params)}) AND p.id = l.target_id AND p.deleted = false "
            f"ORDER BY {order}"
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


# --- every proposal of the office, kept until the data changes ---------------------------------


@dataclass(frozen=True)
class KeptProposals:
    rows: tuple[ProposalFacts, ...]  # live proposals of the area
    depth: dict[str, int]  # reviewing office -> the longest priority list it gave
    by_desa: dict[str, tuple[ProposalFacts, ...]]  # the same rows per village


def kept_proposals(ctx: AppContext) -> KeptProposals:
    """Every live proposal of the office's area with its review and links (see the module)."""
    # The facts carry the kecamatan's review of each proposal. At a kabupaten those reviews only
    # arrive by import (every import changes the mark): a review the kabupaten saves itself keeps
    # the kept read. At a kecamatan its own reviews are the ones read.
    tables = ("problem", "proposal") if ctx.office.role == "kabupaten" else MARKED_TABLES
    return kept(ctx, "proposals", _read_proposals, _PLAIN, tables)


def _from_plain(data: tuple[list[list[object]], dict[str, int]]) -> KeptProposals:
    rows = from_columns(ProposalFacts, len(ProposalFacts._fields), data[0])
    return KeptProposals(rows, dict(data[1]), by_desa(rows))


# Kept between processes (``kept_rows.Plain``): the rows as one list per field (strings shared as
# read). Version 2: columns, not one tuple per row.
_PLAIN = Plain[KeptProposals](lambda k: (to_columns(k.rows), k.depth), _from_plain, version=2)


def _read_proposals(session: Session, area: str) -> KeptProposals:
    sev, sev_params = severity_weight_sql("p.severity")
    links: dict[str, tuple[int, int, int]] = {}
    # One GROUP BY over the links, walked in their key order (proposal first).
    for pid, reach, worst, n in session.execute(
        text(
            "SELECT l.proposal_id, count(DISTINCT p.office_code), "
            f"max({sev}), count(*) FROM proposal_link l CROSS JOIN problem p "
            "WHERE l.target_kind = 'problem' AND p.id = l.target_id AND p.deleted = false "
            "GROUP BY l.proposal_id"
        ),
        sev_params,
    ):
        links[pid] = (reach, worst, n)
    depth = {
        office: int(n)
        for office, n in session.execute(
            text(
                "SELECT office_code, max(priority) FROM review WHERE deleted = false "
                "AND target_kind = 'proposal' AND priority IS NOT NULL GROUP BY office_code"
            )
        )
    }
    heads: dict[str | None, int] = {}
    none = (0, 0, 0)
    share = sharing()
    rows = []
    # A range, not LIKE, so that the office_code index serves it ('/' sorts right after '.').
    for r in session.execute(
        text(
            "SELECT r.id, r.title, r.office_code, r.dimension, r.urusan, r.opd, r.beneficiaries, "
            "r.estimated_cost, r.quick_win, r.start_date, r.end_date, r.implementation, "
            "v.state, v.priority, v.office_code, r.sub_element, r.trust_level, r.created_at "
            f"FROM proposal r {KECAMATAN_REVIEW_JOIN} "
            "WHERE NOT r.deleted AND r.office_code > :lo AND r.office_code < :hi "
            # In one order on every engine: the views list record ids (drill-downs) in it.
            f"ORDER BY {raw(session).bytewise('r.office_code', 'r.id')}"
        ),
        {"lo": area + ".", "hi": area + "/"},
    ).all():
        text_ = r[6]
        count = heads.get(text_)
        if count is None:
            count = heads[text_] = parse_beneficiaries(text_)
        rows.append(
            ProposalFacts._make(
                (
                    r[0],
                    *[share(v, v) for v in r[1:15]],
                    *links.get(r[0], none),
                    share(r[15], r[15]),
                    share(r[16], r[16]),
                    share(day := created_day(r[17]), day),
                    count,
                )
            )
        )
    return KeptProposals(tuple(rows), depth, by_desa(rows))


def proposals_in_scope(
    ctx: AppContext, scope: Scope, kept: KeptProposals | None = None
) -> Sequence[ProposalFacts]:
    """The kept proposals the scope selects (``kept_rows.in_scope``)."""
    kept = kept or kept_proposals(ctx)
    return in_scope(kept.rows, kept.by_desa, scope)
