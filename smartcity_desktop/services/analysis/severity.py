"""Keparahan & dampak: how severe the problems are per dimension, and how many people and
households they affect.

Both tables come from one GROUP BY over the problems in the filter. A problem's affected count is
summed under its own unit (jiwa or KK), never converted: a household is not a number of people.
"""

from __future__ import annotations

from collections import defaultdict

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

NAME = "keparahan-dampak"
PROBLEM = ("problem",)
_ANY_COUNT = Span(0, None)  # a count filled in

# (dimension, severity, unit) -> [problems, problems with a count, sum of counts]
_Cells = dict[tuple[str | None, str | None, str | None], list[int]]


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    where, params = scope.where("r")
    cells: _Cells = defaultdict(lambda: [0, 0, 0])
    with ctx.db.session() as session:
        for dimension, severity, unit, count, counted, total in session.execute(
            text(
                "SELECT r.dimension, r.severity, r.affected_unit, count(*), "
                "count(r.affected_count), coalesce(sum(r.affected_count), 0) "
                f"FROM problem r WHERE {where} "
                "GROUP BY r.dimension, r.severity, r.affected_unit"
            ),
            params,
        ):
            cell = cells[(dimension, severity, unit)]
            cell[0] += count
            cell[1] += counted
            cell[2] += total
    if tick is not None:
        tick(1, 1)
    dimensions = ordered("dimensions", (d for d, _s, _u in cells))
    tables = (_severity_table(cells, dimensions), _affected_table(cells, dimensions))
    notes = (
        (
            _("Keparahan"),
            _(
                "banyaknya permasalahan menurut tingkat keparahan yang diisi desa; (belum diisi) "
                "dihitung tersendiri"
            ),
        ),
        (
            _("Jumlah terdampak"),
            _(
                "jumlah terdampak yang diisi desa, dijumlah menurut satuannya (jiwa dan KK tidak "
                "dijumlah bersama); permasalahan tanpa jumlah terdampak dihitung di kolom "
                "tersendiri"
            ),
        ),
    )
    return result(ctx, NAME, _("Keparahan & dampak"), flt, scope.area, tables, notes)


def _severity_table(cells: _Cells, dimensions: list[str | None]) -> Table:
    counts: dict[tuple[str | None, str | None], int] = defaultdict(int)
    for (dimension, severity, _unit), (count, _c, _t) in cells.items():
        counts[(severity, dimension)] += count
    severities = ordered("tingkat_keparahan", (s for s, _d in counts))
    columns = (
        Column("keparahan", _("Tingkat keparahan")),
        *(Column(d or "-", label("dimensions", d), ColumnType.INT, heat=True) for d in dimensions),
        Column("total", _("Total"), ColumnType.INT),
    )
    rows = []
    for severity in severities:
        where = (("severity", severity),)
        values: list[object] = [label("tingkat_keparahan", severity)]
        drills = {}
        for d in dimensions:
            values.append(counts.get((severity, d), 0))
            drills[d or "-"] = on_dimension(PROBLEM, d, where=where)
        values.append(sum(counts.get((severity, d), 0) for d in dimensions))
        drills["total"] = drills[""] = on_dimension(
            PROBLEM, None, where=where, every_dimension=True
        )
        rows.append(Row(tuple(values), drills))
    totals = Row(
        (_("Jumlah"), *(sum(r.values[n] for r in rows) for n in range(1, len(columns)))),
        {d or "-": on_dimension(PROBLEM, d) for d in dimensions}
        | {"total": on_dimension(PROBLEM, None, every_dimension=True)},
    )
    chart = Chart(
        _("Permasalahan per dimensi menurut tingkat keparahan"),
        tuple(label("dimensions", d) for d in dimensions),
        tuple(Series(str(r.values[0]), tuple(float(v) for v in r.values[1:-1])) for r in rows),
        stacked=True,
        horizontal=True,
        value_label=_("permasalahan"),
    )
    return Table(
        "keparahan",
        _("Permasalahan per tingkat keparahan dan dimensi"),
        columns,
        tuple(rows),
        totals,
        chart,
    )


def _affected_table(cells: _Cells, dimensions: list[str | None]) -> Table:
    sums: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    missing: dict[str | None, int] = defaultdict(int)
    for (dimension, _severity, unit), (count, counted, total) in cells.items():
        if counted:
            line = sums[(dimension, unit)]
            line[0] += total
            line[1] += counted
        missing[dimension] += count - counted
    units = ordered("satuan_terdampak", (u for _d, u in sums))
    columns: list[Column] = [Column("dimensi", _("Dimensi"))]
    for unit in units:
        key = unit or "-"
        columns.append(
            Column(
                f"jumlah_{key}",
                _("Σ terdampak ({unit})").format(unit=label("satuan_terdampak", unit)),
                ColumnType.INT,
                heat=True,
            )
        )
        columns.append(
            Column(
                f"masalah_{key}",
                _("Permasalahan ({unit})").format(unit=label("satuan_terdampak", unit)),
                ColumnType.INT,
            )
        )
    columns.append(Column("tanpa_jumlah", _("Tanpa jumlah terdampak"), ColumnType.INT))
    rows = []
    for d in dimensions:
        values: list[object] = [label("dimensions", d)]
        drills = {"": on_dimension(PROBLEM, d)}
        for unit in units:
            key = unit or "-"
            line = sums.get((d, unit), [0, 0])
            values += [line[0], line[1]]
            # The records behind a sum: those of the unit with a count filled in.
            drill = on_dimension(
                PROBLEM,
                d,
                where=(("affected_unit", unit), ("affected_count", _ANY_COUNT)),
            )
            drills[f"jumlah_{key}"] = drills[f"masalah_{key}"] = drill
        values.append(missing.get(d, 0))
        drills["tanpa_jumlah"] = on_dimension(PROBLEM, d, where=(("affected_count", None),))
        rows.append(Row(tuple(values), drills))
    total_drills = {}
    for unit in units:
        key = unit or "-"
        total_drills[f"jumlah_{key}"] = total_drills[f"masalah_{key}"] = on_dimension(
            PROBLEM,
            None,
            where=(("affected_unit", unit), ("affected_count", _ANY_COUNT)),
            every_dimension=True,
        )
    total_drills["tanpa_jumlah"] = on_dimension(
        PROBLEM, None, where=(("affected_count", None),), every_dimension=True
    )
    totals = Row(
        (_("Jumlah"), *(sum(r.values[n] for r in rows) for n in range(1, len(columns)))),
        total_drills,
    )
    first = units[0] if units else "jiwa"
    chart = Chart(
        _("Jumlah terdampak per dimensi ({unit})").format(unit=label("satuan_terdampak", first)),
        tuple(str(r.values[0]) for r in rows),
        (
            Series(
                label("satuan_terdampak", first),
                tuple(float(sums.get((d, first), [0, 0])[0]) for d in dimensions),
            ),
        ),
        horizontal=True,
        value_label=label("satuan_terdampak", first),
    )
    return Table(
        "terdampak",
        _("Jumlah terdampak per dimensi dan satuan"),
        tuple(columns),
        tuple(rows),
        totals,
        chart,
    )
