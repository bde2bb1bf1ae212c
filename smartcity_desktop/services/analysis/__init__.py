"""The regency's (and a kecamatan's) analysis views over its villages' records.

- ``filters``: the one filter every view takes; ``scope``: that filter resolved to villages and SQL;
- ``result``: the tables, chart and notes a view returns (read by the GUI, CLI, XLSX and annex);
- ``registry``: the views by name; each view lives in its own module;
- ``drill``: the records behind a number.
"""

from smartcity_desktop.services.analysis.drill import DrillResult, DrillRow, drill_records
from smartcity_desktop.services.analysis.filters import (
    TRUST_LEVELS,
    AnalysisFilter,
    FilterRefused,
    parse_date,
)
from smartcity_desktop.services.analysis.registry import VIEWS, Tick, UnknownView, ViewSpec, view
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
from smartcity_desktop.services.analysis.scope import AnalysisRefused, Area, Scope, resolve

__all__ = [
    "TRUST_LEVELS",
    "VIEWS",
    "AnalysisFilter",
    "AnalysisRefused",
    "Area",
    "Chart",
    "Column",
    "ColumnType",
    "Drill",
    "DrillResult",
    "DrillRow",
    "FilterRefused",
    "Row",
    "Scope",
    "Series",
    "Table",
    "Tick",
    "UnknownView",
    "ViewResult",
    "ViewSpec",
    "drill_records",
    "parse_date",
    "resolve",
    "view",
]
