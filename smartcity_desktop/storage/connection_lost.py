"""A database server that goes away mid-work: say so, roll back, and carry on when it is back.

When the connection to a PostgreSQL server drops (network, server restart, an administrator ending
the session), the server rolls back the open transaction: nothing of it was written. SQLAlchemy
marks the connection dead and the pool tests connections before handing them out again
(``pool_pre_ping``), so the next operation gets a fresh connection once the server answers. What
is left is to tell the user, instead of showing a driver's traceback: that is this module, an
engine hook turning such failures into a ``ConnectionLostError`` that names the server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL

from smartcity_desktop.i18n import _
from smartcity_desktop.storage.errors import StorageError

# SQLSTATE class 08 (connection exception) and the ways a server ends a session itself:
# admin_shutdown (pg_terminate_backend, a fast shutdown), crash_shutdown, cannot_connect_now.
_LOST_STATES = ("57P01", "57P02", "57P03")


class ConnectionLostError(StorageError):
    code = "database.connection_lost"


def server_name(url: URL) -> str:
    """host:port/database, never the password or the user."""
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def connection_lost(url: URL) -> ConnectionLostError:
    return ConnectionLostError(
        _(
            "Sambungan ke server basis data {server} terputus atau server tidak menjawab. "
            "Pekerjaan yang sedang berjalan dibatalkan seluruhnya oleh server: tidak ada yang "
            "tersimpan setengah. Periksa jaringan dan server itu, lalu ulangi langkah ini; "
            "aplikasi menyambung kembali sendiri begitu server tersedia."
        ).format(server=server_name(url))
    )


def is_connection_lost(original: BaseException | None, is_disconnect: bool) -> bool:
    if is_disconnect:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - only servers need the driver
        return False
    if not isinstance(original, psycopg.OperationalError):
        return False
    state = getattr(original, "sqlstate", None)
    # No SQLSTATE: libpq's own failure to reach or keep the server.
    return state is None or state.startswith("08") or state in _LOST_STATES


def watch_connection(engine: Engine) -> None:
    """Translate lost connections on this (PostgreSQL) engine; SQLite has none to lose."""
    if engine.dialect.name != "postgresql":
        return

    def hook(context: Any) -> None:
        if context.is_pre_ping:  # the pool's own test of an idle connection: it replaces it
            return
        if is_connection_lost(context.original_exception, bool(context.is_disconnect)):
            raise connection_lost(engine.url) from context.original_exception

    event.listen(engine, "handle_error", hook)
