"""Kesenjangan masalah–usulan: problems no proposal answers, and proposals linked to nothing.

A problem is answered when a live proposal names it in "Masalah yang diatasi" (``proposal_link``),
whichever village the proposal comes from and whether or not the filter shows that proposal. A
proposal is linked when it names a live problem or potential. Each record's link check is read
once and kept until the data changes (``kept_rows``), so a filter change only counts; the two
lists show the first ``LIST_LIMIT`` records in village order (a village's most severe problems
first), and the summary's drill-downs reach every one.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import text

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.drill import linked_ids_sql, unlinked_condition
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.kept_rows import (
    Plain,
    by_desa,
    created_day,
    from_columns,
    in_scope,
    kept,
    sharing,
    to_columns,
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
from smartcity_desktop.services.analysis.scope import Area, resolve
from smartcity_desktop.services.analysis.tabulate import (
    label,
    on_dimension,
    ordered,
    result,
    short_name,
)
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw

NAME = "kesenjangan-masalah-usulan"
LIST_LIMIT = 500


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    area = scope.area
    found = kept_gaps(ctx)
    villages = _villages(ctx, found)
    flt = scope.filter
    counts, listed = {}, {}
    for kind in ("problem", "proposal"):
        if flt.date_from or flt.date_to:
            rows = in_scope(found[kind].rows, found[kind].by_desa, scope)
            counts[kind] = _cells(rows, area)
            listed[kind] = _listed(kind, rows)
        else:
            # Every other filter selects whole villages, a dimension and a trust level: served
            # from each village's counts and sorted list, without a pass over every record.
            counts[kind] = _village_cells(villages[kind], area, flt)
            listed[kind] = _village_listed(villages[kind], area, flt)
    problems, proposals = listed["problem"], listed["proposal"]
    if tick is not None:
        tick(1, 1)
    dimensions = ordered("dimensions", (d for c in counts.values() for _k, d in c))
    unanswered = sum(c[1] for c in counts["problem"].values())
    unlinked = sum(c[1] for c in counts["proposal"].values())
    tables = (
        _summary(
            "masalah-tanpa-usulan",
            _("Permasalahan tanpa usulan per dimensi dan kecamatan"),
            _("Permasalahan tanpa usulan"),
            "problem",
            area,
            dimensions,
            counts["problem"],
        ),
        _summary(
            "usulan-tanpa-tautan",
            _("Usulan tanpa tautan per dimensi dan kecamatan"),
            _("Usulan tanpa tautan"),
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
    short_title: str,
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
    return Table(key, title, columns, tuple(rows), totals, chart, short_title=short_title)


_Listed = list[tuple[Any, ...]]  # id, title, desa, dimension, sub-element, figure
_Cells = dict[tuple[str, str | None], list[int]]  # (kecamatan, dimension) -> [records, unlinked]


class _Record(NamedTuple):
    desa: str
    dimension: str | None
    trust: str | None
    created: str
    unlinked: bool
    id: str
    title: str
    sub_element: str | None
    figure: Any  # a problem's severity, a proposal's estimated cost


@dataclass(frozen=True)
class _Kept:
    rows: tuple[_Record, ...]
    by_desa: dict[str, tuple[_Record, ...]]


def kept_gaps(ctx: AppContext) -> dict[str, _Kept]:
    """Every live record of the area with its link check, per kind, kept until the records or
    links change (``kept_rows.kept``). Reviews play no part in a link check: a review saved here
    keeps the kept read."""
    return kept(ctx, "gaps", _read, _PLAIN, ("problem", "potential", "proposal"))


def _from_plain(data: dict[str, list[list[Any]]]) -> dict[str, _Kept]:
    out = {}
    for kind, columns in data.items():
        rows = from_columns(_Record, len(_Record._fields), columns)
        out[kind] = _Kept(rows, by_desa(rows))
    return out


# Kept between processes (``kept_rows.Plain``): per kind, the rows as one list per field.
# Version 2: columns, not one tuple per row.
_PLAIN = Plain[dict[str, _Kept]](
    lambda found: {kind: to_columns(k.rows) for kind, k in found.items()}, _from_plain, version=2
)


def _read(session: Any, area: str) -> dict[str, _Kept]:
    """Every live record of the area with its link check, read once: the check is a lookup per
    record, too slow to repeat over 160,000 records on each filter change."""
    out = {}
    share = sharing()
    # SQLite: the linked ids as one set, checked here (an index probe per record cost it about
    # as much again as reading the records). PostgreSQL hashes the condition's subquery itself,
    # faster than sending the ids.
    in_python = session.get_bind().dialect.name == "sqlite"
    order = raw(session).bytewise("r.office_code", "r.id")
    for kind, figure in (("problem", "severity"), ("proposal", "estimated_cost")):
        linked: set[str] = (
            {record_id for (record_id,) in session.execute(text(linked_ids_sql(kind)))}
            if in_python
            else set()
        )
        check = "1" if in_python else f"CASE WHEN {unlinked_condition(kind, 'r')} THEN 1 ELSE 0 END"
        rows = [
            _Record(
                share(desa, desa),
                share(dimension, dimension),
                share(trust, trust),
                share(day := created_day(created), day),
                bool(unlinked) and record_id not in linked,
                record_id,
                share(title, title),
                share(sub, sub),
                share(value, value),
            )
            for desa, dimension, trust, created, unlinked, record_id, title, sub, value in session.execute(
                text(
                    f"SELECT r.office_code, r.dimension, r.trust_level, r.created_at, {check}, "
                    f"r.id, r.title, r.sub_element, r.{figure} FROM {kind} r "
                    "WHERE NOT r.deleted AND r.office_code > :lo AND r.office_code < :hi "
                    # Village by village, in one order on every engine: each village is then
                    # one run for ``by_desa`` (a server otherwise returns them as stored).
                    f"ORDER BY {order}"
                ),
                {"lo": area + ".", "hi": area + "/"},
            ).all()
        ]
        out[kind] = _Kept(tuple(rows), by_desa(rows))
    return out


_TALLIED = itemgetter(1, 2, 4)  # _Record's dimension, trust, unlinked


class _Village:
    """One village's kept rows of a kind, summed and sorted when a filter first needs them."""

    __slots__ = ("_first", "_tally", "kind", "rows")

    def __init__(self, kind: str, rows: tuple[_Record, ...]) -> None:
        self.kind = kind
        self.rows = rows
        self._tally: dict[tuple[str | None, str | None, bool], int] | None = None
        self._first: list[_Record] | None = None

    @property
    def tally(self) -> dict[tuple[str | None, str | None, bool], int]:
        """(dimension, trust, unlinked) -> records."""
        if self._tally is None:
            # (r.dimension, r.trust, r.unlinked) of each row, made at C speed.
            self._tally = Counter(map(_TALLIED, self.rows))
        return self._tally

    @property
    def first(self) -> list[_Record]:
        """The village's records without a link in the lists' order (``_listed``)."""
        if self._first is None:
            unlinked = [r for r in self.rows if r.unlinked]
            self._first = sorted(unlinked, key=_list_key(self.kind))
        return self._first


# (database, office) -> (the kept read, its villages): rebuilt when ``kept`` reads anew.
_by_village: dict[tuple[str, str], tuple[Any, dict[str, dict[str, _Village]]]] = {}
_by_village_lock = threading.Lock()


def _villages(ctx: AppContext, found: dict[str, _Kept]) -> dict[str, dict[str, _Village]]:
    key = (ctx.db.describe(), ctx.office.code)
    with _by_village_lock:
        hit = _by_village.get(key)
        if hit is not None and hit[0] is found:
            return hit[1]
        built = {
            kind: {desa: _Village(kind, rows) for desa, rows in kept_.by_desa.items()}
            for kind, kept_ in found.items()
        }
        _by_village[key] = (found, built)
        return built


def _village_cells(villages: dict[str, _Village], area: Area, flt: AnalysisFilter) -> _Cells:
    """``_cells`` of the rows ``in_scope`` selects for a filter without a period."""
    cells: _Cells = defaultdict(lambda: [0, 0])
    for desa in area.desa:
        village = villages.get(desa)
        if village is None:
            continue
        kecamatan = area.desa_kecamatan[desa]
        for (dimension, trust, unlinked), n in village.tally.items():
            if (flt.dimension and dimension != flt.dimension) or (flt.trust and trust != flt.trust):
                continue
            cell = cells[(kecamatan, dimension)]
            cell[0] += n
            if unlinked:
                cell[1] += n
    return cells


def _village_listed(villages: dict[str, _Village], area: Area, flt: AnalysisFilter) -> _Listed:
    """``_listed`` of the rows ``in_scope`` selects for a filter without a period: the villages
    in code order (the lists' first key), each village's records already in order."""
    first: list[_Record] = []
    for desa in area.desa:
        village = villages.get(desa)
        if village is None:
            continue
        for r in village.first:
            if (flt.dimension and r.dimension != flt.dimension) or (
                flt.trust and r.trust != flt.trust
            ):
                continue
            first.append(r)
            if len(first) == LIST_LIMIT:
                break
        if len(first) == LIST_LIMIT:
            break
    return [(r.id, r.title, r.desa, r.dimension, r.sub_element, r.figure) for r in first]


def _cells(rows: Sequence[_Record], area: Area) -> _Cells:
    counted: Counter[tuple[str, str | None, bool]] = Counter(
        (r.desa, r.dimension, r.unlinked) for r in rows
    )
    cells: _Cells = defaultdict(lambda: [0, 0])
    for (desa, dimension, unlinked), n in counted.items():
        cell = cells[(area.desa_kecamatan[desa], dimension)]
        cell[0] += n
        if unlinked:
            cell[1] += n
    return cells


def _listed(kind: str, rows: Sequence[_Record]) -> _Listed:
    """The first LIST_LIMIT records without a link in village order (problems: the most severe
    first in each village), then title and id."""
    unlinked = [r for r in rows if r.unlinked]
    first = heapq.nsmallest(LIST_LIMIT, unlinked, key=_list_key(kind))
    return [(r.id, r.title, r.desa, r.dimension, r.sub_element, r.figure) for r in first]


def _list_key(kind: str) -> Callable[[_Record], tuple[Any, ...]]:
    if kind == "problem":
        rank = {code: n for n, code in enumerate(ref_list("tingkat_keparahan").codes())}
        return lambda r: (r.desa, -rank.get(r.figure, -1), r.title, r.id)
    return lambda r: (r.desa, r.title, r.id)


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
