"""Kandidat quick win: proposals that meet every stored criterion, each with why it passes.

The criteria (``view_settings.QuickWinCriteria``): a quick-win rating at least the minimum; the
kecamatan's review is *diterima*; the estimated cost at most the cap (a proposal without a cost
does not pass a cap); the time from start to end date at most the cap (without both dates it does
not pass a cap); a clear implementer (an OPD filled in or a pola pelaksanaan chosen). A second
table counts, for each criterion on its own, how many proposals in the filter fail it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState, state_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.proposal_facts import (
    ProposalFacts,
    proposals_in_scope,
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
    QuickWinCriteria,
    describe_criteria,
    quick_win_criteria,
    rupiah,
)
from smartcity_desktop.services.context import AppContext

NAME = "kandidat-quick-win"
ROW_LIMIT = 1000


def duration_days(start: str | None, end: str | None) -> int | None:
    """Days from the start to the end date; None when either is missing or end is before start."""
    if not start or not end:
        return None
    try:
        days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    except ValueError:
        return None
    return days if days >= 0 else None


def allowed_ratings(criteria: QuickWinCriteria) -> tuple[str, ...]:
    codes = ref_list("quick_win").codes()  # best first
    return codes[: codes.index(criteria.quick_win_min) + 1]


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    criteria = quick_win_criteria(ctx)
    # The active criteria, in the order of the screening table (duration last).
    conditions = ["quick_win"]
    conditions += ["diterima"] if criteria.verified else []
    conditions += ["biaya"] if criteria.cost_max else []
    conditions += ["pelaksana"] if criteria.implementer else []
    allowed = set(allowed_ratings(criteria))
    accepted = ReviewState.DITERIMA.value
    cap, days_max = criteria.cost_max, criteria.days_max
    failing: Counter[str] = Counter()
    # From the office's kept proposals: a filter change reads none of them again.
    facts = proposals_in_scope(ctx, scope)
    total = len(facts)
    candidates: list[tuple[ProposalFacts, int | None]] = []
    # Durations once per distinct pair of dates (villages repeat them).
    durations: dict[tuple[str | None, str | None], int | None] = {}
    fail_rating = fail_review = fail_cost = fail_implementer = fail_days = 0
    for f in facts:
        (_i, _t, _d, _dim, _u, opd, _b, cost, quick, start, end, implementation, state,
         *_rest) = f  # fmt: skip
        passes = True
        if quick not in allowed:
            fail_rating += 1
            passes = False
        if criteria.verified and state != accepted:
            fail_review += 1
            passes = False
        if cap and (cost is None or cost > cap):
            fail_cost += 1
            passes = False
        if criteria.implementer and not opd and implementation is None:
            fail_implementer += 1
            passes = False
        dates = (start, end)
        days = durations.get(dates, -1)
        if days == -1:
            days = durations[dates] = duration_days(start, end)
        if days_max and (days is None or days > days_max):
            fail_days += 1
            passes = False
        if passes:
            candidates.append((f, days))
    for key, n in (
        ("quick_win", fail_rating),
        ("diterima", fail_review),
        ("biaya", fail_cost),
        ("pelaksana", fail_implementer),
        ("durasi", fail_days),
    ):
        if n:
            failing[key] = n
    if tick is not None:
        tick(1, 1)
    levels = ref_list("quick_win")
    patterns = ref_list("pola_pelaksanaan")
    position = {code: levels.position(code) for code in {f.quick_win for f, _d in candidates}}
    candidates.sort(
        key=lambda c: (
            position[c[0].quick_win],
            c[1] if c[1] is not None else 10**9,
            c[0].cost if c[0].cost is not None else 10**15,
            c[0].desa,
            c[0].title,
            c[0].id,
        )
    )
    shown = candidates[:ROW_LIMIT]
    rows = []
    for n, (f, days) in enumerate(shown, 1):
        implementer = ", ".join(
            part
            for part in (
                _("OPD: {name}").format(name=f.opd) if f.opd else "",
                _("Pola: {name}").format(name=patterns.label(f.implementation))
                if f.implementation
                else "",
            )
            if part
        )
        why = [_("quick win {level}").format(level=levels.label(f.quick_win).lower())]
        if criteria.verified:
            why.append(_("diterima kecamatan"))
        if criteria.cost_max:
            why.append(
                _("biaya {cost} ≤ {cap}").format(
                    cost=rupiah(f.cost or 0), cap=rupiah(criteria.cost_max)
                )
            )
        if criteria.days_max:
            why.append(_("{days} hari ≤ {cap} hari").format(days=days, cap=criteria.days_max))
        if criteria.implementer:
            why.append(_("pelaksana: {who}").format(who=implementer))
        rows.append(
            Row(
                (
                    n,
                    f.title,
                    area.names.get(f.desa, f.desa),
                    area.names.get(area.desa_kecamatan.get(f.desa, ""), ""),
                    levels.label(f.quick_win) if f.quick_win else "",
                    state_label(f.review_state) or _("belum direviu"),
                    f.cost,
                    days,
                    implementer or _("(belum jelas)"),
                    "; ".join(why),
                ),
                {"": Drill(("proposal",), ids=(f.id,))},
            )
        )
    columns = (
        Column("no", _("No"), ColumnType.INT),
        Column("usulan", _("Usulan")),
        Column("desa", _("Desa/kelurahan")),
        Column("kecamatan", _("Kecamatan")),
        Column("quick_win", _("Quick win")),
        Column("reviu", _("Status reviu kecamatan")),
        Column("biaya", _("Perkiraan biaya"), ColumnType.MONEY),
        Column("durasi", _("Lama (hari)"), ColumnType.INT),
        Column("pelaksana", _("Pelaksana")),
        Column("alasan", _("Mengapa lolos")),
    )
    per_kecamatan = Counter(area.desa_kecamatan.get(f.desa, "") for f, _d in candidates)
    chart = Chart(
        _("Kandidat quick win per kecamatan"),
        tuple(area.names.get(k, k).removeprefix("Kecamatan ") for k in area.kecamatan),
        (Series(_("kandidat"), tuple(float(per_kecamatan.get(k, 0)) for k in area.kecamatan)),),
        value_label=_("usulan"),
    )
    labels = {
        "quick_win": _("Penilaian quick win di bawah {level}").format(
            level=levels.label(criteria.quick_win_min).lower()
        ),
        "diterima": _("Belum diterima kecamatan"),
        "biaya": _("Biaya kosong atau di atas {cap}").format(cap=rupiah(criteria.cost_max)),
        "durasi": _("Tanggal belum lengkap atau lebih dari {n} hari").format(n=criteria.days_max),
        "pelaksana": _("OPD dan pola pelaksanaan kosong"),
    }
    active = [*conditions, *(["durasi"] if criteria.days_max else [])]
    screen_rows = tuple(
        Row((labels[key], failing.get(key, 0), total - failing.get(key, 0))) for key in active
    )
    screen = Table(
        "penyaringan",
        _("Penyaringan: usulan yang tidak lolos tiap kriteria"),
        (
            Column("kriteria", _("Kriteria")),
            Column("tidak_lolos", _("Tidak lolos"), ColumnType.INT),
            Column("lolos", _("Lolos"), ColumnType.INT),
        ),
        screen_rows,
        Row((_("Lolos semua kriteria"), total - len(candidates), len(candidates))),
        note=_("Setiap kriteria dihitung sendiri atas {n} usulan dalam saringan.").format(n=total),
    )
    tables = (
        Table(
            "kandidat",
            _("Kandidat quick win"),
            columns,
            tuple(rows),
            None,
            chart,
            _("{shown} dari {total} kandidat ditampilkan.").format(
                shown=len(shown), total=len(candidates)
            )
            if len(candidates) > len(shown)
            else "",
        ),
        screen,
    )
    computed = ctx.clock()
    return ViewResult(
        NAME,
        _("Kandidat quick win"),
        ctx.office.code,
        flt,
        area.names,
        tables,
        tuple(describe_criteria(criteria)),
        computed_at=computed if isinstance(computed, dt.datetime) else None,
        cut_off=data_cut_off(ctx),
    )
