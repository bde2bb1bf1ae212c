"""Where the office's data is, in words for a window's status line."""

from __future__ import annotations

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.location import server_label


def server_of(ctx: AppContext) -> str | None:
    """host:port/database when the office's database is on a server; None for its SQLite file."""
    url = ctx.db.url
    return None if url is None else server_label(url)
