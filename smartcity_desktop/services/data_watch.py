"""Notice that another program (the CLI, a second import) wrote to this office's database.

SQLite's ``PRAGMA data_version`` changes on a connection whenever *another* connection committed,
and costs next to nothing. The watch keeps one small read-only connection of its own for it. This
process's own commits (every save, and the form drafts written every few seconds while typing)
also count as "another connection" there, so after each of them the watch takes the new value as
its baseline: only writes from outside remain. A write from outside that lands in the instant
between an own commit and that re-read is folded into it; the own change's refresh then shows it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from smartcity_desktop.services.context import AppContext

if TYPE_CHECKING:
    from smartcity_desktop.services.server_watch import ServerDataWatch

log = logging.getLogger(__name__)


class DataWatch:
    def __init__(self, ctx: AppContext) -> None:
        self._engine = ctx.db.engine
        self._lock = threading.Lock()
        # Read-only and quick to give up: the watch must never hold up the window or a writer.
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            f"{ctx.db.path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=0.2,
            check_same_thread=False,
        )
        self._seen = self._read()
        event.listen(Session, "after_commit", self._own_commit)
        # A restore replaces the file after closing the database: let go of it too (Windows
        # refuses to replace an open file).
        event.listen(self._engine, "engine_disposed", lambda _engine: self.close())

    def _read(self) -> int | None:
        with self._lock:
            if self._conn is None:
                return None
            try:
                row = self._conn.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error as exc:  # busy or gone: look again next time
                log.debug("data_version not read: %s", exc)
                return None
            return int(row[0])

    def _own_commit(self, session: Session) -> None:
        if session.get_bind() is self._engine:
            version = self._read()
            if version is not None:
                self._seen = version

    def changed_elsewhere(self) -> bool:
        """True once for each time another program committed since the last call."""
        version = self._read()
        if version is None or version == self._seen:
            return False
        self._seen = version
        return True

    def close(self) -> None:
        if event.contains(Session, "after_commit", self._own_commit):
            event.remove(Session, "after_commit", self._own_commit)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> DataWatch:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()


def open_data_watch(ctx: AppContext) -> DataWatch | ServerDataWatch:
    """The watch for where the office's database is: its SQLite file or a PostgreSQL server."""
    if ctx.db.url is not None:
        from smartcity_desktop.services.server_watch import ServerDataWatch

        return ServerDataWatch(ctx)
    return DataWatch(ctx)
