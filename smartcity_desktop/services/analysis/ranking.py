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
from dataclasses import dataclass

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import state_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.proposal_facts import (
    EXCLUDED_STATES,
    REVIEW_POINTS,
    ProposalFacts,
    linked_problems,
    parse_beneficiaries,
    priority_depth,
    proposal_facts,
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
)
from smartcity_desktop.services.analysis.scope import resolve
from smartcity_desktop.services.analysis.view_settings import (
    WEIGHTS,
    describe_weights,
    ranking_weights,
    weight_label,
)
from smartcity_desktop.services.context import AppContext

NAME = "peringkat-usulan"
ROW_LIMIT = 500  # rows listed; every proposal is scored
CHART_ROWS = 15


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


def score_all(
    facts: list[ProposalFacts], depth: dict[str, int], weights: dict[str, float]
) -> list[Scored]:
    heads = {f.id: parse_beneficiaries(f.beneficiaries_text) for f in facts}
    per_head = {
        f.id: (f.cost / heads[f.id]) if f.cost is not None and heads[f.id] > 0 else None
        for f in facts
    }
    max_reach = max((f.reach for f in facts), default=0)
    max_heads = max(heads.values(), default=0)
    cheapest = min((v for v in per_head.values() if v is not None and v > 0), default=None)
    sev_max = severity_max()
    qw = quick_win_points()
    total_weight = sum(weights.values())
    out = []
    for f in facts:
        cph = per_head[f.id]
        if cph is None:
            cost_part = 0.0
        elif cph == 0:
            cost_part = 1.0
        else:
            cost_part = (cheapest or cph) / cph
        n = depth.get(f.reviewer or "", 0)
        parts = {
            "jangkauan": f.reach / max_reach if max_reach else 0.0,
            "keparahan": f.worst_severity / sev_max,
            "penerima": heads[f.id] / max_heads if max_heads else 0.0,
            "biaya_per_penerima": cost_part,
            "prioritas": (n - f.priority + 1) / n if f.priority and n >= f.priority else 0.0,
            "reviu": REVIEW_POINTS.get(f.review_state, 0.0),
            "quick_win": qw.get(f.quick_win, 0.0),
        }
        points = {k: 100 * weights[k] * parts[k] / total_weight for k in WEIGHTS}
        out.append(Scored(f, heads[f.id], cph, parts, points, sum(points.values())))
    out.sort(key=lambda s: (-round(s.score, 2), s.facts.desa, s.facts.title, s.facts.id))
    return out


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    weights = ranking_weights(ctx)
    with ctx.db.session() as session:
        everything = list(proposal_facts(session, scope))
        depth = priority_depth(session, scope)
        ranked_facts = [f for f in everything if f.review_state not in EXCLUDED_STATES]
        scored = score_all(ranked_facts, depth, weights)
        shown = scored[:ROW_LIMIT]
        links = linked_problems(session, [s.facts.id for s in shown])
    if tick is not None:
        tick(1, 1)
    excluded = len(everything) - len(ranked_facts)
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
            tuple(s.facts.title for s in top),
            tuple(
                Series(weight_label(k), tuple(round(s.points[k], 2) for s in top))
                for k in WEIGHTS
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
            shown=len(shown), total=len(scored)
        )
        if len(scored) > len(shown)
        else ""
    )
    tables = (
        Table("peringkat", _("Peringkat usulan"), columns, tuple(rank_rows), None, chart,
              listed_note),
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
