"""Groups of records about the same thing across villages: deterministic and explainable, no ML.

Used for "Data serupa" (candidates to merge, issue 7) and "Isu strategis" (recurring problems,
issue 8). The rule, in words an operator can check:

1. Records are compared only inside a *bucket*: the same kind and sub-element (data serupa), or the
   same sub-element and urusan (isu strategis).
2. A *seed* is a pair of key words of a record's title (``MIN_SHARED`` words; a title with a
   single key word gives that word alone). Two records with the same seed share at least those words.
3. Seeds are taken greedily: the seed reported by the most villages first (ties: more records, then
   the seed's words in alphabetical order). Its records that no earlier group took form a group when
   they are two or more from at least ``min_desa`` villages. So every record is in at most one group, and the
   result depends only on the records, never on the order they were read in.
4. The reason shown is the bucket plus the key words every member shares (title, description and
   causes), the seed's words first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from operator import attrgetter
from typing import NamedTuple

MIN_SHARED = 2
# Seeds come from the first words of a title only: C(6, 2) = 15 seeds a record at most, so that
# 200,000 records stay within a few hundred milliseconds.
MAX_TITLE_WORDS = 6
_DESA = attrgetter("desa")


class Item(NamedTuple):
    """A record as the engine sees it (a named tuple: hundreds of thousands are made per run)."""

    id: str
    desa: str  # the owning office's code
    bucket: tuple[str, ...]
    title_words: tuple[str, ...]
    words: tuple[str, ...]  # a tuple of shared (interned) strings: 200,000 sets would not fit


@dataclass(frozen=True)
class Group:
    key: str  # stable across runs and re-imports: bucket and seed words
    bucket: tuple[str, ...]
    seed: tuple[str, ...]
    members: tuple[Item, ...]  # by desa, then id
    shared: tuple[str, ...]  # key words all members share: the seed's first

    @property
    def desa(self) -> tuple[str, ...]:
        return tuple(sorted({m.desa for m in self.members}))


def cluster_key(bucket: Sequence[str], seed: Sequence[str]) -> str:
    return "|".join(bucket) + "|" + "+".join(seed)


@lru_cache(maxsize=65536)
def seeds_of(title_words: tuple[str, ...], size: int = MIN_SHARED) -> tuple[tuple[str, ...], ...]:
    """The seeds of a title (cached: many titles share their key words)."""
    distinct = sorted(set(title_words[:MAX_TITLE_WORDS]))
    if len(distinct) < size:
        return (tuple(distinct),) if distinct else ()
    return tuple(combinations(distinct, size))


def shared_words(word_sets: Iterable[Sequence[str]], seed: Sequence[str]) -> tuple[str, ...]:
    """The words all of ``word_sets`` contain, ``seed`` (which they all contain) first."""
    floor = set(seed)
    common: set[str] | None = None
    for words in word_sets:
        if common is None:
            common = set(words)
        else:
            common.intersection_update(words)
        if common <= floor:
            break  # nothing beyond the seed is left to share
    rest = sorted((common or set()) - floor)
    return (*seed, *rest)


def group_items(items: Iterable[Item], *, min_desa: int = 2) -> list[Group]:
    """The groups of ``items``, largest first (villages, then records, then key)."""
    buckets: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        buckets.setdefault(item.bucket, []).append(item)
    groups: list[Group] = []
    for bucket in sorted(buckets):
        groups.extend(_group_bucket(bucket, buckets[bucket], min_desa))
    groups.sort(key=lambda g: (-len(g.desa), -len(g.members), g.key))
    return groups


def _group_bucket(bucket: tuple[str, ...], items: list[Item], min_desa: int) -> list[Group]:
    postings: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        for seed in seeds_of(item.title_words):
            postings.setdefault(seed, []).append(item)

    def score(members: Sequence[Item]) -> tuple[int, int]:
        # map over attrgetter: the set is built in C (scored for every seed of 80,000 records)
        return len(set(map(_DESA, members))), len(members)

    heap: list[tuple[int, int, tuple[str, ...]]] = []
    for seed, members in postings.items():
        n_desa, n_items = score(members)
        if n_desa >= min_desa and n_items >= 2:
            heap.append((-n_desa, -n_items, seed))
    heapq.heapify(heap)
    taken: set[str] = set()
    out: list[Group] = []
    while heap:
        neg_desa, neg_items, seed = heapq.heappop(heap)
        members = [m for m in postings[seed] if m.id not in taken]
        postings[seed] = members  # the next look at this seed starts from what is left
        n_desa, n_items = score(members)
        if n_desa < min_desa or n_items < 2:
            continue
        if (n_desa, n_items) != (-neg_desa, -neg_items):
            # Earlier groups took some of its records: rank it again by what is left.
            heapq.heappush(heap, (-n_desa, -n_items, seed))
            continue
        members.sort(key=lambda m: (m.desa, m.id))
        taken.update(m.id for m in members)
        out.append(
            Group(
                cluster_key(bucket, seed),
                bucket,
                seed,
                tuple(members),
                shared_words((m.words for m in members), seed),
            )
        )
    return out


def sub_element_label(code: str | None) -> str:
    """A sub-element's name whatever its dimension (codes are unique across the six)."""
    from smartcity_desktop.domain.reference import ref_list

    for dimension in ref_list("dimensions").items:
        for item in dimension.children:
            if item.code == code:
                return item.label()
    return code or "-"
