"""The regency's (and a kecamatan's) analysis views over its villages' records.

- ``filters``: the one filter every view takes; ``scope``: that filter resolved to villages and SQL;
- ``result``: the tables, chart and notes a view returns (read by the GUI, CLI, XLSX and annex);
- ``registry``: the views by name; each view lives in its own module;
- ``drill``: the records behind a number.

The package loads its modules when a name is first used: ``smartcity --help`` builds the
``analysis`` subcommands from the registry without loading the database layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartcity_desktop.services.analysis.drill import (
        DrillResult,
        DrillRow,
        drill_records,
    )
    from smartcity_desktop.services.analysis.filters import (
        TRUST_LEVELS,
        AnalysisFilter,
        FilterRefused,
        parse_date,
    )
    from smartcity_desktop.services.analysis.registry import (
        VIEWS,
        Tick,
        UnknownView,
        ViewSpec,
        view,
    )
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
    from smartcity_desktop.services.analysis.scope import (
        AnalysisRefused,
        Area,
        Scope,
        resolve,
    )

_WHERE = {
    "DrillResult": "drill",
    "DrillRow": "drill",
    "drill_records": "drill",
    "TRUST_LEVELS": "filters",
    "AnalysisFilter": "filters",
    "FilterRefused": "filters",
    "parse_date": "filters",
    "VIEWS": "registry",
    "Tick": "registry",
    "UnknownView": "registry",
    "ViewSpec": "registry",
    "view": "registry",
    "Chart": "result",
    "Column": "result",
    "ColumnType": "result",
    "Drill": "result",
    "Row": "result",
    "Series": "result",
    "Table": "result",
    "ViewResult": "result",
    "AnalysisRefused": "scope",
    "Area": "scope",
    "Scope": "scope",
    "resolve": "scope",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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
