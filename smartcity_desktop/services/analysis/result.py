"""What every analysis view returns: tables of typed columns, a chart, notes and the filter.

The GUI page, the CLI (``--json``/``--csv``/``--xlsx``), the XLSX writer and the annex PDF all
read this one shape, so a view is written once. Every number can name the records behind it
(``Drill``): the drill-down lists them with their provenance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from smartcity_desktop.services.analysis.filters import AnalysisFilter


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"  # shown with one decimal
    MONEY = "money"  # whole rupiah
    PERCENT = "percent"  # 0..100, one decimal


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # already translated
    type: ColumnType = ColumnType.TEXT
    heat: bool = False  # coloured by value in a heat table (GUI and PDF)
    # Data for scripts and spreadsheets (an internal key, or parts a readable column already
    # shows): written to CSV, XLSX and JSON, left out on screen and in the annex PDF.
    internal: bool = False


@dataclass(frozen=True)
class Span:
    """A ``Drill.where`` value: the column's values from ``start`` (inclusive) to ``end``
    (exclusive); ``None`` leaves that end open. Dates are ISO text, so they compare as text."""

    start: Any = None
    end: Any = None


@dataclass(frozen=True)
class Drill:
    """The records behind a number: the view's filter narrowed, plus column conditions.

    ``where`` holds (column, value) pairs on the record table; ``None`` means "not filled in",
    a ``Span`` a range. ``ids`` lists the records exactly when no condition can (a cluster, a
    ranked proposal). ``unlinked`` keeps only records without a proposal link: problems and
    potentials that no live proposal names, proposals that name nothing.
    """

    kinds: tuple[str, ...]
    kecamatan: str | None = None
    desa: str | None = None
    dimension: str | None = None
    where: tuple[tuple[str, Any], ...] = ()
    ids: tuple[str, ...] = ()
    unlinked: bool = False


@dataclass(frozen=True)
class Row:
    values: tuple[Any, ...]
    # column key -> the records behind that cell; the key "" is the row as a whole.
    drills: Mapping[str, Drill] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A chart a person would rather look at than read: bars per category, one or more series."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    horizontal: bool = False
    value_label: str = ""


def bar_label(position: int, title: str, width: int = 30) -> str:
    """A bar's name in a chart of the top items: numbered (an axis merges equal names, and
    villages often write alike) and short enough to stand beside the bar whole."""
    short = title if len(title) <= width else title[: width - 1].rstrip() + "…"
    return f"{position}. {short}"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None
    chart: Chart | None = None
    note: str = ""  # one line under the table (how a figure is computed)
    short_title: str = ""  # a tab's label where ``title`` is too long for a row of tabs

    @property
    def tab_title(self) -> str:
        return self.short_title or self.title

    def column_index(self, key: str) -> int:
        for n, column in enumerate(self.columns):
            if column.key == key:
                return n
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        keys = [c.key for c in self.columns]
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "columns": [
                {"key": c.key, "title": c.title, "type": c.type.value} for c in self.columns
            ],
            "rows": [dict(zip(keys, _plain(r.values), strict=True)) for r in self.rows],
            "totals": dict(zip(keys, _plain(self.totals.values), strict=True))
            if self.totals
            else None,
        }


@dataclass(frozen=True)
class ViewResult:
    view: str  # the registry name, e.g. "matriks-permasalahan"
    title: str
    office_code: str
    filter: AnalysisFilter
    names: Mapping[str, str]  # region code -> display name, for describing the filter
    tables: tuple[Table, ...]
    # (label, value) lines printed with the view: weights, criteria, how a figure is made.
    notes: tuple[tuple[str, str], ...] = ()
    computed_at: dt.datetime | None = None
    # The newest bundle this office had imported when the view was computed (data cut-off).
    cut_off: dt.datetime | None = None
    # Keys merged into ``as_dict()`` beside the standard ones (a view's older JSON shape that
    # scripts rely on, e.g. isu strategis' records, clusters and decisions).
    extra: Mapping[str, Any] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def describe_filter(self) -> list[tuple[str, str]]:
        return self.filter.describe(dict(self.names))

    def as_dict(self) -> dict[str, Any]:
        return {
            "view": self.view,
            "title": self.title,
            "office": self.office_code,
            "filters": self.filter.as_dict(),
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "cut_off": self.cut_off.isoformat() if self.cut_off else None,
            "notes": [{"label": label, "value": value} for label, value in self.notes],
            "tables": [t.as_dict() for t in self.tables],
            **self.extra,
        }


def _plain(values: Sequence[Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values]
