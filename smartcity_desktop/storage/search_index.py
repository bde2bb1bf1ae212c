"""Bulk writes with the full-text index brought up to date in one statement per kind.

The index is normally kept by triggers, one row at a time. For tens of thousands of rows that is
most of the work, so bulk writers suspend the triggers inside their own transaction and index the
new rows afterwards with ``catch_up``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SEARCHABLE = ("problem", "potential", "proposal")


@contextmanager
def triggers_suspended(connection: Any) -> Iterator[None]:
    """Suspend the search triggers for this transaction; index what was inserted on the way out.

    Only inserts may happen inside: rows updated or deleted meanwhile would keep stale entries.
    """
    watermark = connection.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM search_doc")
    start = watermark.scalar()
    connection.exec_driver_sql("INSERT INTO search_suspended(id) VALUES (1)")
    try:
        yield
    finally:
        connection.exec_driver_sql("DELETE FROM search_suspended")
    for table in SEARCHABLE:
        catch_up(connection, table, start)


def catch_up(connection: Any, table: str, start: int) -> None:
    """Index the live rows of ``table`` that are not in the index yet."""
    if table not in SEARCHABLE:
        raise ValueError(table)
    connection.exec_driver_sql(
        f"INSERT INTO search_doc(kind, record_id) SELECT '{table}', t.id FROM {table} t "
        "WHERE t.deleted = 0 AND NOT EXISTS (SELECT 1 FROM search_doc d WHERE d.record_id = t.id)"
    )
    connection.exec_driver_sql(
        "INSERT INTO record_search(rowid, title, description) "
        f"SELECT d.rowid, t.title, coalesce(t.description, '') FROM search_doc d "
        f"JOIN {table} t ON t.id = d.record_id WHERE d.rowid > ? AND d.kind = '{table}'",
        (start,),
    )
