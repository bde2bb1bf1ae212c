"""The data cut-off printed with every view: when the newest imported bundle arrived."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from smartcity_desktop.services.context import AppContext


def data_cut_off(ctx: AppContext) -> dt.datetime | None:
    with ctx.db.session() as session:
        value = session.execute(text("SELECT max(imported_at) FROM bundle_ledger")).scalar()
    if value is None:
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
