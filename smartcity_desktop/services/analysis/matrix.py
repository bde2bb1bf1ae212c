"""Matriks permasalahan: problems per dimension (and sub-element) × kecamatan.

Three measures of the same cells: the count; the severity-weighted count (ringan 1, sedang 2,
berat 3, sangat berat 4; a problem without a severity weighs 1, and the note says so); and the
count per village of the kecamatan, so that a kecamatan with many villages does not look worse
only for its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import text

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
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
from smartcity_desktop.services.analysis.scope import Area, resolve
from smartcity_desktop.services.context import AppContext

NAME = "matriks-permasalahan"
NO_SEVERITY_WEIGHT = 1


def severity_weights() -> dict[str, int]:
    """ringan 1 … sangat berat 4: the position on the ordered list, from 1."""
    return {code: n + 1 for n, code in enumerate(ref_list("tingkat_keparahan").codes())}


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    where, params = scope.where("r")
    weights = severity_weights()
    # (kecamatan, dimension, sub-element) -> [count, weighted]
    cells: dict[tuple[str, str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    with ctx.db.session() as session:
        for desa, dimension, sub_element, severity, count in session.execute(
            text(
                "SELECT r.office_code, r.dimension, r.sub_element, r.severity, count(*) "
                f"FROM problem r WHERE {where} "
                "GROUP BY r.office_code, r.dimension, r.sub_element, r.severity"
            ),
            params,
        ):
            cell = cells[(area.desa_kecamatan[desa], dimension, sub_element)]
            cell[0] += count
            cell[1] += count * weights.get(severity, NO_SEVERITY_WEIGHT)
    if tick is not None:
        tick(1, 1)
    dimensions = ref_list("dimensions")
    by_dimension: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    for (kecamatan, dimension, _sub), (count, weighted) in cells.items():
        total = by_dimension[(kecamatan, dimension)]
        total[0] += count
        total[1] += weighted
    dimension_codes: list[str | None] = list(dimensions.codes())
    if any(d is None or dimensions.get(d) is None for _k, d in by_dimension):
        dimension_codes += sorted(
            {d for _k, d in by_dimension if d is not None and dimensions.get(d) is None}
        )
        if any(d is None for _k, d in by_dimension):
            dimension_codes.append(None)
    villages = {k: len(area.desa_of(k)) for k in area.kecamatan}

    def label(code: str | None) -> str:
        return dimensions.label(code) if code else _("(dimensi belum diisi)")

    tables = (
        _dimension_table(
            "jumlah",
            _("Jumlah permasalahan"),
            area,
            dimension_codes,
            by_dimension,
            label,
            lambda c, k: c[0],
            ColumnType.INT,
        ),
        _dimension_table(
            "berbobot",
            _("Jumlah berbobot keparahan"),
            area,
            dimension_codes,
            by_dimension,
            label,
            lambda c, k: c[1],
            ColumnType.INT,
        ),
        _dimension_table(
            "per-desa",
            _("Rata-rata permasalahan per desa"),
            area,
            dimension_codes,
            by_dimension,
            label,
            lambda c, k: round(c[0] / villages[k], 2) if villages.get(k) else 0.0,
            ColumnType.FLOAT,
        ),
        _sub_element_table(area, cells),
    )
    computed = ctx.clock()
    notes = (
        (
            _("Bobot keparahan"),
            ", ".join(
                f"{ref_list('tingkat_keparahan').label(code)} = {weight}"
                for code, weight in weights.items()
            )
            + "; "
            + _("belum diisi = {weight}").format(weight=NO_SEVERITY_WEIGHT),
        ),
        (
            _("Rata-rata per desa"),
            _("jumlah permasalahan dibagi banyaknya desa/kelurahan kecamatan itu dalam saringan"),
        ),
    )
    return ViewResult(
        NAME,
        _("Matriks permasalahan"),
        ctx.office.code,
        flt,
        area.names,
        tables,
        notes,
        computed_at=computed if isinstance(computed, dt.datetime) else None,
        cut_off=data_cut_off(ctx),
    )


def _short(area: Area, code: str) -> str:
    return area.names.get(code, code).removeprefix("Kecamatan ")


def _dimension_table(
    key: str,
    title: str,
    area: Area,
    dimension_codes: list[str | None],
    by_dimension: dict[tuple[str, str | None], list[int]],
    label: Callable[[str | None], str],
    measure: Callable[[list[int], str], float],
    kind: ColumnType,
) -> Table:
    columns = (
        Column("dimensi", _("Dimensi")),
        *(Column(k, _short(area, k), kind, heat=True) for k in area.kecamatan),
        Column("total", _("Total"), kind),
    )
    rows = []
    zero = [0, 0]
    for dimension in dimension_codes:
        values: list[object] = [label(dimension)]
        drills: dict[str, Drill] = {}
        where = (("dimension", None),) if dimension is None else ()
        total_cell = [0, 0]
        for k in area.kecamatan:
            cell = by_dimension.get((k, dimension), zero)
            total_cell = [total_cell[0] + cell[0], total_cell[1] + cell[1]]
            values.append(measure(cell, k))
            drills[k] = Drill(("problem",), kecamatan=k, dimension=dimension, where=where)
        if kind is ColumnType.FLOAT:
            count = total_cell[0]
            villages = len(area.desa)
            values.append(round(count / villages, 2) if villages else 0.0)
        else:
            values.append(measure(total_cell, ""))
        drills["total"] = drills[""] = Drill(("problem",), dimension=dimension, where=where)
        rows.append(Row(tuple(values), drills))
    totals_values: list[object] = [_("Jumlah")]
    for n in range(1, len(columns)):
        if kind is ColumnType.FLOAT:
            k = columns[n].key
            count = (
                sum(by_dimension.get((k, d), zero)[0] for d in dimension_codes)
                if (k != "total")
                else sum(c[0] for c in by_dimension.values())
            )
            villages = len(area.desa_of(k)) if k != "total" else len(area.desa)
            totals_values.append(round(count / villages, 2) if villages else 0.0)
        else:
            totals_values.append(sum(r.values[n] for r in rows))
    totals = Row(
        tuple(totals_values),
        {k: Drill(("problem",), kecamatan=k) for k in area.kecamatan}
        | {"total": Drill(("problem",))},
    )
    chart = None
    if key == "jumlah":
        chart = Chart(
            _("Permasalahan per kecamatan menurut dimensi"),
            tuple(_short(area, k) for k in area.kecamatan),
            tuple(Series(str(r.values[0]), tuple(float(v) for v in r.values[1:-1])) for r in rows),
            stacked=True,
            value_label=_("permasalahan"),
        )
    return Table(key, title, columns, tuple(rows), totals, chart)


def _sub_element_table(
    area: Area, cells: dict[tuple[str, str | None, str | None], list[int]]
) -> Table:
    dimensions = ref_list("dimensions")
    columns = (
        Column("dimensi", _("Dimensi")),
        Column("sub_elemen", _("Sub-elemen")),
        *(Column(k, _short(area, k), ColumnType.INT, heat=True) for k in area.kecamatan),
        Column("total", _("Total"), ColumnType.INT),
    )
    counts: dict[tuple[str | None, str | None], dict[str, int]] = defaultdict(dict)
    for (k, dimension, sub), (count, _w) in cells.items():
        line = counts[(dimension, sub)]
        line[k] = line.get(k, 0) + count
    order: list[tuple[str | None, str | None]] = [
        (d.code, s.code) for d in dimensions.items for s in d.children
    ]
    order += sorted(
        (key for key in counts if key not in set(order)),
        key=lambda key: (key[0] or "~", key[1] or "~"),
    )
    rows = []
    for dimension, sub in order:
        line = counts.get((dimension, sub), {})
        item = dimensions.get(dimension)
        sub_item = next((c for c in item.children if c.code == sub), None) if item else None
        where: tuple[tuple[str, str | None], ...] = (("sub_element", sub),)
        if dimension is None:
            where += (("dimension", None),)
        values = (
            dimensions.label(dimension) if dimension else _("(dimensi belum diisi)"),
            sub_item.label() if sub_item else (sub or _("(sub-elemen belum diisi)")),
            *(line.get(k, 0) for k in area.kecamatan),
            sum(line.values()),
        )
        drills = {
            k: Drill(("problem",), kecamatan=k, dimension=dimension, where=where)
            for k in area.kecamatan
        }
        drills["total"] = drills[""] = Drill(("problem",), dimension=dimension, where=where)
        rows.append(Row(values, drills))
    totals = Row(
        (
            _("Jumlah"),
            "",
            *(sum(r.values[n + 2] for r in rows) for n in range(len(area.kecamatan))),
            sum(r.values[-1] for r in rows),
        ),
    )
    return Table("sub-elemen", _("Permasalahan per sub-elemen"), columns, tuple(rows), totals)
