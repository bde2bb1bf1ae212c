"""The ledger of imported bundles: which sender sent which numbers, and which are missing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

# The database layer is imported inside the functions: ``services.exchange`` loads this module
# eagerly, and ``smartcity verify`` must not pay for SQLAlchemy (see services/read_only.py).
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from smartcity_desktop.services.context import AppContext

MAX_SEQUENCE = 2**63 - 1  # the ledger stores sequence numbers as SQLite integers


def gaps(session: Session, office: str, limit: int = 100) -> list[int]:
    """The first missing sequence numbers below the highest seen; never walks the whole range
    (a sender chooses its numbers, and 10**12 is as valid as 12)."""
    from sqlalchemy import select

    from smartcity_desktop.storage.models import BundleLedger

    gaps: list[int] = []
    expected = 1
    for seen in session.scalars(
        select(BundleLedger.sequence)
        .where(BundleLedger.sender_office == office)
        .distinct()
        .order_by(BundleLedger.sequence)
    ):
        while expected < seen and len(gaps) < limit:
            gaps.append(expected)
            expected += 1
        if len(gaps) >= limit:
            break
        expected = seen + 1
    return gaps


def ledger(ctx: AppContext) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from smartcity_desktop.storage.models import BundleLedger

    with ctx.db.session() as session:
        rows = session.scalars(select(BundleLedger).order_by(BundleLedger.imported_at)).all()
    return [
        {
            "content_hash": r.content_hash,
            "sender": r.sender_office,
            "role": r.sender_role,
            "key_id": r.sender_key_id,
            "sequence": r.sequence,
            "created": r.bundle_created_at.isoformat() + "Z",
            "imported_at": r.imported_at.isoformat() + "Z",
            "trust": r.trust_level,
            "file": r.file_name,
            "size": r.size,
            "outcome": json.loads(r.outcome),
            "forwarded_by": r.forwarded_by,
        }
        for r in rows
    ]
