"""Looking at the office database file with the standard library only: no SQLAlchemy, no writes.

Everything here opens the file read-only and removes the -wal/-shm files such a connection leaves
behind, so the file is refused or read untouched. It is cheap to import, which lets the desktop
check the file and read the office's name before the database layer proper has been loaded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from smartcity_desktop.i18n import _
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.errors import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    StorageError,
    translate_os_error,
    translate_sqlite_error,
)

SQLITE_HEADER = b"SQLite format 3\x00"


@contextmanager
def read_only_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that leaves the folder as it found it."""
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    existed = {p: p.exists() for p in sidecars}
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            yield conn
        finally:
            conn.close()
    finally:
        # A read-only WAL connection still creates -shm (and -wal); remove what this check made.
        # No other process had the file open, or those files would have existed already.
        for sidecar, was_there in existed.items():
            if not was_there:
                with suppress(OSError):
                    if sidecar.name.endswith("-shm") or sidecar.stat().st_size == 0:
                        sidecar.unlink()


@dataclass(frozen=True)
class Inspection:
    exists: bool
    revision: str | None  # None: an empty, new database


def inspect_database(path: Path, backups_dir: Path) -> Inspection:
    """Check an existing file without changing it; raise a StorageError naming what is wrong."""
    if not path.exists():
        return Inspection(exists=False, revision=None)
    hint = _("Pulihkan dari cadangan di folder {backups}.").format(backups=backups_dir)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise translate_os_error(exc, path) or StorageError(str(exc)) from exc
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            _(
                "Berkas {path} bukan basis data SmartCity (bukan SQLite). Berkas tidak diubah. "
            ).format(path=path)
            + hint
        )
    try:
        with read_only_connection(path) as conn:
            # A full integrity check reads every page (about 1 s per GB) and is not done on every
            # start: it runs before a migration and in the background after the desktop opens;
            # damage met at any other moment is reported by the engine's error hook.
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            elif tables:
                raise NotADatabaseError(
                    _(
                        "Berkas {path} adalah basis data SQLite lain, bukan milik SmartCity. "
                        "Berkas tidak diubah."
                    ).format(path=path)
                )
    except sqlite3.Error as exc:
        raise _environment_or_damage(exc, path, hint) from exc
    if revision is not None and revision not in migrations.known_revisions():
        raise NewerDatabaseError(
            _(
                "Basis data ini dibuat oleh versi SmartCity yang lebih baru (skema {revision}). "
                "Perbarui aplikasi; berkas tidak diubah."
            ).format(revision=revision)
        )
    return Inspection(exists=True, revision=revision)


def _environment_or_damage(exc: sqlite3.Error, path: Path, hint: str) -> StorageError:
    """Damage only when SQLite says so; a full disk, a read-only medium, missing rights or a lock
    held by another program each say what they are."""
    found = translate_sqlite_error(exc, path)
    if found is not None and not isinstance(found, CorruptDatabaseError):
        return found
    return CorruptDatabaseError(
        _("Basis data {path} rusak ({detail}). Berkas tidak diubah. ").format(
            path=path, detail=str(exc)
        )
        + hint
    )


def check_integrity(path: Path, backups_dir: Path) -> None:
    """SQLite's quick_check over every page, read-only; raises CorruptDatabaseError on damage and
    the environment's own error (full disk, read-only, rights, busy) when the check cannot run."""
    hint = _("Pulihkan dari cadangan di folder {backups}.").format(backups=backups_dir)
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise _environment_or_damage(exc, path, hint) from exc
    if result != [("ok",)]:
        raise CorruptDatabaseError(
            _("Basis data {path} rusak ({detail}). Berkas tidak diubah. ").format(
                path=path, detail=str(result[0][0])[:120]
            )
            + hint
        )


@dataclass(frozen=True)
class OfficeRecord:
    """The office identity row and the chosen language, as stored."""

    code: str
    role: str
    name: str
    operator: str
    language: str | None  # None: never chosen


def read_office(path: Path, backups_dir: Path) -> OfficeRecord | None:
    """The office this file belongs to, read without changing the file.

    Raises what ``inspect_database`` raises (not SQLite, damaged, newer); returns None whenever the
    answer is not certain from a plain read: no file, no office yet, a migration still due, or a
    read that fails. The caller then opens the database the full way, which says what is wrong.
    """
    inspection = inspect_database(path, backups_dir)
    if not inspection.exists or inspection.revision != migrations.head_revision():
        return None
    try:
        with read_only_connection(path) as conn:
            row = conn.execute(
                "SELECT code, role, name, operator FROM office_identity WHERE id = 1"
            ).fetchone()
            setting = conn.execute("SELECT value FROM setting WHERE key = 'language'").fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    code, role, name, operator = (str(v) for v in row)
    return OfficeRecord(code, role, name, operator, language=setting[0] if setting else None)


@dataclass(frozen=True)
class BackupContents:
    """What a backup file holds, read without changing it."""

    office: OfficeRecord | None
    revision: str | None
    records: dict[str, int]  # live records per kind: problem, potential, proposal
    attachments: int


RECORD_TABLES = ("problem", "potential", "proposal")


def read_backup_contents(path: Path, backups_dir: Path) -> BackupContents:
    """The office and the counts in a backup (any schema this version knows); raises what
    ``inspect_database`` raises."""
    inspection = inspect_database(path, backups_dir)
    records: dict[str, int] = {}
    office: OfficeRecord | None = None
    attachments = 0
    with read_only_connection(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

        def count(table: str) -> int:
            if table not in tables:
                return 0
            row = conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()
            return int(row[0]) if row else 0

        try:
            for table in RECORD_TABLES:
                records[table] = count(table)
            attachments = count("attachment")
            if "office_identity" in tables:
                row = conn.execute(
                    "SELECT code, role, name, operator FROM office_identity WHERE id = 1"
                ).fetchone()
                if row is not None:
                    code, role, name, operator = (str(v) for v in row)
                    office = OfficeRecord(code, role, name, operator, language=None)
        except sqlite3.Error as exc:
            hint = _("Pulihkan dari cadangan di folder {backups}.").format(backups=backups_dir)
            raise _environment_or_damage(exc, path, hint) from exc
    return BackupContents(office, inspection.revision, records, attachments)
