"""Build what the analysis views read of every record where new data comes in, so that the
analyst's first view after an import reads it instead of building it.

The views keep their whole-office reads in memory and in files of the data folder under a data
mark (``kept_rows``, ``kept_files``, ``similarity.kept_model``), and the stage filter keeps each
village's part in ``cache/kelengkapan.json`` (``review.stages``). Each is built again, once, by
the first use after the data changed: 1.6-3 s over 200,000 records. ``prepare_reads`` builds them
all right after an import (``smartcity import``, the Terima Data page) or on request
(``smartcity analysis prepare``, for a scheduled task on the other analyst PCs of a shared
server database). Nothing here writes to the database: a failure or a cancel leaves the imported
data as it is, and the next view simply builds what is missing itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smartcity_desktop.i18n import N_

if TYPE_CHECKING:  # light to import: the GUI's navigation reads ANALYSIS_ROLES
    from smartcity_desktop.services.context import AppContext

# The offices that have the analysis views (the Analisis page, ``smartcity analysis``): a desa
# only sees its own records.
ANALYSIS_ROLES = ("kecamatan", "kabupaten")

Tick = Callable[[int, int, str], None]  # (done, total, message); ``TaskProgress.report`` fits
Cancelled = Callable[[], bool]

# Each step's share of the progress bar.
_SCALE = 1000


class _Stop(Exception):
    """Raised through a step's own progress to stop it when a cancel was asked for."""


@dataclass
class Prepared:
    """What ``prepare_reads`` did: the steps finished, in order, each one's time, and the
    whole time it took."""

    done: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    cancelled: bool = False


def has_analysis(ctx: AppContext) -> bool:
    return ctx.office.role in ANALYSIS_ROLES


def _proposals(ctx: AppContext, _tick: Callable[[int, int], None]) -> None:
    from smartcity_desktop.services.analysis.proposal_facts import kept_proposals

    kept_proposals(ctx)


def _gaps(ctx: AppContext, _tick: Callable[[int, int], None]) -> None:
    from smartcity_desktop.services.analysis.gaps import kept_gaps

    kept_gaps(ctx)


def _clusters(ctx: AppContext, tick: Callable[[int, int], None]) -> None:
    from smartcity_desktop.services.similarity.kept_model import kept_model

    kept_model(ctx, tick)


def _stages(ctx: AppContext, _tick: Callable[[int, int], None]) -> None:
    from smartcity_desktop.services.analysis.scope import village_stages

    village_stages(ctx)


# (name, what the progress says, the step). Every kept read of ``services.analysis.VIEWS``:
# proposals (peringkat usulan, kandidat quick win, keselarasan), the link checks (kesenjangan),
# the clusters (isu strategis), and each village's stage (the stage filter of every view).
STEPS: tuple[tuple[str, str, Callable[[AppContext, Callable[[int, int], None]], None]], ...] = (
    ("proposals", N_("usulan"), _proposals),
    ("gaps", N_("kesenjangan"), _gaps),
    ("isu-strategis", N_("isu strategis"), _clusters),
    ("stages", N_("tahap desa"), _stages),
)


def prepare_reads(
    ctx: AppContext, tick: Tick | None = None, cancelled: Cancelled | None = None
) -> Prepared:
    """Build every kept read of the analysis views that the data's changes made stale (a read
    still current is only read back). Does nothing at an office without analysis views.

    ``tick(done, total, message)`` hears the progress; ``cancelled()`` is asked between steps
    (and during the clusters, the longest): when it says yes, the steps not finished are left
    to the first view that needs them, and ``Prepared.cancelled`` says so."""
    from smartcity_desktop.i18n import _

    out = Prepared()
    if not has_analysis(ctx):
        return out
    started = time.perf_counter()
    total = len(STEPS) * _SCALE
    try:
        for n, (name, label, step) in enumerate(STEPS):
            if cancelled is not None and cancelled():
                raise _Stop
            message = _(label)

            def inner(done: int, of: int, n: int = n, message: str = message) -> None:
                if cancelled is not None and cancelled():
                    raise _Stop
                if tick is not None and of > 0:
                    tick(n * _SCALE + min(_SCALE * done // of, _SCALE - 1), total, message)

            if tick is not None:
                tick(n * _SCALE, total, message)
            begun = time.perf_counter()
            step(ctx, inner)
            out.step_seconds[name] = time.perf_counter() - begun
            out.done.append(name)
        if tick is not None:
            tick(total, total, "")
    except _Stop:
        out.cancelled = True
    out.seconds = time.perf_counter() - started
    return out
