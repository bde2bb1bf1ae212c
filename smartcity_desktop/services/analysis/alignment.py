"""Keselarasan urusan/OPD/RPJMD: where the villages' proposals land in the regency's plan.

- urusan × dimension: proposals and problems counted (rows: the urusan that have any);
- proposals per lead OPD (the OPD the village suggested, as typed);
- proposals per RPJMD programme, through the office's crosswalk (``crosswalk.Matcher``: the most
  specific row wins), with the proposals no row matches on a line of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from operator import itemgetter

from sqlalchemy import text

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.crosswalk import CrosswalkRow, Matcher, crosswalk_rows
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.proposal_facts import FIELD, proposals_in_scope
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
from smartcity_desktop.services.analysis.scope import Scope, resolve
from smartcity_desktop.services.context import AppContext

NAME = "keselarasan-urusan-opd-rpjmd"


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    where, params = scope.where("r")
    crosswalk = crosswalk_rows(ctx)
    matcher = Matcher(crosswalk)
    with ctx.db.session() as session:
        problem_counts = [
            (u, d, n)
            for u, d, n in session.execute(
                text(
                    f"SELECT r.urusan, r.dimension, count(*) FROM problem r WHERE {where} "
                    "GROUP BY r.urusan, r.dimension"
                ),
                params,
            )
        ]
    # The proposals from the office's kept rows (proposal_facts): a filter change reads none of
    # them again, and each distinct (urusan, sub-element, OPD) is matched once.
    facts = proposals_in_scope(ctx, scope)
    # Columns taken at C speed, then one light pass over the proposals (every proposal in scope
    # is counted: 80,000 at a regency).
    proposal_cells = Counter(
        map(itemgetter(FIELD["urusan"], FIELD["dimension"]), facts)
    )  # (urusan, dimension)
    opds = list(map(itemgetter(FIELD["opd"]), facts))
    opd_counts = Counter(opds)  # in the order the OPDs first appear
    opd_villages = Counter(
        opd for opd, _desa in dict.fromkeys(map(itemgetter(FIELD["opd"], FIELD["desa"]), facts))
    )
    opd_costs: dict[str | None, int] = {}
    programme_ids: dict[int, list[str]] = defaultdict(list)
    programme_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows_by_index = {id(r): n for n, r in enumerate(matcher.rows)}
    unmatched = len(matcher.rows)
    triples = list(
        map(itemgetter(FIELD["urusan"], FIELD["sub_element"], FIELD["opd"]), facts)
    )  # (urusan, sub-element, OPD)
    matched: dict[tuple[str | None, str | None, str | None], int] = {}
    for triple in dict.fromkeys(triples):
        hit = matcher.match(*triple)
        matched[triple] = rows_by_index[id(hit)] if hit is not None else unmatched
    for index, record_id, opd, cost in zip(
        map(matched.__getitem__, triples),
        map(itemgetter(FIELD["id"]), facts),
        opds,
        map(itemgetter(FIELD["cost"]), facts),
        strict=True,
    ):
        programme_ids[index].append(record_id)
        sums = programme_sums[index]
        sums[0] += 1
        if cost is not None:
            sums[1] += cost
            opd_costs[opd] = opd_costs.get(opd, 0) + cost
    counts = {
        "proposal": [(u, d, n) for (u, d), n in proposal_cells.items()],
        "problem": problem_counts,
    }
    opd_rows: list[tuple[str | None, int, int | None, int]] = [
        (opd, n, opd_costs.get(opd), opd_villages[opd]) for opd, n in opd_counts.items()
    ]
    if tick is not None:
        tick(1, 1)
    tables = (
        _urusan_table("usulan", _("Usulan per urusan × dimensi"), "proposal", counts["proposal"]),
        _urusan_table(
            "permasalahan", _("Permasalahan per urusan × dimensi"), "problem", counts["problem"]
        ),
        _opd_table(opd_rows),
        _programme_table(scope, matcher.rows, programme_ids, programme_sums, unmatched),
    )
    notes = (
        (
            _("Padanan RPJMD"),
            _(
                "{n} baris padanan; usulan mengikuti baris yang paling rinci (paling banyak "
                "bagian terisi; bila sama: OPD, lalu sub-elemen, lalu urusan)"
            ).format(n=len(crosswalk)),
        ),
        (
            _("OPD pengampu"),
            _("OPD yang disarankan desa pada usulan, dikelompokkan persis seperti diketik"),
        ),
    )
    computed = ctx.clock()
    return ViewResult(
        NAME,
        _("Keselarasan urusan/OPD/RPJMD"),
        ctx.office.code,
        flt,
        scope.area.names,
        tables,
        notes,
        computed_at=computed if isinstance(computed, dt.datetime) else None,
        cut_off=data_cut_off(ctx),
    )


def _urusan_table(
    key: str, title: str, kind: str, counts: list[tuple[str | None, str | None, int]]
) -> Table:
    urusan = ref_list("urusan")
    dimensions = ref_list("dimensions")
    cells: dict[tuple[str | None, str | None], int] = {}
    for u, d, n in counts:
        cells[(u, d)] = cells.get((u, d), 0) + n
    present = {u for u, _d in cells}
    order: list[str | None] = [c for c in urusan.codes() if c in present]
    order += sorted(c for c in present if c is not None and urusan.get(c) is None)
    if None in present:
        order.append(None)
    dims = list(dimensions.codes())
    columns = (
        Column("urusan", _("Urusan")),
        *(Column(d, dimensions.label(d), ColumnType.INT, heat=True) for d in dims),
        Column("total", _("Total"), ColumnType.INT),
    )
    rows = []
    for u in order:
        label = f"{u} {urusan.label(u)}" if u else _("(urusan belum diisi)")
        where = (("urusan", u),)
        values = [label, *(cells.get((u, d), 0) for d in dims)]
        values.append(sum(n for (uu, _d), n in cells.items() if uu == u))
        drills = {d: Drill((kind,), dimension=d, where=where) for d in dims}
        drills["total"] = drills[""] = Drill((kind,), where=where)
        rows.append(Row(tuple(values), drills))
    totals = Row(
        (
            _("Jumlah"),
            *(sum(n for (_u, dd), n in cells.items() if dd == d) for d in dims),
            sum(cells.values()),
        ),
        {d: Drill((kind,), dimension=d) for d in dims} | {"total": Drill((kind,))},
    )
    return Table(
        key,
        title,
        columns,
        tuple(rows),
        totals,
        note=_("Hanya urusan yang memiliki catatan; catatan tanpa dimensi tidak masuk kolom."),
    )


def _opd_table(rows: list[tuple[str | None, int, int | None, int]]) -> Table:
    ordered = sorted(rows, key=lambda r: (r[0] is None or r[0] == "", -r[1], r[0] or ""))
    out = []
    for opd, count, cost, villages in ordered:
        out.append(
            Row(
                (opd or _("(OPD belum diisi)"), count, villages, cost or 0),
                {"": Drill(("proposal",), where=(("opd", opd),))},
            )
        )
    top = [r for r in out if r.values[0] != _("(OPD belum diisi)")][:12]
    chart = Chart(
        _("Usulan per OPD pengampu"),
        tuple(str(r.values[0]) for r in top),
        (Series(_("usulan"), tuple(float(r.values[1]) for r in top)),),
        horizontal=True,
        value_label=_("usulan"),
    )
    return Table(
        "opd",
        _("Usulan per OPD pengampu"),
        (
            Column("opd", _("OPD pengampu")),
            Column("usulan", _("Usulan"), ColumnType.INT, heat=True),
            Column("desa", _("Desa pengusul"), ColumnType.INT),
            Column("biaya", _("Σ perkiraan biaya"), ColumnType.MONEY),
        ),
        tuple(out),
        Row(
            (
                _("Jumlah"),
                sum(r[1] for r in rows),
                None,
                sum(r[2] or 0 for r in rows),
            )
        ),
        chart if top else None,
    )


def _programme_table(
    scope: Scope,
    crosswalk: list[CrosswalkRow],
    ids: dict[int, list[str]],
    sums: dict[int, list[int]],
    unmatched: int,
) -> Table:
    del scope
    # One line per programme (several crosswalk rows may lead to the same programme).
    by_programme: dict[tuple[str, str], list[int]] = {}
    for n, row in enumerate(crosswalk):
        by_programme.setdefault((row.programme_code, row.programme_name), []).append(n)
    out = []
    for (code, name), indexes in sorted(by_programme.items()):
        count = sum(sums[i][0] for i in indexes if i in sums)
        if not count:
            continue
        record_ids = tuple(r for i in indexes for r in ids.get(i, []))
        via = "; ".join(crosswalk[i].describe_match() for i in indexes if sums.get(i, [0])[0])
        out.append(
            Row(
                (code, name, count, sum(sums[i][1] for i in indexes if i in sums), via),
                {"": Drill(("proposal",), ids=record_ids)},
            )
        )
    if sums.get(unmatched, [0])[0]:
        out.append(
            Row(
                (
                    "",
                    _("(belum ada padanan RPJMD)"),
                    sums[unmatched][0],
                    sums[unmatched][1],
                    _("tidak ada baris padanan yang cocok"),
                ),
                {"": Drill(("proposal",), ids=tuple(ids[unmatched]))},
            )
        )
    return Table(
        "program-rpjmd",
        _("Usulan per program RPJMD"),
        (
            Column("kode", _("Kode program")),
            Column("program", _("Program RPJMD")),
            Column("usulan", _("Usulan"), ColumnType.INT, heat=True),
            Column("biaya", _("Σ perkiraan biaya"), ColumnType.MONEY),
            Column("padanan", _("Dipadankan lewat")),
        ),
        tuple(out),
        Row(
            (
                _("Jumlah"),
                "",
                sum(s[0] for s in sums.values()),
                sum(s[1] for s in sums.values()),
                "",
            )
        ),
    )
