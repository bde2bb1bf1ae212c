"""Hand-written SQL for the hot read paths, on SQLite and PostgreSQL alike.

The statements are written once, with named binds (``:name``) and SQL both engines accept
(``deleted = false``, ``coalesce``, no ``rowid``). On SQLite they go straight to the sqlite3
connection under the session, which understands ``:name`` itself: thousands of rows per page or
bulk review are read without SQLAlchemy's per-statement and per-row work. On PostgreSQL they run
through SQLAlchemy's ``text()``, which turns the binds into psycopg's. What really differs
between the engines (a list of values, an index hint, a range of office codes) is decided here
and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from smartcity_desktop.storage.models import sqlite_datetime

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# Values per statement for ``among``: one bound parameter either way (a JSON text on SQLite, an
# array on PostgreSQL), so this only bounds the size of one statement's answer.
_CHUNK = 20_000

Params = Mapping[str, Any]


def dialect_of(session: Session) -> str:
    return str(session.get_bind().dialect.name)


class Raw:
    """``execute``/``executemany`` of one SQL text with named binds, inside the session's
    transaction; rows come back as tuples (SQLite) or tuple-like rows (PostgreSQL)."""

    def __init__(self, session: Session) -> None:
        self.dialect = dialect_of(session)
        self._connection = session.connection()
        self._sqlite: Any = None
        if self.dialect == SQLITE:
            self._sqlite = self._connection.connection.driver_connection
            assert self._sqlite is not None

    def execute(self, sql: str, params: Params | None = None) -> Any:
        if self._sqlite is not None:
            return self._sqlite.execute(sql, params or {})
        return self._connection.execute(text(sql), dict(params or {}))

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        if self._sqlite is not None:
            self._sqlite.executemany(sql, rows)
        else:
            self._connection.execute(text(sql), [dict(r) for r in rows])

    def chunks(self, items: Sequence[Any]) -> Iterator[Sequence[Any]]:
        for start in range(0, len(items), _CHUNK):
            yield items[start : start + _CHUNK]

    def among(self, column: str, name: str, items: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """``column`` is one of ``items`` (at most a chunk of them): the SQL and its binds.

        One parameter, not one per value: sqlite3 binds named parameters one dict lookup at a
        time (about twice the time of the whole query for 900 ids), and ``json_each`` is C."""
        if self.dialect == POSTGRESQL:
            return f"{column} = ANY(:{name})", {name: list(items)}
        return f"{column} IN (SELECT value FROM json_each(:{name}))", {
            name: json.dumps(list(items))
        }

    def below(self, column: str, name: str, code: str) -> tuple[str, dict[str, Any]]:
        """``column`` holds a code under ``code`` (it starts with ``code + "."``). On SQLite a
        range, which its office_code index serves ('/' sorts right after '.'); PostgreSQL's
        collations need not sort punctuation that way, so there it asks for the prefix itself."""
        if self.dialect == POSTGRESQL:
            return f"starts_with({column}, :{name})", {name: code + "."}
        return (
            f"{column} > :{name}_lo AND {column} < :{name}_hi",
            {f"{name}_lo": code + ".", f"{name}_hi": code + "/"},
        )

    def bytewise(self, *terms: str) -> str:
        """An ORDER BY list that sorts text as SQLite does (by code point) on any server: a
        PostgreSQL database's own collation may sort punctuation, case and digits otherwise."""
        if self.dialect == POSTGRESQL:
            return ", ".join(f'{term} COLLATE "C"' for term in terms)
        return ", ".join(terms)

    def indexed_by(self, index: str) -> str:
        """SQLite's index hint (its planner sometimes picks a worse one); PostgreSQL has none."""
        return f" INDEXED BY {index}" if self.dialect == SQLITE else ""


def raw(session: Session) -> Raw:
    return Raw(session)


def as_datetime(value: Any) -> datetime:
    """A timestamp as read by plain SQL: text on SQLite, a datetime on PostgreSQL."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def time_text(value: Any) -> Any:
    """A timestamp as SQLite stores it (text), whichever engine it was read from; other values
    are returned as they are."""
    return sqlite_datetime(value) if isinstance(value, datetime) else value


def qmark_query(session: Session) -> Callable[[str, Sequence[Any]], Iterable[Sequence[Any]]]:
    """A ``Query`` for the storage reads written with ``?`` placeholders (stored_reads): on
    PostgreSQL the placeholders become psycopg's (those statements hold no other ``?`` or ``%``)."""
    execute = session.connection().exec_driver_sql
    if dialect_of(session) == SQLITE:
        return execute

    def query(sql: str, params: Sequence[Any]) -> Iterable[Sequence[Any]]:
        return execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))

    return query
