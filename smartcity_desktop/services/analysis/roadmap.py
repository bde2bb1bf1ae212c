"""Draf peta jalan: proposals placed on the masterplan's ten years by when they finish.

The proposal form has no duration; it has "Mulai pelaksanaan" (start_date) and "Selesai
pelaksanaan" (end_date). A roadmap places a programme by when it delivers, so the band is read
from the end date, counted in plan years from the first year of the plan (the year the view is
computed, year 1):

- ≤ 2 tahun: finishes in plan year 1 or 2;
- 3–5 tahun: in year 3 to 5;
- 6–10 tahun: in year 6 to 10;
- after year 10, and finished before year 1, each in a column of its own;
- no end date: "Tanpa tanggal selesai" (a start date alone does not say when it delivers).

Dates are ISO text, so each band is a range of text compared in SQL (one GROUP BY), and a band's
drill-down is the same range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

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

NAME = "peta-jalan"
PROPOSAL = ("proposal",)


@dataclass(frozen=True)
class Band:
    key: str
    title: str
    span: Span | None  # None: no end date


def bands(first_year: int) -> tuple[Band, ...]:
    def jan(year: int) -> str:
        return f"{year:04d}-01-01"

    return (
        Band(
            "sebelum",
            _("Selesai sebelum {year}").format(year=first_year),
            Span(None, jan(first_year)),
        ),
        Band("b2", _("≤ 2 tahun"), Span(jan(first_year), jan(first_year + 2))),
        Band("b5", _("3–5 tahun"), Span(jan(first_year + 2), jan(first_year + 5))),
        Band("b10", _("6–10 tahun"), Span(jan(first_year + 5), jan(first_year + 10))),
        Band(
            "sesudah",
            _("Sesudah {year}").format(year=first_year + 9),
            Span(jan(first_year + 10), None),
        ),
        Band("tanpa", _("Tanpa tanggal selesai"), None),
    )


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    where, params = scope.where("r")
    first_year = ctx.clock().year
    plan = bands(first_year)
    cases = []
    for n, band in enumerate(plan):
        if band.span is None:
            cases.append(f"WHEN r.end_date IS NULL THEN '{band.key}'")
            continue
        parts = []
        if band.span.start is not None:
            parts.append(f"r.end_date >= :b{n}a")
            params[f"b{n}a"] = band.span.start
        if band.span.end is not None:
            parts.append(f"r.end_date < :b{n}b")
            params[f"b{n}b"] = band.span.end
        cases.append(f"WHEN {' AND '.join(parts)} THEN '{band.key}'")
    case = "CASE " + " ".join(cases) + " END"
    # (band, dimension, opd) -> [proposals, sum of costs]
    cells: dict[tuple[str, str | None, str | None], list[int]] = {}
    with ctx.db.session() as session:
        for band_key, dimension, opd, count, cost in session.execute(
            text(
                f"SELECT {case} AS band, r.dimension, r.opd, count(*), "
                "CAST(coalesce(sum(r.estimated_cost), 0) AS BIGINT) "
                f"FROM proposal r WHERE {where} GROUP BY 1, 2, 3"
            ),
            params,
        ):
            cells[(band_key, dimension, opd)] = [count, cost]
    if tick is not None:
        tick(1, 1)
    dimensions = ordered("dimensions", (d for _b, d, _o in cells))
    tables = (_by_dimension(plan, cells, dimensions), _by_opd(plan, cells, dimensions))
    notes = (
        (
            _("Tahun pertama rencana"),
            _("{year} (tahun perhitungan) = tahun ke-1").format(year=first_year),
        ),
        (
            _("Rentang tahun"),
            _(
                'menurut tanggal "Selesai pelaksanaan" usulan: ≤ 2 tahun = selesai pada tahun '
                "ke-1 atau ke-2 ({a}–{b}); 3–5 tahun = tahun ke-3 s.d. ke-5 ({c}–{d}); 6–10 tahun "
                "= tahun ke-6 s.d. ke-10 ({e}–{f}); usulan tanpa tanggal selesai dihitung "
                "tersendiri (tanggal mulai saja tidak menunjukkan kapan hasilnya ada)"
            ).format(
                a=first_year,
                b=first_year + 1,
                c=first_year + 2,
                d=first_year + 4,
                e=first_year + 5,
                f=first_year + 9,
            ),
        ),
        (
            _("OPD"),
            _(
                "OPD pengampu yang disarankan desa, sebagaimana ditulis; penulisan yang berbeda "
                "menjadi baris yang berbeda"
            ),
        ),
    )
    return result(ctx, NAME, _("Draf peta jalan"), flt, scope.area, tables, notes)


def _band_columns(plan: tuple[Band, ...]) -> list[Column]:
    return [Column(b.key, b.title, ColumnType.INT, heat=True) for b in plan]


def _band_where(band: Band) -> tuple[str, object]:
    return ("end_date", band.span)


def _by_dimension(
    plan: tuple[Band, ...],
    cells: dict[tuple[str, str | None, str | None], list[int]],
    dimensions: list[str | None],
) -> Table:
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for (band_key, dimension, _opd), (count, _cost) in cells.items():
        counts[(band_key, dimension)] += count
    columns = (
        Column("dimensi", _("Dimensi")),
        *_band_columns(plan),
        Column("total", _("Total"), ColumnType.INT),
    )
    rows = []
    for d in dimensions:
        values: list[object] = [label("dimensions", d)]
        drills = {"": on_dimension(PROPOSAL, d), "total": on_dimension(PROPOSAL, d)}
        for band in plan:
            values.append(counts.get((band.key, d), 0))
            drills[band.key] = on_dimension(PROPOSAL, d, where=(_band_where(band),))
        values.append(sum(counts.get((b.key, d), 0) for b in plan))
        rows.append(Row(tuple(values), drills))
    totals = Row(
        (_("Jumlah"), *(sum(int(r.values[n]) for r in rows) for n in range(1, len(columns)))),
        {
            b.key: on_dimension(PROPOSAL, None, where=(_band_where(b),), every_dimension=True)
            for b in plan
        }
        | {"total": on_dimension(PROPOSAL, None, every_dimension=True)},
    )
    chart = Chart(
        _("Usulan per rentang tahun menurut dimensi"),
        tuple(b.title for b in plan),
        tuple(
            Series(str(r.values[0]), tuple(float(v) for v in r.values[1 : 1 + len(plan)]))
            for r in rows
        ),
        stacked=True,
        value_label=_("usulan"),
    )
    return Table(
        "dimensi", _("Usulan per dimensi dan rentang tahun"), columns, tuple(rows), totals, chart
    )


def _by_opd(
    plan: tuple[Band, ...],
    cells: dict[tuple[str, str | None, str | None], list[int]],
    dimensions: list[str | None],
) -> Table:
    lines: dict[tuple[str | None, str | None], dict[str, list[int]]] = defaultdict(dict)
    for (band_key, dimension, opd), cell in cells.items():
        lines[(opd, dimension)][band_key] = cell
    position = {d: n for n, d in enumerate(dimensions)}
    order = sorted(
        lines, key=lambda k: (k[0] is None, (k[0] or "").casefold(), k[0] or "", position[k[1]])
    )
    columns = (
        Column("opd", _("OPD pengampu")),
        Column("dimensi", _("Dimensi")),
        *_band_columns(plan),
        Column("total", _("Total"), ColumnType.INT),
        Column("biaya", _("Σ perkiraan biaya"), ColumnType.MONEY),
    )
    rows = []
    for opd, d in order:
        line = lines[(opd, d)]
        where = (("opd", opd),)
        values: list[object] = [
            opd if opd is not None else _("(OPD belum diisi)"),
            label("dimensions", d),
        ]
        drills = {"": on_dimension(PROPOSAL, d, where=where)}
        for band in plan:
            values.append(line.get(band.key, [0, 0])[0])
            drills[band.key] = on_dimension(PROPOSAL, d, where=(*where, _band_where(band)))
        values.append(sum(c[0] for c in line.values()))
        values.append(sum(c[1] for c in line.values()))
        drills["total"] = drills["biaya"] = drills[""]
        rows.append(Row(tuple(values), drills))
    totals = Row(
        (
            _("Jumlah"),
            "",
            *(sum(int(r.values[n]) for r in rows) for n in range(2, len(columns))),
        ),
        {
            b.key: on_dimension(PROPOSAL, None, where=(_band_where(b),), every_dimension=True)
            for b in plan
        }
        | {"total": on_dimension(PROPOSAL, None, every_dimension=True)},
    )
    return Table(
        "opd",
        _("Usulan per OPD pengampu, dimensi dan rentang tahun"),
        columns,
        tuple(rows),
        totals,
        note=_("Σ perkiraan biaya: usulan tanpa perkiraan biaya tidak ikut dijumlah."),
    )
