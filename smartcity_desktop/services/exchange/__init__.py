"""Export, verify and import signed bundles: the database side of the bundle format.

- ``export``: this office's changes into a signed bundle;
- ``importer``: verify and import bundles, each in its own transaction;
- ``rows``: the checks and writes for the rows of one verified bundle;
- ``ledger``: which bundles came from whom, and the gaps.
"""

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
from smartcity_desktop.services.exchange.ledger import ledger
from smartcity_desktop.services.import_report import BundleReport, Finding, RecordOutcome

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
