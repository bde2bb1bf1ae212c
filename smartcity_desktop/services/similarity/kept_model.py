"""Isu strategis's clusters, kept while the office's problems and decisions are unchanged: in this
process, and in a file of the data folder for the next one (``services.kept_files``).

Forming the clusters of 200,000 records takes seconds; the analysis view, the Isu strategis page,
``smartcity analysis isu-strategis`` and the merge and split decisions all read them from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from smartcity_desktop.services import kept_files, stored_words
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.similarity.issues import (
    IssueGroups,
    IssueModel,
    IssueResult,
    live_decisions,
)
from smartcity_desktop.services.similarity.records import (
    AreaFilter,
    check_area,
    load_rows,
    region_names,
)

NAME = "isu-strategis"
Tick = Callable[[int, int], None]  # (done, total); it may raise to cancel

# Raise when the clusters' rules or IssueModel.to_plain change: older kept files are then unused.
MODEL_VERSION = 3

_models: dict[str, tuple[tuple[Any, ...], IssueModel]] = {}
_groups: dict[str, tuple[tuple[Any, ...], IssueGroups]] = {}
_lock = threading.Lock()


def _fingerprint(ctx: AppContext) -> tuple[Any, ...]:
    """The office, its problems' mark (count, revisions, last change) and its decisions' mark."""
    with ctx.db.session() as session:
        problems = session.execute(
            text("SELECT count(*), sum(revision), max(updated_at) FROM problem")
        ).one()
        decisions = session.execute(
            text("SELECT count(*), sum(revision), max(updated_at) FROM issue_decision")
        ).one()
    return (ctx.office.code, *problems, *decisions)


def kept_model(ctx: AppContext, tick: Tick | None = None) -> IssueModel:
    """The office's clusters, formed again only when its problems or decisions changed: kept in
    this process, and in a file for the next one (``kept_files``). A new decision (merge, split,
    undo) with the problems unchanged reuses this process's groups: only the clusters it touches
    are summed again."""
    key = ctx.db.describe()
    mark = _fingerprint(ctx)
    with _lock:
        hit = _models.get(key)
    if hit is not None and hit[0] == mark:
        return hit[1]
    kept_files.into_gc()
    path = kept_files.path_of(ctx.paths.root, NAME)
    stamp = kept_files.stamp(NAME, MODEL_VERSION, stored_words.rules(), key, mark)
    with kept_files.gc_paused():
        built = _from_file(kept_files.load(path, stamp), lambda: _titles(ctx))
        if built is not None:
            # Village and kecamatan names come from the region list, which no mark follows (a new
            # list changes no problem): read again with every file, a few hundred codes.
            built.names = region_names(ctx, sorted(built.names))
        else:
            problems = mark[:4]
            with _lock:
                grouped = _groups.get(key)
            if grouped is None or grouped[0] != problems:
                total = int(mark[1] or 0)
                rows = load_rows(
                    ctx, "problem", AreaFilter(), (lambda n: tick(n, total)) if tick else None
                )
                # After a decision, the model kept before it (read from a file) has the same
                # problems' groups: they are taken, not formed again.
                known = hit[1] if hit is not None and hit[0][:4] == problems else None
                grouped = (problems, IssueGroups(rows, known))
                with _lock:
                    _groups[key] = grouped
            built = grouped[1].model(ctx, live_decisions(ctx))
            kept_files.save(path, stamp, built.to_plain())
    with _lock:
        _models[key] = (mark, built)
    kept_files.out_of_gc()
    return built


def _titles(ctx: AppContext) -> dict[str, str]:
    return {r.id: r.title for r in load_rows(ctx, "problem", AreaFilter())}


def _from_file(stored: Any, read_titles: Callable[[], dict[str, str]]) -> IssueModel | None:
    if stored is None:
        return None
    try:
        return IssueModel.from_plain(stored, read_titles)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None  # a file of the right stamp changed by hand: formed again


def forget_models() -> None:
    """Drop the kept clusters (tests and benchmarks measure a first computation)."""
    with _lock:
        _models.clear()
        _groups.clear()


def kept_clusters(ctx: AppContext, area: AreaFilter | None = None) -> IssueResult:
    """The clusters of the office's area, decisions applied, as seen through ``area``; the most
    widespread first."""
    area = area or AreaFilter()
    check_area(ctx, area.kecamatan)
    return kept_model(ctx).view(area)
