"""Writing rows this office owns (``OwnedRow``): the first revision of a new row and each later
revision, a tombstone included. The caller sets the row's own values and its content hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smartcity_desktop.domain.records import new_record_id
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import OwnedRow


def first_revision(ctx: AppContext, now: datetime) -> dict[str, Any]:
    """The owned columns of a new final row: a fresh id, this office, revision 1, live."""
    office = ctx.office
    return {
        "id": new_record_id(),
        "office_code": office.code,
        "revision": 1,
        "status": "final",
        "deleted": False,
        "created_at": now,
        "updated_at": now,
        "author": office.operator,
    }


def next_revision(ctx: AppContext, row: OwnedRow, now: datetime, *, deleted: bool) -> None:
    """Make ``row`` its next revision by this office's operator; ``deleted`` makes a tombstone."""
    row.deleted = deleted
    row.revision += 1
    row.updated_at = now
    row.author = ctx.office.operator
