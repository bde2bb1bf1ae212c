"""Biaya & sumber dana: the proposals' estimated cost by funding source, dimension and scale.

Sums are whole rupiah of the villages' own estimates. A proposal without an estimate adds nothing
to a sum and is counted in its own column, so a small sum is never mistaken for a cheap plan.
"""

from __future__ import annotations

from sqlalchemy import text

from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.registry import Tick
from smartcity_desktop.services.analysis.result import (
    Chart,
    Column,
    ColumnType,
    Row,
    Series,
    Span,
    Table,
    ViewResult,
)
from smartcity_desktop.services.analysis.scope import resolve
from smartcity_desktop.services.analysis.tabulate import label, on_dimension, ordered, result
from smartcity_desktop.services.context import AppContext

NAME = "biaya-sumber-dana"
PROPOSAL = ("proposal",)
COSTED = ("estimated_cost", Span(0, None))
NO_COST = ("estimated_cost", None)

_Key = tuple[str | None, str | None, str | None]  # funding source, dimension, scale
# -> [proposals, proposals with a cost, sum of costs]
_Cells = dict[_Key, list[int]]


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    where, params = scope.where("r")
    cells: _Cells = {}
    with ctx.db.session() as session:
        for source, dimension, scale, count, costed, total in session.execute(
            text(
                "SELECT r.funding_source, r.dimension, r.scale, count(*), "
                "count(r.estimated_cost), CAST(coalesce(sum(r.estimated_cost), 0) AS BIGINT) "
                f"FROM proposal r WHERE {where} "
                "GROUP BY r.funding_source, r.dimension, r.scale"
            ),
            params,
        ):
            cells[(source, dimension, scale)] = [count, costed, total]
    if tick is not None:
        tick(1, 1)
    sources = ordered("sumber_dana", (s for s, _d, _k in cells))
    dimensions = ordered("dimensions", (d for _s, d, _k in cells))
    scales = ordered("skala", (k for _s, _d, k in cells))
    uncosted = sum(c[0] - c[1] for c in cells.values())
    tables = (
        _pivot(cells, sources, dimensions, money=True),
        _pivot(cells, sources, dimensions, money=False),
        _by_scale(cells, scales),
    )
    notes = (
        (
            _("Perkiraan biaya"),
            _("jumlah perkiraan biaya (Rp) yang diisi desa pada usulan, tanpa penyesuaian"),
        ),
        (
            _("Usulan tanpa perkiraan biaya"),
            _(
                "{n} usulan tidak mengisi perkiraan biaya: tidak ikut dijumlah, dihitung di kolom "
                '"Tanpa biaya"'
            ).format(n=uncosted),
        ),
    )
    return result(ctx, NAME, _("Biaya & sumber dana"), flt, scope.area, tables, notes)


def _sum(cells: _Cells, match: tuple[str | object | None, ...]) -> list[int]:
    out = [0, 0, 0]
    for key, cell in cells.items():
        if all(m is _ANY or m == k for m, k in zip(match, key, strict=True)):
            out = [a + b for a, b in zip(out, cell, strict=True)]
    return out


_ANY = object()


def _pivot(
    cells: _Cells, sources: list[str | None], dimensions: list[str | None], money: bool
) -> Table:
    kind = ColumnType.MONEY if money else ColumnType.INT
    columns: list[Column] = [Column("sumber_dana", _("Sumber dana"))]
    columns += [Column(d or "-", label("dimensions", d), kind, heat=True) for d in dimensions]
    columns.append(Column("total", _("Total"), kind))
    if money:
        columns.append(Column("usulan_berbiaya", _("Usulan berbiaya"), ColumnType.INT))
    else:
        columns.append(Column("tanpa_biaya", _("Tanpa biaya"), ColumnType.INT))
    measure = 2 if money else 0
    on = (COSTED,) if money else ()
    rows = []
    for source in sources:
        where = (("funding_source", source), *on)
        values: list[object] = [label("sumber_dana", source)]
        drills = {}
        for d in dimensions:
            values.append(_sum(cells, (source, d, _ANY))[measure])
            drills[d or "-"] = on_dimension(PROPOSAL, d, where=where)
        line = _sum(cells, (source, _ANY, _ANY))
        values.append(line[measure])
        drills["total"] = drills[""] = on_dimension(
            PROPOSAL, None, where=where, every_dimension=True
        )
        if money:
            values.append(line[1])
            drills["usulan_berbiaya"] = drills["total"]
        else:
            values.append(line[0] - line[1])
            drills["tanpa_biaya"] = on_dimension(
                PROPOSAL,
                None,
                where=(("funding_source", source), NO_COST),
                every_dimension=True,
            )
        rows.append(Row(tuple(values), drills))
    total_drills = {d or "-": on_dimension(PROPOSAL, d, where=on) for d in dimensions}
    total_drills["total"] = on_dimension(PROPOSAL, None, where=on, every_dimension=True)
    if money:
        total_drills["usulan_berbiaya"] = total_drills["total"]
    else:
        total_drills["tanpa_biaya"] = on_dimension(
            PROPOSAL, None, where=(NO_COST,), every_dimension=True
        )
    totals = Row(
        (_("Jumlah"), *(sum(r.values[n] for r in rows) for n in range(1, len(columns)))),
        total_drills,
    )
    if money:
        chart = Chart(
            _("Perkiraan biaya per sumber dana menurut dimensi"),
            tuple(str(r.values[0]) for r in rows),
            tuple(
                Series(
                    label("dimensions", d),
                    tuple(float(r.values[1 + n]) for r in rows),
                )
                for n, d in enumerate(dimensions)
            ),
            stacked=True,
            horizontal=True,
            value_label=_("Rp"),
        )
        return Table(
            "biaya",
            _("Perkiraan biaya (Rp) per sumber dana dan dimensi"),
            tuple(columns),
            tuple(rows),
            totals,
            chart,
            note=_("Usulan tanpa perkiraan biaya tidak ikut dijumlah."),
        )
    return Table(
        "jumlah",
        _("Jumlah usulan per sumber dana dan dimensi"),
        tuple(columns),
        tuple(rows),
        totals,
        note=_("Semua usulan, dengan atau tanpa perkiraan biaya."),
    )


def _by_scale(cells: _Cells, scales: list[str | None]) -> Table:
    columns = (
        Column("skala", _("Skala")),
        Column("usulan", _("Jumlah usulan"), ColumnType.INT),
        Column("usulan_berbiaya", _("Usulan berbiaya"), ColumnType.INT),
        Column("tanpa_biaya", _("Tanpa biaya"), ColumnType.INT),
        Column("biaya", _("Σ perkiraan biaya"), ColumnType.MONEY, heat=True),
        Column("rata_rata", _("Rata-rata per usulan berbiaya"), ColumnType.MONEY),
    )
    rows = []
    for scale in scales:
        count, costed, total = _sum(cells, (_ANY, _ANY, scale))
        where = (("scale", scale),)
        every = on_dimension(PROPOSAL, None, where=where, every_dimension=True)
        with_cost = on_dimension(PROPOSAL, None, where=(*where, COSTED), every_dimension=True)
        rows.append(
            Row(
                (
                    label("skala", scale),
                    count,
                    costed,
                    count - costed,
                    total,
                    round(total / costed) if costed else 0,
                ),
                {
                    "": every,
                    "usulan": every,
                    "usulan_berbiaya": with_cost,
                    "tanpa_biaya": on_dimension(
                        PROPOSAL, None, where=(*where, NO_COST), every_dimension=True
                    ),
                    "biaya": with_cost,
                    "rata_rata": with_cost,
                },
            )
        )
    count = sum(int(r.values[1]) for r in rows)
    costed = sum(int(r.values[2]) for r in rows)
    total = sum(int(r.values[4]) for r in rows)
    totals = Row(
        (_("Jumlah"), count, costed, count - costed, total, round(total / costed) if costed else 0),
        {
            "usulan": on_dimension(PROPOSAL, None, every_dimension=True),
            "usulan_berbiaya": on_dimension(PROPOSAL, None, where=(COSTED,), every_dimension=True),
            "tanpa_biaya": on_dimension(PROPOSAL, None, where=(NO_COST,), every_dimension=True),
            "biaya": on_dimension(PROPOSAL, None, where=(COSTED,), every_dimension=True),
        },
    )
    chart = Chart(
        _("Perkiraan biaya per skala"),
        tuple(str(r.values[0]) for r in rows),
        (Series(_("Σ perkiraan biaya"), tuple(float(r.values[4]) for r in rows)),),
        value_label=_("Rp"),
    )
    return Table("skala", _("Perkiraan biaya per skala"), columns, tuple(rows), totals, chart)
