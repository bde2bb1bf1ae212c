"""Opening, checking, migrating and backing up the office database.

Opening is careful because the file is the office's only copy of its work: it is first inspected
through a read-only connection (is it SQLite, is it intact, which schema version), and refused with
a clear message, untouched, if anything is wrong. Only then is it opened for writing, backed up if a
migration is due, and migrated.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from smartcity_desktop.i18n import _
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.errors import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    StorageError,
    translate_db_error,
    translate_os_error,
)

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


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
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    existed = {p: p.exists() for p in sidecars}
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
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
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            _("Basis data {path} rusak ({detail}). Berkas tidak diubah. ").format(
                path=path, detail=str(exc)
            )
            + hint
        ) from exc
    finally:
        # A read-only WAL connection still creates -shm (and -wal); remove what this check made.
        # No other process had the file open, or those files would have existed already.
        for sidecar, was_there in existed.items():
            if not was_there:
                with suppress(OSError):
                    if sidecar.name.endswith("-shm") or sidecar.stat().st_size == 0:
                        sidecar.unlink()
    if revision is not None and revision not in migrations.known_revisions():
        raise NewerDatabaseError(
            _(
                "Basis data ini dibuat oleh versi SmartCity yang lebih baru (skema {revision}). "
                "Perbarui aplikasi; berkas tidak diubah."
            ).format(revision=revision)
        )
    return Inspection(exists=True, revision=revision)


def check_integrity(path: Path, backups_dir: Path) -> None:
    """SQLite's quick_check over every page, read-only; raises CorruptDatabaseError."""
    hint = _("Pulihkan dari cadangan di folder {backups}.").format(backups=backups_dir)
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result = [(str(exc),)]
    if result != [("ok",)]:
        raise CorruptDatabaseError(
            _("Basis data {path} rusak ({detail}). Berkas tidak diubah. ").format(
                path=path, detail=str(result[0][0])[:120]
            )
            + hint
        )


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a power cut must never lose a committed save; WAL keeps it cheap.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _environment_errors(path: Path) -> Any:
    """An engine hook that turns SQLite's environment failures (disk full, read-only, damaged
    pages, busy) into StorageErrors for every statement, reads included."""

    def hook(context: Any) -> None:
        translated = translate_db_error(context.original_exception, path)
        if translated is not None:
            raise translated from context.original_exception

    return hook


class Database:
    """One office database. Pass it explicitly; there is no global instance."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, backups_dir: Path, *, create: bool = False) -> Database:
        inspection = inspect_database(path, backups_dir)
        if not inspection.exists and not create:
            from smartcity_desktop.storage.errors import NotInitialisedError

            raise NotInitialisedError(
                _(
                    "Folder data {folder} belum disiapkan. Jalankan 'smartcity init' atau buka "
                    "aplikasi desktop untuk menyiapkan kantor."
                ).format(folder=path.parent)
            )
        engine = create_engine(f"sqlite:///{path}", future=True)
        event.listen(engine, "connect", _set_pragmas)
        event.listen(engine, "handle_error", _environment_errors(path))
        db = cls(path, engine)
        try:
            if inspection.revision != migrations.head_revision():
                if inspection.exists and path.stat().st_size > 0:
                    check_integrity(path, backups_dir)  # never migrate a damaged file
                    db.backup(backups_dir, reason=f"pre-migration-{inspection.revision or 'new'}")
                migrations.upgrade(engine)
        except (DBAPIError, sqlite3.Error) as exc:
            engine.dispose()
            raise (translate_db_error(exc, path) or exc) from exc
        except OSError as exc:
            engine.dispose()
            raise (translate_os_error(exc, path) or exc) from exc
        return db

    def check_integrity(self, backups_dir: Path) -> None:
        check_integrity(self.path, backups_dir)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits at the end, rolls back entirely on any failure."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except (DBAPIError, sqlite3.Error) as exc:
            session.rollback()
            translated = translate_db_error(exc, self.path)
            if translated is not None:
                raise translated from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def backup(self, backups_dir: Path, *, reason: str = "manual") -> Path:
        """A consistent copy through SQLite's online backup API (safe while the app is running)."""
        backups_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = backups_dir / f"smartcity-{stamp}-{reason}.sqlite"
        partial = target.with_suffix(".partial")
        try:
            src = sqlite3.connect(str(self.path))
            try:
                dst = sqlite3.connect(str(partial))
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
            partial.replace(target)
        except sqlite3.Error as exc:
            partial.unlink(missing_ok=True)
            raise translate_db_error(exc, backups_dir) or StorageError(str(exc)) from exc
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise (translate_os_error(exc, backups_dir) or exc) from exc
        log.info("backup written: %s", target.name)
        return target

    def close(self) -> None:
        self.engine.dispose()


def list_backups(backups_dir: Path) -> list[Path]:
    if not backups_dir.is_dir():
        return []
    return sorted(backups_dir.glob("smartcity-*.sqlite"), reverse=True)
