"""Data serupa: records of the same kind from different villages that may be one and the same.

The operator decides; the action is a *digabung* review through ``services.review`` (see
``merge_group``). Records this office already merged are not offered again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from smartcity_desktop.domain.review import ReviewState
from smartcity_desktop.domain.similarity import Item, group_items, sub_element_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.similarity.records import (
    AreaFilter,
    Row,
    SimilarityRefused,
    load_rows,
    region_names,
)
from smartcity_desktop.storage.models import Review

MERGE_REASON = "duplikat"


@dataclass(frozen=True)
class Member:
    id: str
    title: str
    desa: str
    desa_name: str
    kecamatan: str
    kecamatan_name: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "desa": self.desa,
            "desa_name": self.desa_name,
            "kecamatan": self.kecamatan,
            "kecamatan_name": self.kecamatan_name,
        }


@dataclass(frozen=True)
class SimilarGroup:
    key: str
    kind: str
    sub_element: str
    shared_words: tuple[str, ...]
    members: tuple[Member, ...]

    @property
    def reason(self) -> str:
        return _("sub-elemen sama: {sub}; kata kunci bersama: {words}").format(
            sub=sub_element_label(self.sub_element), words=", ".join(self.shared_words)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "sub_element": self.sub_element,
            "shared_words": list(self.shared_words),
            "reason": self.reason,
            "desa_count": len({m.desa for m in self.members}),
            "members": [m.as_dict() for m in self.members],
        }


def _merged_ids(ctx: AppContext) -> set[str]:
    with ctx.db.session() as session:
        return set(
            session.scalars(
                select(Review.target_id).where(
                    Review.office_code == ctx.office.code,
                    Review.state == ReviewState.DIGABUNG.value,
                    Review.deleted.is_(False),
                )
            )
        )


def similar_groups(
    ctx: AppContext,
    kind: str = "problem",
    area: AreaFilter | None = None,
    tick: Callable[[int], None] | None = None,
) -> list[SimilarGroup]:
    """Candidate groups: same kind and sub-element, shared title key words, two villages or more;
    the largest first, then by key (the same data always gives the same list)."""
    rows = load_rows(ctx, kind, area or AreaFilter(), tick)
    merged = _merged_ids(ctx)
    by_id: dict[str, Row] = {}
    items: list[Item] = []
    for row in rows:
        if row.sub_element is None or row.id in merged:
            continue
        by_id[row.id] = row
        items.append(Item(row.id, row.desa, (kind, row.sub_element), row.title_words, row.words))
    groups = group_items(items, min_desa=2)
    codes = [code for g in groups for m in g.members for code in (m.desa, by_id[m.id].kecamatan)]
    names = region_names(ctx, codes)
    out: list[SimilarGroup] = []
    for group in groups:
        members = tuple(
            Member(
                m.id,
                by_id[m.id].title,
                m.desa,
                names[m.desa],
                by_id[m.id].kecamatan,
                names[by_id[m.id].kecamatan],
            )
            for m in group.members
        )
        out.append(SimilarGroup(group.key, kind, group.bucket[1], group.shared, members))
    return out


def merge_group(
    ctx: AppContext, into: str, record_ids: Sequence[str], comment: str | None = None
) -> Change:
    """Merge records into one of them: a *digabung* review of each (reason "Duplikat"), written by
    the review service in one transaction, so its rules (area, same kind, no cycles) apply."""
    from smartcity_desktop.services.review import Decision, review_records

    others = [i for i in dict.fromkeys(record_ids) if i != into]
    if not others:
        raise SimilarityRefused(
            _("Pilih paling sedikit satu catatan lain untuk digabung ke catatan tujuan."),
            code="similar.nothing_to_merge",
        )
    decision = Decision(
        state=ReviewState.DIGABUNG.value, reason=MERGE_REASON, comment=comment, merge_into=into
    )
    return review_records(ctx, others, decision)
