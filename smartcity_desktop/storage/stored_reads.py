"""The reads ``verify`` makes in the office database, in plain SQL.

Each function takes ``query``: ``sqlite3.Connection.execute`` of a read-only connection (``smartcity
verify`` opens no database layer at all, see ``services.read_only``) or ``exec_driver_sql`` of a
SQLAlchemy connection (the import, inside its transaction). Both speak SQLite's ``?`` parameters, so
verify and import run the very same statements. Table names come from ``storage.table_names``,
which the models use too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from smartcity_desktop.storage import table_names as tables

Query = Callable[[str, Sequence[Any]], Iterable[Sequence[Any]]]


def driver_query(connection: Any) -> Query:
    """``query`` for a SQLAlchemy connection of either backend: the statements here are written
    with SQLite's ``?``; on a driver with another parameter style (psycopg: ``%s``) they are
    rewritten. None of the statements holds a literal ``?`` or ``%``."""
    if connection.dialect.paramstyle == "qmark":
        return connection.exec_driver_sql  # type: ignore[no-any-return]

    def query(sql: str, params: Sequence[Any]) -> Iterable[Sequence[Any]]:
        return connection.exec_driver_sql(sql.replace("?", "%s"), tuple(params))  # type: ignore[no-any-return]

    return query


IDS_PER_QUERY = 500  # ids per IN (...) clause: well under SQLite's variable limit


def trust_rows(query: Query, certified: str) -> tuple[bytes | None, list[str], set[str]]:
    """The stored trust document, the certificates this office issued, and the offices whose
    bundles it accepted at trust level ``certified``."""
    rows = query(f"SELECT document FROM {tables.TRUST_STORE} WHERE id = ?", (1,))
    document = next(iter(rows), None)
    issued = [str(r[0]) for r in query(f"SELECT certificate FROM {tables.ISSUED_CERTIFICATE}", ())]
    offices = {
        str(r[0])
        for r in query(
            f"SELECT DISTINCT sender_office FROM {tables.BUNDLE_LEDGER} WHERE trust_level = ?",
            (certified,),
        )
    }
    return (bytes(document[0]) if document is not None else None), issued, offices


def bundle_imported(query: Query, content_hash: str) -> bool:
    rows = query(f"SELECT 1 FROM {tables.BUNDLE_LEDGER} WHERE content_hash = ?", (content_hash,))
    return next(iter(rows), None) is not None


def sequence_taken(query: Query, sender_office: str, sequence: int) -> bool:
    """Whether a bundle of ``sender_office`` with this number is in the ledger (any content)."""
    rows = query(
        f"SELECT 1 FROM {tables.BUNDLE_LEDGER} WHERE sender_office = ? AND sequence = ? LIMIT 1",
        (sender_office, sequence),
    )
    return next(iter(rows), None) is not None


def stored_rows(
    query: Query, kind: str, columns: Sequence[str], ids: Iterable[str]
) -> Iterator[tuple[Any, ...]]:
    """(id, *columns) of each of ``ids`` stored in the table of ``kind``. Plain SQL with one
    placeholder per id: an import runs hundreds of these per bundle, and SQLAlchemy's expanding IN
    costs several times the query itself."""
    table = tables.KIND_TABLES[kind]
    wanted = sorted(set(ids))
    selected = ", ".join(("id", *columns))
    for start in range(0, len(wanted), IDS_PER_QUERY):
        part = wanted[start : start + IDS_PER_QUERY]
        sql = f"SELECT {selected} FROM {table} WHERE id IN ({', '.join('?' * len(part))})"
        for row in query(sql, tuple(part)):
            yield tuple(row)
