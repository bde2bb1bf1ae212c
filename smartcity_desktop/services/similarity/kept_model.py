"""Isu strategis's clusters, kept while the office's problems and decisions are unchanged: in this
process, and in a file of the data folder for the next one (``services.kept_files``).

Forming the clusters of 200,000 records takes seconds; the analysis view, the Isu strategis page,
``smartcity analysis isu-strategis`` and the merge and split decisions all read them from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import text

from smartcity_desktop.services import kept_files, stored_words
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.similarity.issues import (
    AutoGroup,
    DecisionView,
    IssueGroups,
    IssueModel,
    IssueResult,
    built_of,
    live_decisions,
    region_codes,
)
from smartcity_desktop.services.similarity.records import (
    AreaFilter,
    Row,
    check_area,
    load_rows,
    region_names,
    words_of,
)

NAME = "isu-strategis"
# The decisions' part of the model, in a file of its own: a decision writes only this small one.
DECISIONS = "isu-strategis-keputusan"
# The clustered records' key words, read only by a decision (the view needs none of them).
WORDS = "isu-strategis-kata"
Tick = Callable[[int, int], None]  # (done, total); it may raise to cancel

# Raise when the clusters' rules or the kept files' shape (IssueModel.base_plain,
# decisions_plain) change: older kept files are then unused.
MODEL_VERSION = 4

_models: dict[str, tuple[tuple[Any, ...], IssueModel]] = {}
_groups: dict[str, tuple[tuple[Any, ...], IssueGroups]] = {}
_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}


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
    this process, and in files for the next one (``kept_files``).

    Two files: what the problems decide (the records, the automatic groups and their sums),
    valid while the problems are unchanged, and what the decisions decide (the clusters they
    made, the decisions), valid while neither changed. A new decision (merge, split, undo) with
    the problems unchanged, in this process or another, applies the decisions to the kept
    groups: only the clusters it changes are summed again, reading the key words of their
    records alone, and only the small file is written again."""
    key = ctx.db.describe()
    mark = _fingerprint(ctx)
    with _lock:
        hit = _models.get(key)
    if hit is not None and hit[0] == mark:
        return hit[1]
    # One at a time per database: a view opened while the background preparation forms the
    # clusters waits for it and takes its model, instead of forming them a second time.
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _lock:
            hit = _models.get(key)
        if hit is not None and hit[0] == mark:
            return hit[1]
        return _formed(ctx, key, mark, tick)


def _formed(ctx: AppContext, key: str, mark: tuple[Any, ...], tick: Tick | None) -> IssueModel:
    problems = mark[:4]
    with _lock:
        grouped = _groups.get(key)
    groups = grouped[1] if grouped is not None and grouped[0] == problems else None
    if groups is None:
        # Problems read or formed again: what became garbage since may be collected. A decision
        # applied to the kept groups drops nothing big (the model it replaces has no cycles,
        # reference counting frees it) and keeps the cycle collector out: a full collection of
        # everything unfrozen is about 300 ms.
        kept_files.into_gc()
    rules = stored_words.rules()
    base_path = kept_files.path_of(ctx.paths.root, NAME)
    base_stamp = kept_files.stamp(NAME, MODEL_VERSION, rules, key, problems)
    words_path = kept_files.path_of(ctx.paths.root, WORDS)
    words_stamp = kept_files.stamp(WORDS, MODEL_VERSION, rules, key, problems)
    decided_path = kept_files.path_of(ctx.paths.root, DECISIONS)
    decided_stamp = kept_files.stamp(DECISIONS, MODEL_VERSION, rules, key, mark)
    with kept_files.gc_paused():
        built: IssueModel | None = None
        if groups is None:
            groups = _groups_from_file(
                ctx, kept_files.load(base_path, base_stamp), (words_path, words_stamp)
            )
            if groups is not None:
                built = _model_from_file(ctx, groups, kept_files.load(decided_path, decided_stamp))
        formed = groups is None
        if groups is None:
            total = int(mark[1] or 0)
            rows = load_rows(
                ctx, "problem", AreaFilter(), (lambda n: tick(n, total)) if tick else None
            )
            groups = IssueGroups(rows)
        decided = built is None
        if built is None:
            built = groups.model(ctx, live_decisions(ctx))
        # When another writer committed while this read the database (each statement sees the
        # latest commits), the model may hold data newer than ``mark``: it is used once and kept
        # under no mark, so the next call forms it again under the mark it then finds.
        steady = not (formed or decided) or _fingerprint(ctx) == mark
        if steady and decided:
            kept_files.save(decided_path, decided_stamp, built.decisions_plain(groups.is_whole))
        if steady and formed:
            kept_files.save(base_path, base_stamp, built.base_plain(groups.is_whole))
            kept_files.save(words_path, words_stamp, groups.words_plain())
        if steady:
            with _lock:
                _groups[key] = (problems, groups)
    if steady:
        with _lock:
            _models[key] = (mark, built)
    kept_files.out_of_gc()
    return built


def _groups_from_file(ctx: AppContext, stored: Any, words: tuple[Path, str]) -> IssueGroups | None:
    """The problems' groups from ``IssueModel.base_plain``'s data (its lists, dicts and sets
    are new objects, owned from here); None when there is none or it does not fit (a file of
    the right stamp changed by hand: formed again)."""
    if stored is None:
        return None
    try:
        rows, counts, packed, auto, whole = stored
        if not isinstance(packed, bytes):
            raise TypeError("packed titles expected")
        kept: list[dict[str, str]] = []

        def titles() -> dict[str, str]:
            # Read once for every model of these problems; from the database if the packed
            # titles cannot be read.
            if not kept:
                try:
                    found = kept_files.unpack(packed)
                    if not isinstance(found, dict):
                        raise TypeError("titles expected")
                except Exception:  # damaged data raises almost anything
                    found = _titles(ctx)
                kept.append(found)
            return kept[0]

        groups = IssueGroups(
            list(map(Row._make, rows)),
            auto=[(k, tuple(ids), tuple(seed)) for k, ids, seed in auto],
            counts=dict(counts),
            read_titles=titles,
        )
        groups.read_words(_KeptWords(ctx, *words, groups.auto))
        groups.remember_base([built_of(b) for b in whole])
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    return groups


class _KeptWords:
    """The key words of clustered records, for the clusters a decision makes: from the words
    file (``IssueGroups.words_plain``), unpacking only the groups the records belong to, else
    from the database (``words_of``). The file is read at the first decision, not with the
    view."""

    def __init__(self, ctx: AppContext, path: Path, stamp: str, auto: Sequence[AutoGroup]) -> None:
        self._ctx = ctx
        self._path = path
        self._stamp = stamp
        self._auto = auto
        self._packs: dict[Any, Any] | None = None
        self._group_of: dict[str, str] = {}
        self._opened: set[str] = set()
        self._found: dict[str, tuple[str, ...]] = {}

    def __call__(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        if self._packs is None:
            stored = kept_files.load(self._path, self._stamp)
            self._packs = stored if isinstance(stored, dict) else {}
            self._group_of = {i: key for key, members, _seed in self._auto for i in members}
        found = self._found
        for i in ids:
            key = self._group_of.get(i)
            if key is not None and key not in self._opened:
                self._opened.add(key)
                found.update(_unpacked(self._packs.get(key)))
        out = {i: found[i] for i in ids if i in found}
        missing = [i for i in ids if i not in out]
        if missing:
            out.update(words_of(self._ctx, "problem", missing))
        return out


def _unpacked(packed: Any) -> dict[str, tuple[str, ...]]:
    """One group's packed words; nothing when absent or not of the expected shape (a file of
    the right stamp changed by hand: those records' words come from the database)."""
    if not isinstance(packed, bytes):
        return {}
    try:
        found = kept_files.unpack(packed)
    except Exception:  # damaged data raises almost anything
        return {}
    # Checked type by type (a set of the types met, made in C): thousands of records.
    if not isinstance(found, dict) or not (
        set(map(type, found)) <= {str}
        and set(map(type, found.values())) <= {tuple}
        and set(map(type, chain.from_iterable(found.values()))) <= {str}
    ):
        return {}
    return found


def _model_from_file(ctx: AppContext, groups: IssueGroups, stored: Any) -> IssueModel | None:
    """The model from ``IssueModel.decisions_plain``'s data over ``groups``; None when there is
    none or it does not fit."""
    if stored is None:
        return None
    try:
        entries, decisions = stored
        built = [groups.base[e] if isinstance(e, str) else built_of(e) for e in entries]
        views = [DecisionView(*d) for d in decisions]
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    groups.remember(built, [(d.id, d.action, d.cluster_keys, d.record_ids, d.label) for d in views])
    # Village and kecamatan names come from the region list, which no mark follows (a new list
    # changes no problem): read again with every file, a few hundred codes.
    names = region_names(ctx, sorted(region_codes(built)))
    return IssueModel(
        groups.rows, built, views, names, groups.counts, groups.read_titles, groups.auto
    )


def _titles(ctx: AppContext) -> dict[str, str]:
    return {r.id: r.title for r in load_rows(ctx, "problem", AreaFilter())}


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
