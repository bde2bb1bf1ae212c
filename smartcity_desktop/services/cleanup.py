"""Removing what interrupted work left in a data folder: temporary files and orphaned photos.

A crash, a kill or a full disk can leave half-written bundles, parts, backups, receipts and their
SQLite journals (``*.partial``, ``*.part``, ``*.partial-journal``, ``.incoming-*``), joined parts
in ``staging/``, and attachment files that an interrupted import wrote but no row points at.

The rule. A leftover is removed only when all of these hold:

1. Its name and folder are ones this app's own writers use (``storage.leftovers``); nothing else in
   the data folder, and nothing outside it, is touched.
2. It is older than the running operation: it was last modified at least ``STALE_AFTER`` (blobs:
   ``BLOB_STALE_AFTER``) before the operation started. A writer touches its file with every write,
   so a file being written is always younger than that; the margin also covers a writer that has
   closed its file and waits (on a database lock) to rename it.
3. No process has it open. On Linux every open file of every process of this user is read from
   /proc, so a writer that has stalled for longer than the margin is still safe. On Windows an open
   file cannot be deleted and the removal fails harmlessly. Elsewhere rule 2 alone applies.
4. For a blob (``attachments/ab/abcd…``): no attachment row, deleted or not, names its hash,
   according to the committed database. A writer that finds a blob already stored refreshes its
   time (``BlobStore`` does), so a blob about to be referenced again by an import or an attachment
   in another process is young by rule 2 and stays. The time is checked again just before removal.

On PostgreSQL the photos are rows of the office database (``attachment_blob``, storage/db_blobs.py)
and the ``attachments`` folder is this PC's cache of them. The same rule holds there: a blob row no
attachment row names, stored (or last claimed) at least ``BLOB_STALE_AFTER`` before the operation
started, is deleted in one statement that checks the references itself, as the server sees them
committed; cached files are checked against the server's attachment rows, never against a SQLite
file left in the folder from before the office moved.

Cleanup runs at the start of the desktop app and of every CLI command that opens an office, and
after each operation; not for ``smartcity verify``, which opens the office read-only and writes
nothing (services/read_only.py). It never makes an operation fail: what it cannot do now (a
read-only folder, a damaged database) waits for the next time, and is logged.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from smartcity_desktop.storage.leftovers import (
    OpenFiles,
    blob_files,
    modified_at,
    remove,
    temporary_files,
)
from smartcity_desktop.storage.paths import DataPaths

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

STALE_AFTER = 10 * 60.0  # seconds
# An import of a large bundle writes its photos minutes before it commits the rows naming them.
BLOB_STALE_AFTER = 60 * 60.0


@dataclass
class CleanupResult:
    removed: list[Path] = field(default_factory=list)
    in_use: list[Path] = field(default_factory=list)  # old enough, but a process has them open
    database_blobs: int = 0  # orphaned blob rows deleted from a PostgreSQL office's database


def clean_leftovers(
    paths: DataPaths, started: float | None = None, engine: Engine | None = None
) -> CleanupResult:
    """Apply the rule above for an operation that started at ``started`` (``time.time()``;
    now when None). ``engine`` is the office's open database: needed for an office on a server
    (without it, a folder whose database is elsewhere keeps its blobs); a SQLite office's file is
    read directly. Raises nothing for files it cannot remove; may raise for a database that
    cannot be read (the blobs are then left alone), see ``clean_quietly``."""
    started = time.time() if started is None else started
    result = CleanupResult()
    open_files = OpenFiles()
    for candidate in temporary_files(paths):
        _remove_if_stale(candidate.path, started - STALE_AFTER, open_files, result)
    server = engine if engine is not None and engine.dialect.name != "sqlite" else None
    if server is not None:
        result.database_blobs = _remove_orphaned_rows(server, paths, started)
    elif engine is None and _database_elsewhere(paths):
        return result  # the references are on a server this call was not given
    stale_blobs = {
        sha: path
        for sha, path in blob_files(paths)
        if (mtime := modified_at(path)) is not None and mtime <= started - BLOB_STALE_AFTER
    }
    if stale_blobs:
        referenced = referenced_blobs(paths, server)
        for sha, path in sorted(stale_blobs.items()):
            if sha not in referenced:
                _remove_if_stale(path, started - BLOB_STALE_AFTER, open_files, result)
    if result.removed:
        log.info(
            "removed %d leftover file(s): %s",
            len(result.removed),
            ", ".join(str(p.relative_to(paths.root)) for p in result.removed[:20]),
        )
    return result


def clean_quietly(
    paths: DataPaths, started: float | None = None, engine: Engine | None = None
) -> CleanupResult | None:
    """``clean_leftovers`` for the start and the end of an operation: never raises."""
    try:
        return clean_leftovers(paths, started, engine)
    except Exception:  # cleanup must never turn a good operation into a failed one
        log.warning("cleanup of %s skipped", paths.root, exc_info=True)
        return None


def _database_elsewhere(paths: DataPaths) -> bool:
    from smartcity_desktop.services.context import server_location_set

    return server_location_set(paths)


def _remove_orphaned_rows(engine: Engine, paths: DataPaths, started: float) -> int:
    """Rule 4 on the server: blob rows no attachment row names, older than the margin."""
    from smartcity_desktop.storage.db_blobs import DatabaseBlobStore, database_holds_blobs

    if not database_holds_blobs(engine):
        return 0
    older_than = timedelta(seconds=BLOB_STALE_AFTER + time.time() - started)
    removed = DatabaseBlobStore(engine, paths.attachments).remove_orphans(older_than)
    if removed:
        log.info("removed %d orphaned attachment(s) from the database", removed)
    return removed


def referenced_blobs(paths: DataPaths, engine: Engine | None = None) -> set[str]:
    """Every blob hash an attachment row names, read from the committed database: through
    ``engine`` when given, else from the SQLite file (standard library only: cheap for commands
    that never load the database layer)."""
    from smartcity_desktop.storage.sqlite_file import read_only_connection

    if engine is not None:
        from sqlalchemy import text

        with engine.connect() as connection:
            return {
                str(sha)
                for sha in connection.scalars(text("SELECT DISTINCT sha256 FROM attachment"))
            }
    if not paths.database.is_file():
        raise FileNotFoundError(paths.database)
    with read_only_connection(paths.database) as conn:
        return {str(row[0]) for row in conn.execute("SELECT DISTINCT sha256 FROM attachment")}


def _remove_if_stale(
    path: Path, newest_allowed: float, open_files: OpenFiles, result: CleanupResult
) -> None:
    mtime = modified_at(path)
    if mtime is None or mtime > newest_allowed:
        return
    if open_files.holds(path):
        result.in_use.append(path)
        return
    if remove(path):
        result.removed.append(path)
