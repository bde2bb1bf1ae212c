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
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import state_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.proposal_facts import (
    EXCLUDED_STATES,
    KECAMATAN_REVIEW_JOIN,
    REVIEW_POINTS,
    ProposalFacts,
    kecamatan_params,
    linked_problems,
    parse_beneficiaries,
    severity_max,
    severity_weight_sql,
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


def _heads_table(
    session: Session, where: str, params: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """A derived table (txt, heads) of the beneficiary texts in scope that hold a count.

    The texts are few next to the proposals (villages copy them from one another and from the
    sample), so each is parsed once here and joined back in SQL.
    """
    rows = [
        (value, heads)
        for (value,) in session.execute(
            text(
                f"SELECT DISTINCT r.beneficiaries FROM proposal r WHERE {where} "
                "AND r.beneficiaries IS NOT NULL"
            ),
            params,
        )
        if (heads := parse_beneficiaries(value)) > 0
    ]
    if not rows:
        return "(SELECT '' AS txt, 0 AS heads WHERE 1 = 0)", {}
    values, out = [], {}
    for n, (value, heads) in enumerate(rows):
        values.append(f"(:bt{n}, :bh{n})")
        out[f"bt{n}"] = value
        out[f"bh{n}"] = heads
    return (
        f"(SELECT bv.column1 AS txt, bv.column2 AS heads FROM (VALUES {', '.join(values)}) bv)",
        out,
    )


def _case(column: str, points: dict[str | None, float], prefix: str) -> tuple[str, dict[str, Any]]:
    parts, params = [], {}
    for n, (code, value) in enumerate(points.items()):
        if code is None or not value:
            continue
        parts.append(f"WHEN :{prefix}{n} THEN {float(value)!r}")
        params[f"{prefix}{n}"] = code
    if not parts:
        return "0.0", params
    return f"(CASE {column} {' '.join(parts)} ELSE 0.0 END)", params


def ranked(
    session: Session, scope: Scope, weights: dict[str, float], limit: int
) -> tuple[list[Scored], int, int]:
    """The best ``limit`` proposals with their parts and points, how many were ranked and how
    many were left out (ditolak, digabung). Scored and sorted in SQL: a regency has tens of
    thousands of proposals, and only the listed ones come back to Python."""
    where, params = scope.where("r")
    kec, kec_params = kecamatan_params(scope)
    sev, sev_params = severity_weight_sql("p.severity")
    heads_sql, heads_params = _heads_table(session, where, params)
    review_case, review_params = _case("b.state", REVIEW_POINTS, "rs")
    qw_case, qw_params = _case("b.quick_win", quick_win_points(), "qw")
    total = sum(weights.values())
    w = {k: 100 * weights[k] / total for k in WEIGHTS}
    excluded_names = ", ".join(f":ex{n}" for n in range(len(EXCLUDED_STATES)))
    all_params: dict[str, Any] = {
        **params,
        **kec_params,
        **sev_params,
        **heads_params,
        **review_params,
        **qw_params,
        **{f"w_{k}": v for k, v in w.items()},
        **{f"ex{n}": state for n, state in enumerate(EXCLUDED_STATES)},
        "sev_max": float(severity_max()),
        "limit": limit,
    }
    review_join = KECAMATAN_REVIEW_JOIN
    sql = f"""
WITH lk AS (
  SELECT l.proposal_id AS pid, count(DISTINCT p.office_code) AS reach, max({sev}) AS worst
  FROM proposal r CROSS JOIN proposal_link l CROSS JOIN problem p
  WHERE {where} AND l.proposal_id = r.id AND l.target_kind = 'problem'
    AND p.id = l.target_id AND p.deleted = 0
  GROUP BY l.proposal_id
), depth AS (
  SELECT office_code AS k, max(priority) AS n FROM review
  WHERE deleted = 0 AND target_kind = 'proposal' AND priority IS NOT NULL
    AND office_code IN ({kec})
  GROUP BY office_code
), b AS (
  SELECT r.id, r.title, r.office_code AS desa, coalesce(lk.reach, 0) AS reach,
    coalesce(lk.worst, 0) AS worst, coalesce(bh.heads, 0) AS heads, r.estimated_cost AS cost,
    CASE WHEN r.estimated_cost IS NOT NULL AND bh.heads > 0
      THEN r.estimated_cost * 1.0 / bh.heads END AS cph,
    r.quick_win, v.state, v.priority, v.office_code AS reviewer, coalesce(depth.n, 0) AS depth
  FROM proposal r {review_join}
  LEFT JOIN lk ON lk.pid = r.id
  LEFT JOIN {heads_sql} bh ON bh.txt = r.beneficiaries
  LEFT JOIN depth ON depth.k = v.office_code
  WHERE {where} AND (v.state IS NULL OR v.state NOT IN ({excluded_names}))
), m AS (
  SELECT b.*, max(b.reach) OVER () AS max_reach, max(b.heads) OVER () AS max_heads,
    min(CASE WHEN b.cph > 0 THEN b.cph END) OVER () AS cheapest, count(*) OVER () AS ranked
  FROM b
), s AS (
  SELECT m.*,
    CASE WHEN max_reach > 0 THEN :w_jangkauan * reach / max_reach ELSE 0 END
    + :w_keparahan * worst / :sev_max
    + CASE WHEN max_heads > 0 THEN :w_penerima * heads / max_heads ELSE 0 END
    + CASE WHEN cph IS NULL THEN 0 WHEN cph = 0 THEN :w_biaya_per_penerima
      ELSE :w_biaya_per_penerima * cheapest / cph END
    + CASE WHEN priority >= 1 AND depth >= priority
      THEN :w_prioritas * (depth - priority + 1) / depth ELSE 0 END
    + :w_reviu * {review_case.replace("b.state", "m.state")}
    + :w_quick_win * {qw_case.replace("b.quick_win", "m.quick_win")} AS score
  FROM m
)
SELECT id, title, desa, reach, worst, heads, cost, cph, quick_win, state, priority, reviewer,
  depth, max_reach, max_heads, cheapest, ranked, score
FROM s ORDER BY round(CAST(score AS NUMERIC), 2) DESC, desa, title, id LIMIT :limit
"""
    rows = list(session.execute(text(sql), all_params))
    excluded = session.execute(
        text(
            f"SELECT count(*) FROM proposal r {review_join} "
            f"WHERE {where} AND v.state IN ({excluded_names})"
        ),
        {**params, **{f"ex{n}": s for n, s in enumerate(EXCLUDED_STATES)}},
    ).scalar_one()
    sev_max = severity_max()
    qw = quick_win_points()
    out = []
    for (rid, title, desa, reach, worst, heads, cost, cph, quick, state, priority, reviewer,
         depth, max_reach, max_heads, cheapest, _ranked, score) in rows:  # fmt: skip
        parts = {
            "jangkauan": reach / max_reach if max_reach else 0.0,
            "keparahan": worst / sev_max,
            "penerima": heads / max_heads if max_heads else 0.0,
            "biaya_per_penerima": 0.0 if cph is None else 1.0 if cph == 0 else cheapest / cph,
            "prioritas": (depth - priority + 1) / depth
            if priority and priority >= 1 and depth >= priority
            else 0.0,
            "reviu": REVIEW_POINTS.get(state, 0.0),
            "quick_win": qw.get(quick, 0.0),
        }
        facts = ProposalFacts(
            rid, title, desa, None, None, None, None, cost, quick, None, None, None, state,
            priority, reviewer, reach, worst, 0,
        )  # fmt: skip
        points = {k: w[k] * parts[k] for k in WEIGHTS}
        out.append(Scored(facts, heads, cph, parts, points, float(score)))
    return out, (rows[0][16] if rows else 0), int(excluded)


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    weights = ranking_weights(ctx)
    with ctx.db.session() as session:
        shown, ranked_count, excluded = ranked(session, scope, weights, ROW_LIMIT)
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
