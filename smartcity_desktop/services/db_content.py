"""What ``smartcity db copy`` copies and how it proves the copy equal: the tables of the models in
dependency order, read in primary-key order in batches, and a content hash per table computed the
same way whatever engine the rows come from.

The hash is SHA-256 over one canonical JSON line per row. Values are encoded by what they are, not
by how an engine stores them: booleans as SQLite stores them (0/1), date-times as ISO text with
microseconds, bytes as hex, decimals normalised, floats by ``repr``. Rows are ordered by primary
key with byte-wise collation on both sides (PostgreSQL's "C", SQLite's BINARY), so a database
whose server sorts text by a language's rules still hashes in the same order as SQLite.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Connection, Table, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import String

from smartcity_desktop.storage.models import Base

# Derived from the records and rebuilt on the target by its own search objects, never copied:
# copying them would duplicate what the target's triggers write.
DERIVED_TABLES = frozenset({"search_doc", "search_suspended"})


def copied_tables() -> list[Table]:
    """Every table of the models except the derived ones, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in DERIVED_TABLES]


def our_table_names() -> frozenset[str]:
    """Names that mark a database as holding (part of) an office: any of them means not empty."""
    return frozenset(Base.metadata.tables) | {"alembic_version", "record_search"}


def _ordering(table: Table, dialect: str) -> list[ColumnElement[Any]]:
    order: list[ColumnElement[Any]] = []
    for column in table.primary_key.columns:
        if dialect == "postgresql" and isinstance(column.type, String):
            order.append(column.collate("C"))
        else:
            order.append(column)
    return order


def read_rows(
    connection: Connection, table: Table, batch_size: int
) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, ``batch_size`` at a time (a server-side cursor on
    PostgreSQL, SQLite's own stepping cursor: memory stays bounded by one batch)."""
    statement = select(table).order_by(*_ordering(table, connection.dialect.name))
    result = connection.execution_options(stream_results=True, yield_per=batch_size).execute(
        statement
    )
    try:
        for partition in result.mappings().partitions(batch_size):
            yield [dict(row) for row in partition]
    finally:
        result.close()


def count_rows(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _as_int(value: Any) -> Any:
    return None if value is None else int(value)


def _canonical(value: Any) -> Any:
    if value is None or (isinstance(value, (str, int)) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, datetime):
        return ["t", value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")]
    if isinstance(value, (date, time)):
        return ["d", value.isoformat()]
    if isinstance(value, Decimal):
        return ["n", str(value.normalize())]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["b", bytes(value).hex()]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _encoders(table: Table) -> list[Callable[[Any], Any]]:
    """One encoder per column: booleans to 0/1 (SQLite may even hand back an int), every other
    value by its Python type."""
    return [_as_int if isinstance(c.type, Boolean) else _canonical for c in table.columns]


@dataclass
class TableDigest:
    """A running count and hash of one table's rows, fed in primary-key order."""

    table: Table
    rows: int = 0

    def __post_init__(self) -> None:
        self._hash = hashlib.sha256()
        self._names = [c.name for c in self.table.columns]
        self._encode = _encoders(self.table)
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def add(self, rows: list[dict[str, Any]]) -> None:
        names, encode, dumps, update = self._names, self._encode, self._dumps, self._hash.update
        for row in rows:
            line = dumps([enc(row[name]) for name, enc in zip(names, encode, strict=True)])
            update(line.encode("utf-8"))
            update(b"\n")
        self.rows += len(rows)

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def digest_table(connection: Connection, table: Table, batch_size: int) -> TableDigest:
    digest = TableDigest(table)
    for rows in read_rows(connection, table, batch_size):
        digest.add(rows)
    return digest
