"""Putting a backup in place of the office database, so that a crash at any moment leaves either
the old database or the new one, never a mix.

The backup is copied to a temporary file next to the database, flushed to disk and checked; the
current file is kept aside under a dated name (a hard link, so the database stays in place until
the last step); then one rename puts the copy in place. SQLite's write-ahead log belongs to the
file it was written for: it is folded into the current file first, and if that cannot be done (a
damaged file) it is moved aside with it, so that it is never replayed onto the restored copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from smartcity_desktop.storage.durable import fsync_dir, fsync_file
from smartcity_desktop.storage.errors import busy, translate_os_error, translate_sqlite_error
from smartcity_desktop.storage.sqlite_file import check_integrity, inspect_database

log = logging.getLogger(__name__)

SIDECARS = ("-wal", "-shm")


def aside_name(database: Path, when: datetime) -> Path:
    return database.with_name(f"smartcity-before-restore-{when:%Y%m%d-%H%M%S}.sqlite")


def check_backup(backup: Path, backups_dir: Path) -> None:
    """A backup is used only if it is an intact SmartCity database this version can read."""
    inspect_database(backup, backups_dir)
    check_integrity(backup, backups_dir)


def _fold_log_into_file(database: Path) -> bool:
    """Checkpoint the write-ahead log into the file; False when it cannot be done (damage).

    Raises DatabaseBusyError when another program is in the middle of using the file."""
    try:
        conn = sqlite3.connect(str(database), timeout=5)
        try:
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        found = translate_sqlite_error(exc, database)
        if found is not None and found.code == "storage.busy":
            raise found from exc
        return False
    if row is not None and row[0] == 1:
        raise busy()
    return True


def replace_database(
    database: Path, backup: Path, backups_dir: Path, when: datetime
) -> Path | None:
    """Put ``backup`` in place of ``database``; returns where the replaced file was kept (None
    when there was none). Nothing is deleted: the replaced file and its log stay beside it."""
    check_backup(backup, backups_dir)
    folder = database.parent
    partial = folder / f".{database.name}.{secrets.token_hex(6)}.partial"
    aside: Path | None = None
    try:
        shutil.copyfile(backup, partial)
        fsync_file(partial)
        _check_copy(partial, backups_dir)
        if database.exists():
            folded = _fold_log_into_file(database)
            aside = aside_name(database, when)
            n = 1
            while aside.exists():
                n += 1
                aside = aside.with_name(f"{aside.stem.rsplit('.', 1)[0]}-{n}.sqlite")
            try:
                os.link(database, aside)
            except OSError:  # FAT-formatted flash drives have no hard links: copy instead
                shutil.copy2(database, aside)
                fsync_file(aside)
            for suffix in SIDECARS:
                sidecar = database.with_name(database.name + suffix)
                if not sidecar.exists():
                    continue
                if suffix == "-wal" and not folded and sidecar.stat().st_size > 0:
                    sidecar.replace(aside.with_name(aside.name + suffix))
                else:
                    sidecar.unlink()
            fsync_dir(folder)
        os.replace(partial, database)
        fsync_dir(folder)
    except OSError as exc:
        raise (translate_os_error(exc, folder) or exc) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    log.info("database restored from %s; replaced file kept as %s", backup.name, aside)
    return aside


def _check_copy(partial: Path, backups_dir: Path) -> None:
    """The copy must read back intact (a failing flash drive returns other bytes than written).
    Opened immutable: a read-only check of a file nobody else has open leaves no -wal/-shm."""
    conn = sqlite3.connect(f"file:{quote(str(partial))}?mode=ro&immutable=1", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        raise (translate_sqlite_error(exc, partial) or exc) from exc
    finally:
        conn.close()
    if result != [("ok",)]:
        check_integrity(partial, backups_dir)  # raises the damage message
