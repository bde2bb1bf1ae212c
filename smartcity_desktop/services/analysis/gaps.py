"""Kesenjangan masalah–usulan: problems no proposal answers, and proposals linked to nothing.

A problem is answered when a live proposal names it in "Masalah yang diatasi" (``proposal_link``),
whichever village the proposal comes from and whether or not the filter shows that proposal. A
proposal is linked when it names a live problem or potential. Counts come from one GROUP BY per
kind; the two lists show the first ``LIST_LIMIT`` records in village order (a village's most
severe problems first), and the summary's drill-downs reach every one.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import text

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.drill import unlinked_condition
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
from smartcity_desktop.services.analysis.tabulate import (
    label,
    on_dimension,
    ordered,
    result,
    short_name,
)
from smartcity_desktop.services.context import AppContext

NAME = "kesenjangan-masalah-usulan"
LIST_LIMIT = 500


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    where, params = scope.where("r")
    # Each kind's link check is a lookup per record inside SQLite, which lets go of the GIL: the
    # two kinds run side by side on their own connections.
    with ThreadPoolExecutor(max_workers=2) as pool:
        problem_part = pool.submit(_kind_part, ctx, "problem", area, where, params)
        proposal_part = pool.submit(_kind_part, ctx, "proposal", area, where, params)
        problem_cells, problems = problem_part.result()
        proposal_cells, proposals = proposal_part.result()
    counts = {"problem": problem_cells, "proposal": proposal_cells}
    if tick is not None:
        tick(1, 1)
    dimensions = ordered("dimensions", (d for c in counts.values() for _k, d in c))
    unanswered = sum(c[1] for c in counts["problem"].values())
    unlinked = sum(c[1] for c in counts["proposal"].values())
    tables = (
        _summary(
            "masalah-tanpa-usulan",
            _("Permasalahan tanpa usulan per dimensi dan kecamatan"),
            "problem",
            area,
            dimensions,
            counts["problem"],
        ),
        _summary(
            "usulan-tanpa-tautan",
            _("Usulan tanpa tautan per dimensi dan kecamatan"),
            "proposal",
            area,
            dimensions,
            counts["proposal"],
        ),
        _listing(
            "daftar-masalah",
            _("Daftar permasalahan tanpa usulan"),
            "problem",
            problems,
            unanswered,
            _("Keparahan"),
            area,
        ),
        _listing(
            "daftar-usulan",
            _("Daftar usulan tanpa tautan"),
            "proposal",
            proposals,
            unlinked,
            _("Perkiraan biaya (Rp)"),
            area,
        ),
    )
    notes = (
        (
            _("Permasalahan tanpa usulan"),
            _(
                'permasalahan yang tidak disebut pada "Masalah yang diatasi" oleh usulan mana '
                "pun yang masih berlaku (dari desa mana pun, di dalam atau di luar saringan)"
            ),
        ),
        (
            _("Usulan tanpa tautan"),
            _("usulan yang tidak menyebut permasalahan atau potensi yang masih berlaku"),
        ),
        (
            _("Daftar"),
            _(
                "paling banyak {n} catatan per daftar, urut kode desa (permasalahan: yang terberat "
                "lebih dulu di tiap desa); seluruhnya dapat dibuka dari angka pada tabel ringkasan"
            ).format(n=LIST_LIMIT),
        ),
    )
    return result(ctx, NAME, _("Kesenjangan masalah–usulan"), flt, area, tables, notes)


def _summary(
    key: str,
    title: str,
    kind: str,
    area: Area,
    dimensions: list[str | None],
    cells: dict[tuple[str, str | None], list[int]],
) -> Table:
    kinds = (kind,)
    columns = (
        Column("dimensi", _("Dimensi")),
        *(Column(k, short_name(area, k), ColumnType.INT, heat=True) for k in area.kecamatan),
        Column("total", _("Total"), ColumnType.INT),
        Column("semua", _("Semua catatan"), ColumnType.INT),
        Column("persen", _("% tanpa tautan"), ColumnType.PERCENT),
    )
    rows = []
    for d in dimensions:
        values: list[object] = [label("dimensions", d)]
        drills = {}
        for k in area.kecamatan:
            values.append(cells.get((k, d), [0, 0])[1])
            drills[k] = on_dimension(kinds, d, kecamatan=k, unlinked=True)
        gap = sum(cells.get((k, d), [0, 0])[1] for k in area.kecamatan)
        every = sum(cells.get((k, d), [0, 0])[0] for k in area.kecamatan)
        values += [gap, every, round(100 * gap / every, 1) if every else 0.0]
        drills["total"] = drills[""] = drills["persen"] = on_dimension(kinds, d, unlinked=True)
        drills["semua"] = on_dimension(kinds, d)
        rows.append(Row(tuple(values), drills))
    gap = sum(int(r.values[-3]) for r in rows)
    every = sum(int(r.values[-2]) for r in rows)
    totals = Row(
        (
            _("Jumlah"),
            *(sum(int(r.values[n]) for r in rows) for n in range(1, len(area.kecamatan) + 1)),
            gap,
            every,
            round(100 * gap / every, 1) if every else 0.0,
        ),
        {k: Drill(kinds, kecamatan=k, unlinked=True) for k in area.kecamatan}
        | {
            "total": Drill(kinds, unlinked=True),
            "persen": Drill(kinds, unlinked=True),
            "semua": Drill(kinds),
        },
    )
    chart = Chart(
        title,
        tuple(short_name(area, k) for k in area.kecamatan),
        tuple(
            Series(str(r.values[0]), tuple(float(v) for v in r.values[1 : 1 + len(area.kecamatan)]))
            for r in rows
        ),
        stacked=True,
        value_label=_("permasalahan") if kind == "problem" else _("usulan"),
    )
    return Table(key, title, columns, tuple(rows), totals, chart)


_Listed = list[tuple[Any, ...]]  # id, title, desa, dimension, sub-element, figure
_Cells = dict[tuple[str, str | None], list[int]]  # (kecamatan, dimension) -> [records, unlinked]


def _kind_part(
    ctx: AppContext, kind: str, area: Area, where: str, params: dict[str, Any]
) -> tuple[_Cells, _Listed]:
    cells: _Cells = defaultdict(lambda: [0, 0])
    with ctx.db.session() as session:
        for desa, dimension, count, unlinked in session.execute(
            text(
                "SELECT r.office_code, r.dimension, count(*), "
                f"sum(CASE WHEN {unlinked_condition(kind, 'r')} THEN 1 ELSE 0 END) "
                f"FROM {kind} r WHERE {where} GROUP BY r.office_code, r.dimension"
            ),
            params,
        ):
            cell = cells[(area.desa_kecamatan[desa], dimension)]
            cell[0] += count
            cell[1] += int(unlinked or 0)
        listed = (
            _problem_list(session, where, params)
            if kind == "problem"
            else _proposal_list(session, where, params)
        )
    return cells, listed


def _problem_list(session: Any, where: str, params: dict[str, Any]) -> _Listed:
    # Village order first: SQLite walks the office_code index and stops at the limit, instead
    # of checking every problem's links to sort them all by severity.
    ranks = ref_list("tingkat_keparahan").codes()
    rank = (
        "CASE r.severity "
        + " ".join(f"WHEN :sev{n} THEN {n}" for n in range(len(ranks)))
        + " ELSE -1 END"
    )
    extra = dict(params) | {f"sev{n}": code for n, code in enumerate(ranks)}
    extra["limit"] = LIST_LIMIT
    return list(
        session.execute(
            text(
                "SELECT r.id, r.title, r.office_code, r.dimension, r.sub_element, r.severity "
                f"FROM problem r WHERE {where} AND {unlinked_condition('problem', 'r')} "
                f"ORDER BY r.office_code, {rank} DESC, r.title, r.id LIMIT :limit"
            ),
            extra,
        )
    )


def _proposal_list(session: Any, where: str, params: dict[str, Any]) -> _Listed:
    return list(
        session.execute(
            text(
                "SELECT r.id, r.title, r.office_code, r.dimension, r.sub_element, "
                f"r.estimated_cost FROM proposal r WHERE {where} AND "
                f"{unlinked_condition('proposal', 'r')} "
                "ORDER BY r.office_code, r.title, r.id LIMIT :limit"
            ),
            dict(params) | {"limit": LIST_LIMIT},
        )
    )


def _listing(
    key: str, title: str, kind: str, listed: _Listed, total: int, figure: str, area: Area
) -> Table:
    from smartcity_desktop.domain.similarity import sub_element_label

    problem = kind == "problem"
    columns = (
        Column("judul", _("Judul")),
        Column("desa", _("Desa/kelurahan")),
        Column("kecamatan", _("Kecamatan")),
        Column("dimensi", _("Dimensi")),
        Column("sub_elemen", _("Sub-elemen")),
        Column(
            "keparahan" if problem else "biaya",
            figure,
            ColumnType.TEXT if problem else ColumnType.MONEY,
        ),
    )
    rows = []
    for record_id, name, desa, dimension, sub, value in listed:
        drill = Drill((kind,), ids=(record_id,))
        rows.append(
            Row(
                (
                    name,
                    area.names.get(desa, desa),
                    short_name(area, area.desa_kecamatan.get(desa, "")),
                    label("dimensions", dimension),
                    sub_element_label(sub) if sub else label("dimensions", None),
                    label("tingkat_keparahan", value) if problem else value,
                ),
                {"": drill},
            )
        )
    note = ""
    if total > len(rows):
        note = _("{shown} dari {total} catatan ditampilkan.").format(shown=len(rows), total=total)
    return Table(key, title, columns, tuple(rows), None, None, note)
