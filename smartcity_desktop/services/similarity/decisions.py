"""Staff corrections of the isu strategis clusters: merge several into one, split records out.

Each decision is a row owned by this office (``IssueDecision``), written in one transaction after
checking it against the clusters as they stand now. It names clusters by key and records by id,
so importing the same or newer revisions of the villages' records leaves it in force.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.owned_rows import first_revision, next_revision
from smartcity_desktop.services.similarity.issues import IssueCluster
from smartcity_desktop.services.similarity.kept_model import kept_clusters
from smartcity_desktop.services.similarity.records import SimilarityRefused, check_area
from smartcity_desktop.storage.models import IssueDecision

KIND = "issue_decision"
_LABEL_MAX = 200


def _hash(row: IssueDecision) -> str:
    doc: dict[str, Any] = {
        "kind": KIND,
        "id": row.id,
        "office_code": row.office_code,
        "revision": row.revision,
        "deleted": bool(row.deleted),
        "values": {
            "area_code": row.area_code,
            "action": row.action,
            "cluster_keys": json.loads(row.cluster_keys),
            "record_ids": json.loads(row.record_ids),
            "label": row.label,
        },
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _current(ctx: AppContext) -> dict[str, IssueCluster]:
    return {c.key: c for c in kept_clusters(ctx).clusters}


def _label(label: str | None) -> str | None:
    text = (label or "").strip()
    if len(text) > _LABEL_MAX:
        raise SimilarityRefused(
            _("Nama isu terlalu panjang ({n} karakter); paling banyak {max}.").format(
                n=len(text), max=_LABEL_MAX
            ),
            code="issues.label_too_long",
        )
    return text or None


def _store(
    ctx: AppContext, action: str, keys: Sequence[str], ids: Sequence[str], label: str | None
) -> Change:
    with ctx.db.transaction() as session:
        row = IssueDecision(
            **first_revision(ctx, ctx.clock()),
            area_code=ctx.office.code,
            action=action,
            cluster_keys=json.dumps(list(keys), ensure_ascii=False),
            record_ids=json.dumps(list(ids), ensure_ascii=False),
            label=label,
        )
        row.content_hash = _hash(row)
        session.add(row)
        return Change(Action.CREATED, frozenset({KIND}), (row.id,), 1)


def merge_issues(ctx: AppContext, keys: Sequence[str], label: str | None = None) -> Change:
    """Show the named clusters as one from now on (refused: fewer than two, or an unknown key)."""
    check_area(ctx, None)
    wanted = list(dict.fromkeys(keys))
    if len(wanted) < 2:
        raise SimilarityRefused(
            _("Pilih paling sedikit dua isu untuk digabung."), code="issues.merge_too_few"
        )
    name = _label(label)
    current = _current(ctx)
    _refuse_unknown(wanted, current)
    return _store(ctx, "merge", wanted, [], name)


def split_issue(
    ctx: AppContext, key: str, record_ids: Sequence[str], label: str | None = None
) -> Change:
    """Take records out of a cluster into a cluster of their own (refused: none or all of them,
    or records that are not in that cluster)."""
    check_area(ctx, None)
    name = _label(label)
    current = _current(ctx)
    _refuse_unknown([key], current)
    members = set(current[key].record_ids)
    wanted = list(dict.fromkeys(record_ids))
    outside = [i for i in wanted if i not in members]
    if outside:
        raise SimilarityRefused(
            _("Catatan ini tidak termasuk isu yang dipisah: {ids}.").format(
                ids=", ".join(outside[:5])
            ),
            code="issues.split_not_member",
        )
    if not wanted or len(wanted) == len(members):
        raise SimilarityRefused(
            _(
                "Pilih sebagian catatan isu ini untuk dipisah (bukan tidak satu pun, bukan "
                "semuanya)."
            ),
            code="issues.split_nothing",
        )
    return _store(ctx, "split", [key], sorted(wanted), name)


def withdraw_issue_decision(ctx: AppContext, decision_id: str) -> Change:
    """Undo a merge or split: the row stays as a tombstone, like every owned row."""
    with ctx.db.transaction() as session:
        row = session.scalar(
            select(IssueDecision).where(
                IssueDecision.id == decision_id,
                IssueDecision.office_code == ctx.office.code,
            )
        )
        if row is None or row.deleted:
            raise SimilarityRefused(
                _("Keputusan isu tidak ditemukan atau sudah dibatalkan."),
                code="issues.decision_not_found",
            )
        next_revision(ctx, row, ctx.clock(), deleted=True)
        row.content_hash = _hash(row)
        return Change(Action.DELETED, frozenset({KIND}), (row.id,), row.revision)


def _refuse_unknown(keys: Sequence[str], current: dict[str, IssueCluster]) -> None:
    unknown = [k for k in keys if k not in current]
    if unknown:
        raise SimilarityRefused(
            _(
                "Isu tidak ditemukan dalam daftar saat ini: {keys}. Muat ulang daftar isu lalu "
                "coba lagi."
            ).format(keys=", ".join(unknown[:5])),
            code="issues.unknown_cluster",
        )
