"""An office opened only to look: what ``smartcity verify`` needs, with the standard library.

``open_context`` loads SQLAlchemy and the models (about half a second of start-up on the
development machine, more than the whole verification of a small bundle), may migrate and back up
the file, closes interrupted exports and checks every page before the first write. A verification
writes nothing, so when the file is already at the current schema it is read here through a
read-only ``sqlite3`` connection instead: no migration, backup, cleanup or integrity check, and the
file and its folder are left exactly as they were. Anything else (no office yet, a migration due)
returns None and the caller opens the office the full way, which says what is wrong or migrates.
The statements are shared with the import (``storage.stored_reads``).
"""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from dataclasses import dataclass, field

from smartcity_desktop.services.context import OfficeInfo
from smartcity_desktop.storage.errors import translate_sqlite_error
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.sqlite_file import read_office, read_only_connection
from smartcity_desktop.storage.stored_reads import Query


@dataclass
class ReadOnlyOffice:
    """The office's identity and a read-only connection to its database."""

    paths: DataPaths
    office: OfficeInfo
    language: str | None
    connection: sqlite3.Connection
    _stack: ExitStack = field(repr=False)

    @property
    def query(self) -> Query:
        return self._execute

    def _execute(self, sql: str, parameters: object = ()) -> sqlite3.Cursor:
        try:
            return self.connection.execute(sql, parameters)  # type: ignore[arg-type]
        except sqlite3.Error as exc:  # busy, damaged, unreadable: a message that says which
            raise (translate_sqlite_error(exc, self.paths.database) or exc) from exc

    def close(self) -> None:
        self._stack.close()


def open_read_only(paths: DataPaths) -> ReadOnlyOffice | None:
    """The office in ``paths`` opened read-only, or None when only the full opening can tell.

    Raises what the full opening would for a file that is not SQLite, damaged or newer."""
    record = read_office(paths.database, paths.backups)
    if record is None:
        return None
    stack = ExitStack()
    try:
        connection = stack.enter_context(read_only_connection(paths.database))
    except sqlite3.Error:
        stack.close()
        return None
    office = OfficeInfo(record.code, record.role, record.name, record.operator)
    return ReadOnlyOffice(paths, office, record.language, connection, stack)
