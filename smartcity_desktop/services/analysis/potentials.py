"""Potensi & sektor unggulan: the villages' potentials per type and kecamatan, and the standouts.

A standout (potensi unggulan) is a type of potential that a kecamatan holds clearly more of than
the area as a whole, measured by the location quotient planners use for leading sectors:

    LQ = (potentials of the type in the kecamatan / all potentials in the kecamatan)
       / (potentials of the type in the area     / all potentials in the area)

A type is a standout where LQ >= 1.5 and the kecamatan has at least ``MIN_COUNT`` potentials of
it (one or two records are not a sector). The area is the office's whole area under the same
dimension, stage, trust and period filter: narrowing to one kecamatan or desa selects which
standouts are listed, never what they are compared with.
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
    Drill,
    Row,
    Series,
    Table,
    ViewResult,
)
from smartcity_desktop.services.analysis.scope import Area, resolve
from smartcity_desktop.services.analysis.tabulate import label, ordered, result, short_name
from smartcity_desktop.services.context import AppContext

NAME = "potensi-unggulan"
POTENTIAL = ("potential",)
LQ_MIN = 1.5
MIN_COUNT = 3


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    # The reference: the whole area under the same non-area filters.
    wide = (
        resolve(ctx, flt.narrowed(kecamatan=None, desa=None))
        if (flt.kecamatan or flt.desa)
        else scope
    )
    where, params = wide.where("r")
    per_desa: dict[tuple[str, str | None], int] = {}
    with ctx.db.session() as session:
        for desa, kind, count in session.execute(
            text(
                "SELECT r.office_code, r.potential_type, count(*) "
                f"FROM potential r WHERE {where} GROUP BY r.office_code, r.potential_type"
            ),
            params,
        ):
            per_desa[(desa, kind)] = count
    if tick is not None:
        tick(1, 1)
    shown = set(area.desa)
    # kecamatan -> type -> count, for the villages shown; and the area's totals per type.
    counts: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    area_counts: dict[str | None, int] = defaultdict(int)
    for (desa, kind), count in per_desa.items():
        area_counts[kind] += count
        if desa in shown:
            counts[wide.area.desa_kecamatan[desa]][kind] += count
    kinds = ordered("jenis_potensi", [*area_counts, *(k for c in counts.values() for k in c)])
    tables = (
        _type_table(area, counts, kinds),
        _standout_table(area, counts, area_counts),
    )
    notes = (
        (
            _("Potensi unggulan"),
            _(
                "jenis potensi yang kuosien lokasinya (LQ) di suatu kecamatan paling sedikit "
                "{lq} dan jumlahnya di kecamatan itu paling sedikit {n}"
            ).format(lq=f"{LQ_MIN:g}", n=MIN_COUNT),
        ),
        (
            _("Kuosien lokasi (LQ)"),
            _(
                "(pangsa jenis itu di antara potensi kecamatan) dibagi (pangsa jenis itu di "
                "antara potensi seluruh wilayah {office}); LQ di atas 1 berarti kecamatan itu "
                "lebih menonjol daripada rata-rata wilayah"
            ).format(office=ctx.office.name),
        ),
        (
            _("Pembanding"),
            _(
                "seluruh wilayah kantor dengan saringan dimensi, tahap, kepercayaan dan periode "
                "yang sama; saringan kecamatan atau desa hanya memilih baris yang ditampilkan"
            ),
        ),
    )
    return result(ctx, NAME, _("Potensi & sektor unggulan"), flt, area, tables, notes)


def _type_table(
    area: Area, counts: dict[str, dict[str | None, int]], kinds: list[str | None]
) -> Table:
    columns = (
        Column("jenis", _("Jenis potensi")),
        *(Column(k, short_name(area, k), ColumnType.INT, heat=True) for k in area.kecamatan),
        Column("total", _("Total"), ColumnType.INT),
    )
    rows = []
    for kind in kinds:
        where = (("potential_type", kind),)
        values: list[object] = [label("jenis_potensi", kind)]
        drills = {}
        for k in area.kecamatan:
            values.append(counts.get(k, {}).get(kind, 0))
            drills[k] = Drill(POTENTIAL, kecamatan=k, where=where)
        values.append(sum(v for v in values[1:] if isinstance(v, int)))
        drills["total"] = drills[""] = Drill(POTENTIAL, where=where)
        rows.append(Row(tuple(values), drills))
    totals = Row(
        (_("Jumlah"), *(sum(r.values[n] for r in rows) for n in range(1, len(columns)))),
        {k: Drill(POTENTIAL, kecamatan=k) for k in area.kecamatan} | {"total": Drill(POTENTIAL)},
    )
    chart = Chart(
        _("Potensi per kecamatan menurut jenis"),
        tuple(short_name(area, k) for k in area.kecamatan),
        tuple(Series(str(r.values[0]), tuple(float(v) for v in r.values[1:-1])) for r in rows),
        stacked=True,
        value_label=_("potensi"),
    )
    return Table(
        "jenis-kecamatan", _("Potensi per jenis dan kecamatan"), columns, tuple(rows), totals, chart
    )


def _standout_table(
    area: Area,
    counts: dict[str, dict[str | None, int]],
    area_counts: dict[str | None, int],
) -> Table:
    area_total = sum(area_counts.values())
    found: list[tuple[float, int, str, str | None, float, float]] = []
    for k in area.kecamatan:
        line = counts.get(k, {})
        kecamatan_total = sum(line.values())
        for kind, count in line.items():
            if count < MIN_COUNT or not kecamatan_total or not area_counts.get(kind):
                continue
            here = count / kecamatan_total
            there = area_counts[kind] / area_total
            lq = here / there
            if lq >= LQ_MIN - 1e-9:
                found.append((lq, count, k, kind, here, there))
    # Highest LQ first, then the larger count; then code order, so that ties read the same.
    found.sort(key=lambda f: (-round(f[0], 6), -f[1], f[2], f[3] or "~"))
    columns = (
        Column("kecamatan", _("Kecamatan")),
        Column("jenis", _("Jenis potensi")),
        Column("jumlah", _("Jumlah di kecamatan"), ColumnType.INT),
        Column("pangsa_kecamatan", _("Pangsa di kecamatan"), ColumnType.PERCENT),
        Column("pangsa_wilayah", _("Pangsa di wilayah"), ColumnType.PERCENT),
        Column("lq", _("LQ"), ColumnType.FLOAT, heat=True),
    )
    rows = []
    for lq, count, k, kind, here, there in found:
        drill = Drill(POTENTIAL, kecamatan=k, where=(("potential_type", kind),))
        rows.append(
            Row(
                (
                    short_name(area, k),
                    label("jenis_potensi", kind),
                    count,
                    round(here * 100, 1),
                    round(there * 100, 1),
                    round(lq, 2),
                ),
                {"": drill, "jumlah": drill},
            )
        )
    chart = None
    if rows:
        chart = Chart(
            _("Potensi unggulan: kuosien lokasi (LQ)"),
            tuple(f"{r.values[0]}: {r.values[1]}" for r in rows),
            (Series(_("LQ"), tuple(float(r.values[5]) for r in rows)),),
            horizontal=True,
            value_label=_("LQ"),
        )
    return Table(
        "unggulan",
        _("Potensi unggulan per kecamatan"),
        columns,
        tuple(rows),
        None,
        chart,
        note=_("LQ ≥ {lq} dan paling sedikit {n} potensi; LQ tertinggi lebih dulu").format(
            lq=f"{LQ_MIN:g}", n=MIN_COUNT
        ),
    )
