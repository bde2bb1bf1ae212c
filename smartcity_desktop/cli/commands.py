"""The list of command groups; each module registers its own subcommands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smartcity_desktop.cli import (
    cmd_analysis,
    cmd_bundles,
    cmd_db,
    cmd_forward,
    cmd_office,
    cmd_records,
    cmd_regions,
    cmd_report,
    cmd_review,
)

Register = Callable[[Any, Callable[[Any], None]], None]

REGISTRY: list[Register] = [
    cmd_office.register,
    cmd_records.register,
    cmd_regions.register,
    cmd_report.register,
    cmd_bundles.register,
    cmd_review.register,
    cmd_analysis.register,
    cmd_forward.register,
    cmd_db.register,
]
