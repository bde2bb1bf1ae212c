"""Taking turns between writers on several PCs (or processes) that share one office database.

A check followed by a write ("not in the ledger yet, so insert it"; "the review is still at
revision 3, so save revision 4") is only sound if no other writer can run the same check in
between. SQLite has one writer at a time: ``BEGIN IMMEDIATE`` takes the write lock before the check
instead of at the first write. PostgreSQL runs writers side by side (READ COMMITTED), so each kind
of write takes a transaction-scoped advisory lock on a name (``pg_advisory_xact_lock``), which the
server releases at commit, at rollback and when the connection is lost.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def take_turn(session: Session, *names: str, sqlite_wait_seconds: float | None = None) -> None:
    """Wait until no other transaction holds any of ``names``; held until this one ends.

    Call it first in the transaction, before the reads the writes depend on. Names are taken in
    sorted order, so two transactions asking for overlapping names cannot deadlock. On SQLite the
    whole file is the name, and the wait is the connection's busy timeout unless
    ``sqlite_wait_seconds`` says longer (work off the GUI thread, such as an import, may wait for
    another process's import rather than fail)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        for name in sorted(set(names)):
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name}
            )
    elif dialect == "sqlite":
        raw = connection.connection.dbapi_connection
        # pysqlite opens its own (deferred) transaction only before the first INSERT/UPDATE;
        # reads before it see whatever another writer commits meanwhile.
        if raw is not None and not raw.in_transaction:
            if sqlite_wait_seconds is None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(sqlite_wait_seconds * 1000)}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(usual or 0)}")


def export_lock_key(office_code: str) -> str:
    return f"smartcity:export:{office_code}"
