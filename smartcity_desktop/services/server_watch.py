"""Notice that another PC (or program) wrote to an office database on a PostgreSQL server.

The server sends a notice on ``smartcity_changes`` when a transaction that changed the office's
data commits (migration 0014), carrying the writing session's process id. The watch listens on
its own small connection and reads what has arrived without a round trip, so a look every second
or two costs the server nothing. Notices from this process's own sessions (every save, and the
form drafts written while typing) are told apart by their process id, which the engine's pool
reports when it hands a connection out. When the listening connection drops, the watch connects
again on a later look and reports a change once: what happened meanwhile was not heard.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from smartcity_desktop.services.context import AppContext

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

CHANNEL = "smartcity_changes"
CONNECT_TIMEOUT_SECONDS = 3
# After a failed connection the watch waits this long before it tries again: each try may hold
# the window for up to CONNECT_TIMEOUT_SECONDS when the network drops packets.
RETRY_SECONDS = 30.0


def _backend_pid(dbapi_connection: Any) -> int | None:
    info = getattr(dbapi_connection, "info", None)
    pid = getattr(info, "backend_pid", None)
    return pid if isinstance(pid, int) and pid > 0 else None


class ServerDataWatch:
    def __init__(self, ctx: AppContext, *, retry_seconds: float = RETRY_SECONDS) -> None:
        self._engine = ctx.db.engine
        self._conninfo = self._engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._own_pids: set[int] = set()
        self._conn: psycopg.Connection[Any] | None = None
        self._next_try = 0.0
        self._closed = False
        event.listen(self._engine, "checkout", self._checked_out)
        event.listen(self._engine, "close", self._closed_connection)
        self._connect()

    def _checked_out(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        pid = _backend_pid(dbapi_connection)
        if pid is not None:
            record.info["smartcity_backend_pid"] = pid
            with self._lock:
                self._own_pids.add(pid)

    def _closed_connection(self, _dbapi_connection: Any, record: Any) -> None:
        pid = record.info.pop("smartcity_backend_pid", None)
        if pid is not None:
            with self._lock:
                self._own_pids.discard(pid)

    def _connect(self) -> bool:
        import psycopg

        try:
            conn = psycopg.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name="smartcity-watch",
            )
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.info("not listening for changes on the server (%s); trying again later", exc)
            self._next_try = time.monotonic() + self._retry_seconds
            return False
        self._conn = conn
        return True

    def changed_elsewhere(self) -> bool:
        """True once for each look after which another session committed a change."""
        import psycopg

        with self._lock:
            if self._closed:
                return False
            if self._conn is None:
                if time.monotonic() < self._next_try:
                    return False
                # Whatever was written while not listening was not heard: show it all again.
                return self._connect()
            try:
                payloads = {n.payload for n in self._conn.notifies(timeout=0)}
            except psycopg.Error as exc:
                log.info("the change notices from the server stopped (%s)", exc)
                self._drop_connection()
                self._next_try = 0.0
                return False
            own = {str(pid) for pid in self._own_pids}
            return bool(payloads - own)

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # a broken connection may fail to close; it is gone anyway
                log.debug("closing the broken watch connection failed", exc_info=True)
            self._conn = None

    def close(self) -> None:
        for name, fn in (("checkout", self._checked_out), ("close", self._closed_connection)):
            if event.contains(self._engine, name, fn):
                event.remove(self._engine, name, fn)
        with self._lock:
            self._closed = True
            self._drop_connection()

    def __enter__(self) -> ServerDataWatch:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()
