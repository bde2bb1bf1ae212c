"""Peringkat usulan: proposals ranked by a weighted sum of seven parts, each shown on its row.

Each part is brought to 0..1 first, so that the weights alone say how much it counts:

- jangkauan: villages of the live problems the proposal is linked to ÷ the most any ranked
  proposal reaches;
- keparahan: the worst linked problem (ringan 1 … sangat berat 4) ÷ 4;
- penerima manfaat: the first whole number in the free-text field (``1.200 jiwa`` = 1200; no
  number = 0) ÷ the most of any ranked proposal;
- biaya per penerima: the cheapest cost per beneficiary among ranked proposals ÷ this one's
  (twice as dear per head = half the points); unknown cost or beneficiaries = 0;
- prioritas kecamatan: (n − p + 1) ÷ n for priority p, n the longest priority list that kecamatan
  gave; no priority = 0;
- status reviu: diterima 1, dialihkan 0.5, perlu perbaikan 0.25, not reviewed 0; ditolak and
  digabung proposals are not ranked (and counted in the notes);
- quick win: tinggi 1, sedang 0.5, rendah or unset 0.

Score = 100 × Σ weight × part ÷ Σ weights. Equal scores (to two decimals) share a rank.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import state_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.proposal_facts import (
    EXCLUDED_STATES,
    FIELD,
    REVIEW_POINTS,
    ProposalFacts,
    kept_proposals,
    linked_problems,
    proposals_in_scope,
    severity_max,
)
from smartcity_desktop.services.analysis.registry import Tick
from smartcity_desktop.services.analysis.result import (
    Chart,
    Column,
    ColumnType,
    Drill,
    Row,
    Series,
    Table,
    ViewResult,
    bar_label,
)
from smartcity_desktop.services.analysis.scope import Scope, resolve
from smartcity_desktop.services.analysis.view_settings import (
    WEIGHTS,
    describe_weights,
    ranking_weights,
    weight_label,
)
from smartcity_desktop.services.context import AppContext

NAME = "peringkat-usulan"
ROW_LIMIT = 500  # rows listed; every proposal is scored
CHART_ROWS = 8  # the chart names each bar; more do not fit the page's chart height


@dataclass(frozen=True)
class Scored:
    facts: ProposalFacts
    beneficiaries: int
    cost_per_head: float | None
    parts: dict[str, float]  # 0..1 per weight key
    points: dict[str, float]  # weight share × part × 100; they add up to the score
    score: float


def quick_win_points() -> dict[str | None, float]:
    codes = ref_list("quick_win").codes()
    last = max(len(codes) - 1, 1)
    return {code: (last - n) / last for n, code in enumerate(codes)}


def ranked(
    ctx: AppContext, scope: Scope, weights: dict[str, float], limit: int
) -> tuple[list[Scored], int, int]:
    """The best ``limit`` proposals with their parts and points, how many were ranked and how
    many were left out (ditolak, digabung). Scored from the office's kept proposals
    (``proposal_facts.proposals_in_scope``): a filter change reads no proposal again."""
    kept = kept_proposals(ctx)
    facts = proposals_in_scope(ctx, scope, kept)
    depth_of = kept.depth
    excluded_states = set(EXCLUDED_STATES)
    state_at = FIELD["review_state"]
    candidates = [f for f in facts if f[state_at] not in excluded_states]
    excluded = len(facts) - len(candidates)
    total = sum(weights.values())
    w = {k: 100 * weights[k] / total for k in WEIGHTS}
    sev_max = float(severity_max())
    qw = quick_win_points()
    # The fields the score reads as columns (a pass at C speed each): each part below is then
    # one comprehension over the columns it reads, not a Python loop over 22-field rows.
    (costs, quick, state, priority, reviewer, reach, worst, heads) = (
        list(map(itemgetter(FIELD[name]), candidates))
        for name in (
            "cost",
            "quick_win",
            "review_state",
            "priority",
            "reviewer",
            "reach",
            "worst_severity",
            "heads",
        )
    )
    cph_of = [
        c * 1.0 / h if c is not None and h > 0 else None for c, h in zip(costs, heads, strict=True)
    ]
    max_reach = max(reach, default=0)
    max_heads = max(heads, default=0)
    cheapest = min((c for c in cph_of if c is not None and c > 0), default=None)
    w_reach, w_sev, w_heads = w["jangkauan"], w["keparahan"], w["penerima"]
    w_cost, w_prio, w_review, w_qw = (
        w["biaya_per_penerima"],
        w["prioritas"],
        w["reviu"],
        w["quick_win"],
    )

    def parts_of(f: ProposalFacts, cph: float | None) -> dict[str, float]:
        depth = depth_of.get(f.reviewer or "", 0)
        priority = f.priority
        return {
            "jangkauan": f.reach / max_reach if max_reach else 0.0,
            "keparahan": f.worst_severity / sev_max,
            "penerima": f.heads / max_heads if max_heads else 0.0,
            "biaya_per_penerima": 0.0
            if cph is None
            else 1.0
            if cph == 0
            else (cheapest or 0.0) / cph,
            "prioritas": (depth - priority + 1) / depth
            if priority is not None and priority >= 1 and depth >= priority
            else 0.0,
            "reviu": REVIEW_POINTS.get(f.review_state, 0.0),
            "quick_win": qw.get(f.quick_win, 0.0),
        }

    # The score as one sum, term by term in the order of the weights (the points shown add up
    # to it, and each score is the same float as a row-by-row loop would make): one
    # comprehension per term over the columns, written out rather than through parts_of (it
    # runs for every proposal in scope). A term a row does not get is not added at all.
    review_points, qw_get, depth_get = REVIEW_POINTS.get, qw.get, depth_of.get
    cheap = cheapest or 0.0
    scores = [w_reach * r / max_reach for r in reach] if max_reach > 0 else [0.0] * len(reach)
    scores = [s + w_sev * x / sev_max for s, x in zip(scores, worst, strict=True)]
    if max_heads > 0:
        scores = [s + w_heads * h / max_heads for s, h in zip(scores, heads, strict=True)]
    scores = [
        s if c is None else s + w_cost if c == 0 else s + w_cost * cheap / c
        for s, c in zip(scores, cph_of, strict=True)
    ]
    scores = [
        s + w_prio * (d - p + 1) / d
        if p is not None and p >= 1 and (d := depth_get(r or "", 0)) >= p
        else s
        for s, p, r in zip(scores, priority, reviewer, strict=True)
    ]
    scores = [
        s + w_review * x
        for s, x in zip(scores, map(review_points, state, repeat(0.0)), strict=True)
    ]
    scores = [s + w_qw * x for s, x in zip(scores, map(qw_get, quick, repeat(0.0)), strict=True)]
    order: Sequence[int] = range(len(candidates))
    if len(candidates) > limit:
        # Only the rows that can be listed are sorted: those at or above the limit-th score,
        # rounded. Rounding never reverses an order, so that score is the limit-th largest one
        # rounded; only the scores near it (rounding moves a score by at most 0.005) are rounded
        # to tell (a round() of every score cost 30 ms over 80,000 proposals).
        cut = round(heapq.nlargest(limit, scores)[-1], 2)
        near = cut - 0.01
        order = [n for n, score in enumerate(scores) if score >= near]
        rounded = {n: round(scores[n], 2) for n in order}
        order = [n for n in order if rounded[n] >= cut]
    else:
        rounded = {n: round(scores[n], 2) for n in order}
    best = sorted(
        order,
        key=lambda n: (-rounded[n], candidates[n].desa, candidates[n].title, candidates[n].id),
    )[:limit]
    out = []
    for n in best:
        f, cph = candidates[n], cph_of[n]
        parts = parts_of(f, cph)
        points = {k: w[k] * parts[k] for k in WEIGHTS}
        out.append(Scored(f, f.heads, cph, parts, points, scores[n]))
    return out, len(candidates), excluded


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    weights = ranking_weights(ctx)
    shown, ranked_count, excluded = ranked(ctx, scope, weights, ROW_LIMIT)
    with ctx.db.session() as session:
        links = linked_problems(session, [s.facts.id for s in shown])
    if tick is not None:
        tick(1, 1)
    severity = ref_list("tingkat_keparahan")
    quick_win = ref_list("quick_win")
    ranks: list[int] = []
    for n, s in enumerate(shown):
        same = n > 0 and round(s.score, 2) == round(shown[n - 1].score, 2)
        ranks.append(ranks[-1] if same else n + 1)

    def kecamatan_of(desa: str) -> str:
        return area.names.get(area.desa_kecamatan.get(desa, ""), "")

    rank_rows, point_rows = [], []
    for rank, s in zip(ranks, shown, strict=True):
        f = s.facts
        linked = links.get(f.id, [])
        problem_ids = tuple(pid for pid, _desa in linked)
        row_drill = Drill(("proposal", "problem"), ids=(f.id, *problem_ids))
        drills = {"": row_drill, "usulan": Drill(("proposal",), ids=(f.id,))}
        if problem_ids:
            drills["jangkauan"] = drills["keparahan"] = Drill(("problem",), ids=problem_ids)
        worst = severity.codes()[f.worst_severity - 1] if f.worst_severity else None
        rank_rows.append(
            Row(
                (
                    rank,
                    f.title,
                    area.names.get(f.desa, f.desa),
                    kecamatan_of(f.desa),
                    round(s.score, 2),
                    f.reach,
                    len({area.desa_kecamatan.get(d, d) for _p, d in linked}),
                    severity.label(worst) if worst else "",
                    s.beneficiaries,
                    f.cost,
                    round(s.cost_per_head) if s.cost_per_head is not None else None,
                    f.priority,
                    state_label(f.review_state) or _("belum direviu"),
                    quick_win.label(f.quick_win) if f.quick_win else "",
                ),
                drills,
            )
        )
        point_rows.append(
            Row(
                (
                    rank,
                    f.title,
                    *(round(s.points[k], 2) for k in WEIGHTS),
                    round(s.score, 2),
                ),
                {"": row_drill},
            )
        )
    columns = (
        Column("peringkat", _("Peringkat"), ColumnType.INT),
        Column("usulan", _("Usulan")),
        Column("desa", _("Desa/kelurahan")),
        Column("kecamatan", _("Kecamatan")),
        Column("skor", _("Skor (0–100)"), ColumnType.FLOAT, heat=True),
        Column("jangkauan", _("Desa terjangkau"), ColumnType.INT),
        Column("kecamatan_terjangkau", _("Kecamatan terjangkau"), ColumnType.INT),
        Column("keparahan", _("Keparahan terberat")),
        Column("penerima", _("Penerima manfaat"), ColumnType.INT),
        Column("biaya", _("Perkiraan biaya"), ColumnType.MONEY),
        Column("biaya_per_penerima", _("Biaya per penerima"), ColumnType.MONEY),
        Column("prioritas", _("Prioritas kecamatan"), ColumnType.INT),
        Column("reviu", _("Status reviu kecamatan")),
        Column("quick_win", _("Quick win")),
    )
    point_columns = (
        Column("peringkat", _("Peringkat"), ColumnType.INT),
        Column("usulan", _("Usulan")),
        *(Column(k, weight_label(k), ColumnType.FLOAT) for k in WEIGHTS),
        Column("skor", _("Skor"), ColumnType.FLOAT, heat=True),
    )
    top = shown[:CHART_ROWS]
    chart = (
        Chart(
            _("Usulan teratas: sumbangan tiap bagian pada skor"),
            # Numbered: a chart axis merges equal names, and two villages often propose alike.
            tuple(bar_label(n, s.facts.title) for n, s in enumerate(top, 1)),
            tuple(
                Series(weight_label(k), tuple(round(s.points[k], 2) for s in top)) for k in WEIGHTS
            ),
            stacked=True,
            horizontal=True,
            value_label=_("poin"),
        )
        if top
        else None
    )
    listed_note = (
        _("{shown} teratas dari {total} usulan yang dinilai.").format(
            shown=len(shown), total=ranked_count
        )
        if ranked_count > len(shown)
        else ""
    )
    tables = (
        Table(
            "peringkat", _("Peringkat usulan"), columns, tuple(rank_rows), None, chart, listed_note
        ),
        Table(
            "rincian-skor",
            _("Rincian skor: poin dari tiap bagian"),
            point_columns,
            tuple(point_rows),
            note=_("Poin = 100 × bobot × nilai bagian (0–1) ÷ jumlah bobot; jumlahnya = skor."),
        ),
    )
    notes = (
        (_("Bobot"), describe_weights(weights)),
        (
            _("Nilai bagian (0–1)"),
            _(
                "jangkauan = desa dengan masalah terkait ÷ jangkauan terbesar; keparahan = "
                "masalah terkait terberat (ringan 1 … sangat berat 4) ÷ 4; penerima = angka "
                "pertama pada isian sasaran penerima manfaat ÷ terbesar (tanpa angka = 0); biaya "
                "per penerima = termurah ÷ usulan ini (tidak diketahui = 0); prioritas = (n − p + "
                "1) ÷ n, p peringkat dari kecamatan dan n peringkat terbesar yang diberikan "
                "kecamatan itu; quick win: tinggi 1, sedang 0,5, rendah atau kosong 0"
            ),
        ),
        (
            _("Status reviu"),
            _(
                "diterima 1; dialihkan 0,5; perlu perbaikan 0,25; belum direviu 0; usulan "
                "ditolak atau digabung tidak diberi peringkat"
            ),
        ),
        (_("Tidak diberi peringkat (ditolak/digabung)"), str(excluded)),
        (
            _("Skor"),
            _(
                "100 × Σ (bobot × nilai bagian) ÷ Σ bobot; skor sama (dua desimal) berbagi "
                "peringkat"
            ),
        ),
    )
    computed = ctx.clock()
    return ViewResult(
        NAME,
        _("Peringkat usulan"),
        ctx.office.code,
        flt,
        area.names,
        tables,
        notes,
        computed_at=computed if isinstance(computed, dt.datetime) else None,
        cut_off=data_cut_off(ctx),
    )
