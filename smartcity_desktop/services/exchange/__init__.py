"""Export, verify and import signed bundles: the database side of the bundle format.

- ``export``: this office's changes into a signed bundle;
- ``importer``: verify and import bundles, each in its own transaction;
- ``rows``: the checks and writes for the rows of one verified bundle;
- ``ledger``: which bundles came from whom, and the gaps.

The names below are loaded on first use (PEP 562): ``smartcity verify`` needs the importer but not
the export side (photos, the bundle writer), and pays only for what it uses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartcity_desktop.bundles.sizes import parse_size
    from smartcity_desktop.services.exchange.export import (
        ExportResult,
        abandoned_numbers,
        export_bundle,
        last_export,
        pending_counts,
    )
    from smartcity_desktop.services.exchange.importer import (
        group_inputs,
        import_files,
        may_receive,
        verify_files,
    )
    from smartcity_desktop.services.import_report import BundleReport, Finding, RecordOutcome

# Not lazy: the submodule of the same name would otherwise shadow the function once imported.
from smartcity_desktop.services.exchange.ledger import ledger

_WHERE = {
    "parse_size": "smartcity_desktop.bundles.sizes",
    "ExportResult": "smartcity_desktop.services.exchange.export",
    "abandoned_numbers": "smartcity_desktop.services.exchange.export",
    "export_bundle": "smartcity_desktop.services.exchange.export",
    "last_export": "smartcity_desktop.services.exchange.export",
    "pending_counts": "smartcity_desktop.services.exchange.export",
    "group_inputs": "smartcity_desktop.services.exchange.importer",
    "import_files": "smartcity_desktop.services.exchange.importer",
    "may_receive": "smartcity_desktop.services.exchange.importer",
    "verify_files": "smartcity_desktop.services.exchange.importer",
    "BundleReport": "smartcity_desktop.services.import_report",
    "Finding": "smartcity_desktop.services.import_report",
    "RecordOutcome": "smartcity_desktop.services.import_report",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BundleReport",
    "ExportResult",
    "Finding",
    "RecordOutcome",
    "abandoned_numbers",
    "export_bundle",
    "group_inputs",
    "import_files",
    "last_export",
    "ledger",
    "may_receive",
    "parse_size",
    "pending_counts",
    "verify_files",
]
