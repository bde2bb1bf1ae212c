"""Isu strategis: problems that recur across villages, as clusters with their figures.

A cluster is a group of the similarity engine (same sub-element and urusan, shared title key
words, two villages or more), corrected by the office's stored merge and split decisions
(``decisions``), which name clusters by key and records by id and so survive re-imports.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.similarity import Item, group_items, shared_words, sub_element_label
from smartcity_desktop.services import kept_files
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.similarity.records import (
    AreaFilter,
    Row,
    load_rows,
    region_names,
)
from smartcity_desktop.storage.models import IssueDecision

SEVERITY_RANK = {"ringan": 1, "sedang": 2, "berat": 3, "sangat_berat": 4}
_SEVERITY_BY_RANK = {rank: code for code, rank in SEVERITY_RANK.items()}
EXAMPLES = 3
TITLE_WORDS = 6
NAME_WORDS = 4  # in ``IssueCluster.name``, after the sub-element and urusan
NO_URUSAN = "-"


@dataclass(frozen=True)
class IssueCluster:
    key: str
    origin: str  # "auto", "merge" or "split"
    sub_elements: tuple[str, ...]
    urusan: tuple[str, ...]
    shared_words: tuple[str, ...]
    record_ids: tuple[str, ...]
    desa: tuple[str, ...]
    kecamatan: tuple[str, ...]
    affected: dict[str, int]  # unit -> sum
    worst_severity: str | None
    mean_severity: float | None
    examples: tuple[str, ...]  # village names, most records first
    label: str | None = None

    @property
    def title(self) -> str:
        """The staff's name for a merged or split issue, else its first shared words."""
        return self.short_title(TITLE_WORDS)

    @property
    def name(self) -> str:
        """What a planner reads: sub-element · urusan · shared words (or the staff's name),
        e.g. "Tata kelola sampah dan limbah · 2.11 Lingkungan Hidup · jalan, liar". The key
        (``key``) stays the cluster's identity for merge and split decisions."""
        parts = [
            ", ".join(sub_element_label(s) for s in self.sub_elements),
            ", ".join(urusan_label(u) for u in self.urusan if u != NO_URUSAN),
            self.short_title(NAME_WORDS),
        ]
        return " · ".join(p for p in parts if p)

    def short_title(self, words: int) -> str:
        """The staff's name, else the first ``words`` shared words (", …" when there are more):
        short enough for a chart's bar or a name that also carries sub-element and urusan."""
        if self.label:
            return self.label
        shown = ", ".join(self.shared_words[:words]) or "-"
        return shown + (", …" if len(self.shared_words) > words else "")

    @property
    def reason(self) -> str:
        from smartcity_desktop.i18n import _

        return _("sub-elemen: {sub}; urusan: {urusan}; kata kunci bersama: {words}").format(
            sub=", ".join(sub_element_label(s) for s in self.sub_elements),
            urusan=", ".join(urusan_label(u) for u in self.urusan),
            words=", ".join(self.shared_words) or "-",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "origin": self.origin,
            "title": self.title,
            "name": self.name,
            "reason": self.reason,
            "sub_elements": list(self.sub_elements),
            "urusan": list(self.urusan),
            "shared_words": list(self.shared_words),
            "desa_count": len(self.desa),
            "kecamatan_count": len(self.kecamatan),
            "record_count": len(self.record_ids),
            "affected": dict(sorted(self.affected.items())),
            "worst_severity": self.worst_severity,
            "mean_severity": self.mean_severity,
            "examples": list(self.examples),
            "desa": list(self.desa),
            "kecamatan": list(self.kecamatan),
            "record_ids": list(self.record_ids),
        }


@dataclass(frozen=True)
class DecisionView:
    id: str
    action: str
    cluster_keys: tuple[str, ...]
    record_ids: tuple[str, ...]
    label: str | None
    applied: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "cluster_keys": list(self.cluster_keys),
            "record_ids": list(self.record_ids),
            "label": self.label,
            "applied": self.applied,
        }


@dataclass
class IssueResult:
    clusters: list[IssueCluster]
    decisions: list[DecisionView] = field(default_factory=list)
    records: int = 0  # problems looked at (those the filter selects)


@dataclass
class _Working:
    key: str
    origin: str
    ids: list[str]
    seed: tuple[str, ...]
    label: str | None = None


@dataclass
class _Part:
    """A cluster's records of one kecamatan and dimension, summed once when the model is built,
    so that any filter combines a few parts instead of reading 200,000 records again."""

    ids: list[str] = field(default_factory=list)
    per_desa: dict[str, int] = field(default_factory=dict)
    affected: dict[str, int] = field(default_factory=dict)
    sub_elements: set[str] = field(default_factory=set)
    urusan: set[str] = field(default_factory=set)
    rank_sum: int = 0
    rank_n: int = 0
    worst: int = 0

    def add(self, r: Row) -> None:
        self.ids.append(r.id)
        self.per_desa[r.desa] = self.per_desa.get(r.desa, 0) + 1
        if r.affected_count is not None:
            unit = r.affected_unit or "-"
            self.affected[unit] = self.affected.get(unit, 0) + r.affected_count
        rank = SEVERITY_RANK.get(r.severity or "")
        if rank:
            self.rank_sum += rank
            self.rank_n += 1
            self.worst = max(self.worst, rank)
        self.sub_elements.add(r.sub_element or "-")
        self.urusan.add(r.urusan or NO_URUSAN)


_PartKey = tuple[str, str | None]  # kecamatan, dimension
AutoGroup = tuple[str, tuple[str, ...], tuple[str, ...]]  # key, member ids, seed words


@dataclass(frozen=True)
class _Built:
    key: str
    origin: str
    label: str | None
    shared: tuple[str, ...]
    parts: dict[_PartKey, _Part]


def problem_counts(rows: Iterable[Row]) -> dict[_PartKey, int]:
    """Problems per kecamatan and dimension: the "n problems" of any filter."""
    counts: dict[_PartKey, int] = {}
    for r in rows:
        k = (r.kecamatan, r.dimension)
        counts[k] = counts.get(k, 0) + 1
    return counts


class IssueModel:
    """The clusters of the office's whole area, computed once per change of the data; ``view``
    selects a kecamatan or a dimension in memory (a filter change in the desktop).

    Clusters are always formed over the whole area, so a cluster keeps its key, its name and its
    shared words under every filter; a filter selects which of its records count, and a cluster
    with none of them is left out."""

    def __init__(
        self,
        rows: Sequence[Row],
        built: Sequence[_Built],
        decisions: Sequence[DecisionView],
        names: dict[str, str],
        counts: dict[_PartKey, int] | None = None,
        read_titles: Callable[[], dict[str, str]] | None = None,
        auto: Sequence[AutoGroup] | None = None,
    ) -> None:
        """``counts``: the rows' problems per kecamatan and dimension, when known already.
        ``read_titles``: the records' titles when the rows carry none (a model read back from a
        kept file reads them only for a cluster's list of records). ``auto``: the automatic
        groups the decisions were applied to (``IssueGroups``), so that a next decision need not
        form them again."""
        self.rows = list(rows)
        self.built = list(built)
        self.counts = counts if counts is not None else problem_counts(self.rows)
        self.decisions = list(decisions)
        self.names = names
        self._views: dict[AreaFilter, IssueResult] = {}
        self._by_id: dict[str, Row] | None = None
        self._read_titles = read_titles
        self._titles: dict[str, str] | None = None
        self.auto = list(auto) if auto is not None else None

    def base_plain(self, whole: Callable[[_Built], bool]) -> tuple[Any, ...]:
        """What the model's problems alone decide, as plain data (``kept_files``): the records,
        the counts, the automatic groups and the clusters that are a whole automatic group
        (``whole``). It stays valid while the problems are unchanged, whatever is decided.

        The records go without their key words (those only form the clusters; a decision reads
        the words of the records it regroups) and without their titles, which go packed apart:
        only a cluster's list of records shows them, and 80,000 titles are much of what reading
        the file back costs."""
        no_words: tuple[str, ...] = ()
        rows = [(*r[:4], "", *r[5:-2], no_words, no_words) for r in self.rows]
        titles = kept_files.pack({r.id: r.title for r in self.rows})
        built = [_plain_built(b) for b in self.built if whole(b)]
        return rows, list(self.counts.items()), titles, self.auto, built

    def decisions_plain(self, whole: Callable[[_Built], bool]) -> tuple[Any, ...]:
        """The rest, which the decisions decide: the clusters in order, a whole automatic group
        by its key (its sums are in ``base_plain``), any other one whole; and the decisions. A
        few clusters, so a decision stores it at little cost."""
        built = [b.key if whole(b) else _plain_built(b) for b in self.built]
        decisions = [
            (d.id, d.action, d.cluster_keys, d.record_ids, d.label, d.applied)
            for d in self.decisions
        ]
        return built, decisions

    def titles(self, record_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Title and village name of records (a cluster's drill-down)."""
        by_id = self._rows_by_id()
        if self._read_titles is not None and self._titles is None:
            self._titles = self._read_titles()
        titles = self._titles or {}
        return {
            i: (titles.get(i, by_id[i].title), self.names.get(by_id[i].desa, by_id[i].desa))
            for i in record_ids
            if i in by_id
        }

    def view(self, area: AreaFilter | None = None) -> IssueResult:
        area = area or AreaFilter()
        cached = self._views.get(area)
        if cached is None:
            cached = self._views[area] = self._view(area)
        return cached

    def view_of(self, ids: set[str]) -> IssueResult:
        """The clusters as seen through any set of problems (a filter by village, trust or
        period, selected in SQL): each cluster keeps its key, name and shared words; its figures
        count only the records in ``ids``. Reads the clustered records, so it is the slower
        path; ``view`` serves an area and dimension from the sums made once."""
        clusters: list[IssueCluster] = []
        rows = self._rows_by_id()
        for b in self.built:
            parts: dict[_PartKey, _Part] = {}
            for key in sorted(b.parts, key=_part_order):
                whole = b.parts[key]
                if not whole.ids or ids.isdisjoint(whole.ids):
                    continue
                # A part whose records all count is the part summed once (a trust level or a
                # stage that every village of it has): 80,000 problems are not added up again.
                if ids.issuperset(whole.ids):
                    parts[key] = whole
                    continue
                for record_id in whole.ids:
                    if record_id in ids:
                        part = parts.get(key)
                        if part is None:
                            part = parts[key] = _Part()
                        part.add(rows[record_id])
            if parts:
                clusters.append(_cluster(b, list(parts.values()), self.names))
        clusters.sort(key=lambda c: (-len(c.desa), -len(c.record_ids), c.key))
        return IssueResult(clusters, list(self.decisions), len(ids))

    def _rows_by_id(self) -> dict[str, Row]:
        if self._by_id is None:
            self._by_id = {row.id: row for row in self.rows}
        return self._by_id

    def _view(self, area: AreaFilter) -> IssueResult:
        kec, dim = area.kecamatan, area.dimension

        def wanted(key: _PartKey) -> bool:
            return (kec is None or key[0] == kec) and (dim is None or key[1] == dim)

        clusters: list[IssueCluster] = []
        for b in self.built:
            parts = [b.parts[k] for k in sorted(b.parts, key=_part_order) if wanted(k)]
            if parts:
                clusters.append(_cluster(b, parts, self.names))
        clusters.sort(key=lambda c: (-len(c.desa), -len(c.record_ids), c.key))
        count = sum(n for k, n in self.counts.items() if wanted(k))
        return IssueResult(clusters, list(self.decisions), count)


def live_decisions(ctx: AppContext) -> list[IssueDecision]:
    with ctx.db.session() as session:
        return list(
            session.scalars(
                select(IssueDecision)
                .where(
                    IssueDecision.office_code == ctx.office.code,
                    IssueDecision.deleted.is_(False),
                )
                .order_by(IssueDecision.created_at, IssueDecision.id)
            )
        )


def issue_model(ctx: AppContext, tick: Callable[[int], None] | None = None) -> IssueModel:
    """Read the area's problems and this office's decisions, and form the clusters."""
    rows = load_rows(ctx, "problem", AreaFilter(), tick)
    return model_from_rows(ctx, rows, live_decisions(ctx))


def model_from_rows(
    ctx: AppContext, rows: Sequence[Row], decisions: Sequence[IssueDecision]
) -> IssueModel:
    return IssueGroups(rows).model(ctx, decisions)


class IssueGroups:
    """The area's problems and their automatic groups, formed once per change of the problems.
    ``model`` applies any set of decisions to them without grouping again, and builds a cluster's
    figures only for a member list it has not seen: after a merge or split decision, only the
    clusters it touched are summed again."""

    def __init__(
        self,
        rows: Sequence[Row],
        *,
        auto: Sequence[AutoGroup] | None = None,
        counts: dict[_PartKey, int] | None = None,
        read_titles: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        """``rows`` with their key words, grouped here. Or, read back from a kept file, ``rows``
        without words nor titles, with their automatic groups ``auto``, their ``counts`` and
        ``read_titles``; then ``read_words`` must be given."""
        self.rows = list(rows)
        self.by_id = {row.id: row for row in self.rows}
        self._built: dict[_Memo, _Built | None] = {}
        self._lock = threading.Lock()
        self.read_titles = read_titles
        self._read_words: WordsReader | None = None
        self._words: dict[str, tuple[str, ...]] = {}
        self.base: dict[str, _Built] = {}  # whole automatic groups' clusters, by key
        self.counts = counts if counts is not None else problem_counts(self.rows)
        if auto is None:
            items = [
                Item(r.id, r.desa, (r.sub_element, r.urusan or NO_URUSAN), r.title_words, r.words)
                for r in self.rows
                if r.sub_element is not None
            ]
            auto = [
                (g.key, tuple(m.id for m in g.members), g.seed)
                for g in group_items(items, min_desa=2)
            ]
        self.auto = list(auto)
        self._sizes = {key: len(ids) for key, ids, _seed in self.auto}

    def read_words(self, reader: WordsReader) -> None:
        """Rows without key words: ``reader`` gives those of the records a cluster not summed
        yet holds."""
        self._read_words = reader

    def words_plain(self) -> dict[str, bytes]:
        """The key words of each automatic group's records, packed per group (``kept_files``):
        a decision in a later process unpacks those of the groups it regroups only. Needs rows
        with their words (formed here)."""
        by_id = self.by_id
        return {
            key: kept_files.pack({i: by_id[i].words for i in ids}) for key, ids, _seed in self.auto
        }

    def is_whole(self, b: _Built) -> bool:
        """``b`` is an automatic group with all its records (a split takes some away)."""
        return b.origin == "auto" and self._sizes.get(b.key) == sum(
            len(p.ids) for p in b.parts.values()
        )

    def remember_base(self, built: Sequence[_Built]) -> None:
        """Take the clusters of whole automatic groups summed before (a kept file)."""
        groups = {key: (ids, seed) for key, ids, seed in self.auto}
        for b in built:
            if b.key in groups and self.is_whole(b):
                ids, seed = groups[b.key]
                self.base[b.key] = b
                self._built[(b.key, "auto", None, seed, ids)] = b

    def remember(self, built: Sequence[_Built], decisions: Sequence[Decided]) -> None:
        """Take the clusters summed before for ``decisions`` (a kept file): a next decision
        sums only the clusters it changes."""
        working, _views = self._working(decisions)
        by_key = {b.key: b for b in built}
        with self._lock:
            for w in working.values():
                b = by_key.get(w.key)
                if (
                    b is not None
                    and (b.origin, b.label) == (w.origin, w.label)
                    and sum(len(p.ids) for p in b.parts.values()) == len(w.ids)
                ):
                    self._built[_memo(w)] = b

    def _working(self, decisions: Sequence[Decided]) -> tuple[dict[str, _Working], list[Any]]:
        working = {key: _Working(key, "auto", list(ids), seed) for key, ids, seed in self.auto}
        views = [_apply(working, d) for d in decisions]
        return working, views

    def model(self, ctx: AppContext, decisions: Sequence[IssueDecision]) -> IssueModel:
        working, views = self._working([decided(d) for d in decisions])
        built: list[_Built] = []
        for w in working.values():
            memo = _memo(w)
            with self._lock:
                found = self._built.get(memo, _UNSEEN)
            if found is _UNSEEN:
                found = self._build(ctx, w)
                with self._lock:
                    self._built[memo] = found
            if found is not None:
                built.append(found)  # type: ignore[arg-type]
        return IssueModel(
            self.rows,
            built,
            views,
            region_names(ctx, sorted(region_codes(built))),
            self.counts,
            self.read_titles,
            self.auto,
        )

    def _build(self, ctx: AppContext, w: _Working) -> _Built | None:
        by_id = self.by_id
        members = sorted((by_id[i] for i in w.ids if i in by_id), key=lambda r: (r.desa, r.id))
        if not members:
            return None
        word_sets: Iterable[Sequence[str]]
        if self._read_words is None:
            word_sets = (r.words for r in members)
        else:
            word_sets = self._words_of([r.id for r in members])
        shared = shared_words(word_sets, w.seed)
        parts: dict[_PartKey, _Part] = {}
        for r in members:
            key = (r.kecamatan, r.dimension)
            part = parts.get(key)
            if part is None:
                part = parts[key] = _Part()
            part.add(r)
        return _Built(w.key, w.origin, w.label, shared, parts)

    def _words_of(self, ids: Sequence[str]) -> Iterator[tuple[str, ...]]:
        """The key words of ``ids``, read as they are consumed: the first few hundred, then the
        rest in one query. The words a cluster's records share are often down to its seed after
        the first few hundred, and ``shared_words`` then stops reading."""
        known = self._words
        read = self._read_words
        assert read is not None
        for part in (ids[:_WORDS_FIRST], ids[_WORDS_FIRST:]):
            missing = [i for i in part if i not in known]
            if missing:
                known.update(read(missing))
            for i in part:
                yield known.get(i, ())


_WORDS_FIRST = 500


def region_codes(built: Iterable[_Built]) -> set[str]:
    """The kecamatan and village codes the clusters name."""
    return {
        code
        for b in built
        for (kecamatan, _dim), part in b.parts.items()
        for code in (kecamatan, *part.per_desa)
    }


WordsReader = Callable[[Sequence[str]], dict[str, tuple[str, ...]]]
# id, action, cluster keys, record ids, label: a stored decision as ``_apply`` reads it
Decided = tuple[str, str, tuple[str, ...], tuple[str, ...], str | None]
_Memo = tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]]


def decided(d: IssueDecision) -> Decided:
    return (
        d.id,
        d.action,
        tuple(json.loads(d.cluster_keys)),
        tuple(json.loads(d.record_ids)),
        d.label,
    )


def _memo(w: _Working) -> _Memo:
    return (w.key, w.origin, w.label, w.seed, tuple(w.ids))


def _plain_built(b: _Built) -> tuple[Any, ...]:
    parts = [
        (
            key,
            p.ids,
            p.per_desa,
            p.affected,
            p.sub_elements,
            p.urusan,
            p.rank_sum,
            p.rank_n,
            p.worst,
        )
        for key, p in b.parts.items()
    ]
    return b.key, b.origin, b.label, b.shared, parts


def built_of(plain: Sequence[Any]) -> _Built:
    """A cluster from ``_plain_built``'s data."""
    key, origin, label, shared, parts = plain
    return _Built(key, origin, label, shared, {p[0]: _Part(*p[1:]) for p in parts})


_UNSEEN = object()


def _apply(working: dict[str, _Working], decision: Decided) -> DecisionView:
    decision_id, action, keys, ids, label = decision
    applied = False
    if action == "split" and keys and keys[0] in working:
        source = working[keys[0]]
        moving = set(ids)
        taken = [i for i in source.ids if i in moving]
        if taken:
            source.ids = [i for i in source.ids if i not in moving]
            if not source.ids:
                del working[source.key]
            key = f"split:{decision_id}"
            working[key] = _Working(key, "split", taken, source.seed, label)
            applied = True
    elif action == "merge":
        present = [working[k] for k in dict.fromkeys(keys) if k in working]
        if len(present) >= 2:
            merged: dict[str, None] = {}
            for part in present:
                merged.update(dict.fromkeys(part.ids))
                del working[part.key]
            key = f"merge:{decision_id}"
            seed = tuple(w for w in present[0].seed if all(w in p.seed for p in present))
            working[key] = _Working(key, "merge", list(merged), seed, label)
            applied = True
    return DecisionView(decision_id, action, keys, ids, label, applied)


def _part_order(key: _PartKey) -> tuple[str, str]:
    return key[0], key[1] or ""


def _cluster(b: _Built, parts: Sequence[_Part], names: dict[str, str]) -> IssueCluster:
    if len(parts) == 1:
        (one,) = parts
        ids: list[str] = one.ids
        per_desa, affected = one.per_desa, one.affected
    else:
        ids, per_desa, affected = [], {}, {}
        for part in parts:
            ids.extend(part.ids)
            for desa, n in part.per_desa.items():
                per_desa[desa] = per_desa.get(desa, 0) + n
            for unit, n in part.affected.items():
                affected[unit] = affected.get(unit, 0) + n
    rank_sum = sum(p.rank_sum for p in parts)
    rank_n = sum(p.rank_n for p in parts)
    worst = max(p.worst for p in parts)
    examples = sorted(per_desa, key=lambda d: (-per_desa[d], names.get(d, d), d))[:EXAMPLES]
    return IssueCluster(
        key=b.key,
        origin=b.origin,
        sub_elements=_distinct(s for p in parts for s in p.sub_elements),
        urusan=_distinct(u for p in parts for u in p.urusan),
        shared_words=b.shared,
        record_ids=tuple(ids),
        desa=tuple(sorted(per_desa)),
        kecamatan=_distinct(d.rsplit(".", 1)[0] for d in per_desa),
        affected=dict(affected),
        worst_severity=_SEVERITY_BY_RANK[worst] if worst else None,
        mean_severity=round(rank_sum / rank_n, 2) if rank_n else None,
        examples=tuple(names.get(d, d) for d in examples),
        label=b.label,
    )


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def urusan_label(code: str) -> str:
    item = ref_list("urusan").get(code)
    return f"{code} {item.label()}" if item else code
