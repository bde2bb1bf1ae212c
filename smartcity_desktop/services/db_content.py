"""What ``smartcity db copy`` copies and how it proves the copy equal: the tables of the models in
dependency order, read in primary-key order in batches, and a content hash per table computed the
same way whatever engine the rows come from.

The hash is SHA-256 over one canonical line per row: the Python ``repr`` of the list of its values
in column order. Values are encoded by what they are, not by how an engine stores them: booleans as
SQLite stores them (0/1), date-times as ISO 8601 text (``str``: microseconds when not zero), bytes
as hex text, decimals normalised; text, integers and floats by their own ``repr`` (a float by its
shortest exact form, so 1.0 is never 1, and text always quoted, so 'None' is never None). Rows are ordered by primary
key with byte-wise collation on both sides (PostgreSQL's "C", SQLite's BINARY), so a database
whose server sorts text by a language's rules still hashes in the same order as SQLite.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Float,
    LargeBinary,
    Numeric,
    Row,
    Table,
    func,
    select,
)
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
    # Besides the models: Alembic's version, SQLite's FTS5 index, and what migrations 0012 and
    # 0013 make on PostgreSQL (search settings, attachment bytes).
    return frozenset(Base.metadata.tables) | {
        "alembic_version",
        "record_search",
        "search_setting",
        "attachment_blob",
        "attachment_blob_chunk",
    }


def _ordering(table: Table, dialect: str) -> list[ColumnElement[Any]]:
    order: list[ColumnElement[Any]] = []
    for column in table.primary_key.columns:
        if dialect == "postgresql" and isinstance(column.type, String):
            order.append(column.collate("C"))
        else:
            order.append(column)
    return order


def read_rows(connection: Connection, table: Table, batch_size: int) -> Iterator[list[Row[Any]]]:
    """The table's rows (tuples in column order) in primary-key order, ``batch_size`` at a time:
    a server-side cursor on PostgreSQL, SQLite's own stepping cursor, so memory stays bounded by
    one batch."""
    statement = select(*table.columns).order_by(*_ordering(table, connection.dialect.name))
    result = connection.execution_options(stream_results=True, yield_per=batch_size).execute(
        statement
    )
    try:
        for partition in result.partitions(batch_size):
            yield list(partition)
    finally:
        result.close()


def count_rows(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _as_int(value: Any) -> Any:
    return None if value is None else int(value)


def _as_text_time(value: Any) -> Any:
    return None if value is None else str(value)


def _as_hex(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    # SQLite lets any value sit in a BLOB column; it must not hash like the bytes it spells.
    return None if value is None else ("not bytes", value)


def _as_number_text(value: Any) -> Any:
    return None if value is None else str(Decimal(value).normalize())


def _encoder(column_type: Any) -> Callable[[Any], Any] | None:
    """How a column's values are written into the hash, when the ``repr`` of the Python value is
    not already the same on both engines (text, integers and floats are)."""
    if isinstance(column_type, Boolean):
        return _as_int  # SQLite stores 0/1
    if isinstance(column_type, DateTime):
        return _as_text_time
    if isinstance(column_type, LargeBinary):
        return _as_hex
    if isinstance(column_type, Numeric) and not isinstance(column_type, Float):
        return _as_number_text
    return None


class TableDigest:
    """A running count and hash of one table's rows, fed in primary-key order as tuples in the
    table's column order."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = 0
        self._hash = hashlib.sha256()
        self._encoders = [
            (i, enc) for i, c in enumerate(table.columns) if (enc := _encoder(c.type)) is not None
        ]

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        encoders = self._encoders
        lines = []
        for row in rows:
            values = list(row)
            for i, encode in encoders:
                values[i] = encode(values[i])
            lines.append(repr(values))
        if lines:
            self._hash.update(("\n".join(lines) + "\n").encode("utf-8"))
        self.rows += len(rows)

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def digest_table(connection: Connection, table: Table, batch_size: int) -> TableDigest:
    digest = TableDigest(table)
    for rows in read_rows(connection, table, batch_size):
        digest.add(rows)
    return digest
