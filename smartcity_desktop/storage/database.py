"""Opening, checking, migrating and backing up the office database.

Opening is careful because the file is the office's only copy of its work: it is first inspected
through a read-only connection (is it SQLite, is it intact, which schema version), and refused with
a clear message, untouched, if anything is wrong. Only then is it opened for writing, backed up if a
migration is due, and migrated.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from smartcity_desktop.i18n import _
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.connection_lost import watch_connection
from smartcity_desktop.storage.durable import fsync_dir, fsync_file
from smartcity_desktop.storage.errors import (
    CorruptDatabaseError,
    StorageError,
    translate_db_error,
    translate_os_error,
)
from smartcity_desktop.storage.location import DatabaseLocation, describe_url
from smartcity_desktop.storage.paths import list_backups
from smartcity_desktop.storage.sqlite_file import (
    SQLITE_HEADER,
    Inspection,
    check_integrity,
    inspect_database,
)

__all__ = [
    "SQLITE_HEADER",
    "Database",
    "Inspection",
    "check_integrity",
    "inspect_database",
    "list_backups",
]

log = logging.getLogger(__name__)


def _discard(partial: Path) -> None:
    """Remove a backup copy that failed, with the rollback journal SQLite may have left."""
    for path in (partial, partial.with_name(partial.name + "-journal")):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a power cut must never lose a committed save; WAL keeps it cheap.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _environment_errors(db: Database) -> Any:
    """An engine hook that turns SQLite's environment failures (disk full, read-only medium,
    rights, busy) and damaged pages into StorageErrors for every statement, reads included.
    Damage met here also stops every later write through this database."""

    def hook(context: Any) -> None:
        translated = translate_db_error(context.original_exception, db.path)
        if isinstance(translated, CorruptDatabaseError):
            db.mark_damaged(translated)
        if translated is not None:
            raise translated from context.original_exception

    return hook


class Database:
    """One office database. Pass it explicitly; there is no global instance."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        backups_dir: Path | None = None,
        *,
        url: URL | None = None,
    ) -> None:
        # On PostgreSQL ``path`` is still the data folder's SQLite path (never opened): folder-keyed
        # caches and messages keep working; ``url`` (no password shown by ``describe``) is set.
        self.path = path
        self.url = url
        self.engine = engine
        self.backups_dir = backups_dir if backups_dir is not None else path.parent / "backups"
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        watch_connection(engine)
        # Pages are checked once per process before the first write (about 1 s per GB): a
        # damaged file is never written to, whatever the write is.
        self._health_lock = threading.Lock()
        self._checked = False
        self._damage: CorruptDatabaseError | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url is None

    def describe(self) -> str:
        """Where the data is, for messages: the file, or the server URL without its password."""
        return str(self.path) if self.url is None else describe_url(self.url)

    @classmethod
    def open_location(
        cls, location: DatabaseLocation, backups_dir: Path, *, create: bool = False
    ) -> Database:
        if location.url is None:
            return cls.open(location.sqlite_path, backups_dir, create=create)
        from smartcity_desktop.storage.postgres import open_server

        return open_server(cls, location, backups_dir, create=create)

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
        db = cls(path, engine, backups_dir)
        event.listen(engine, "connect", _set_pragmas)
        event.listen(engine, "handle_error", _environment_errors(db))
        try:
            if inspection.revision != migrations.head_revision():
                if inspection.exists and path.stat().st_size > 0:
                    db.check_integrity(backups_dir)  # never migrate a damaged file
                    db.backup(backups_dir, reason=f"pre-migration-{inspection.revision or 'new'}")
                migrations.upgrade(engine)
        except (DBAPIError, sqlite3.Error) as exc:
            engine.dispose()
            raise (translate_db_error(exc, path) or exc) from exc
        except OSError as exc:
            engine.dispose()
            raise (translate_os_error(exc, path) or exc) from exc
        return db

    def check_integrity(self, backups_dir: Path | None = None) -> None:
        """Read every page now; remembers damage so that every later write is refused. Nothing
        to do on PostgreSQL: the server checks its own pages and refuses what it cannot read."""
        if self.url is not None:
            return
        with self._health_lock:
            self._check_locked(backups_dir or self.backups_dir)
        if self._damage is not None:
            raise self._damage

    def _check_locked(self, backups_dir: Path) -> None:
        if self.url is not None:  # the server checks its own pages
            self._checked = True
            return
        try:
            check_integrity(self.path, backups_dir)
        except CorruptDatabaseError as exc:
            self._damage = exc
        self._checked = True

    def mark_damaged(self, error: CorruptDatabaseError) -> None:
        with self._health_lock:
            if self._damage is None:
                self._damage = error
                log.error("database damaged, writes refused: %s", error)

    @property
    def damaged(self) -> bool:
        return self._damage is not None

    def ensure_writable(self) -> None:
        """Refuse to write to a damaged file: writing could spread the damage and would mix new
        work into a file that is to be replaced from a backup."""
        with self._health_lock:
            if not self._checked and self._damage is None:
                self._check_locked(self.backups_dir)
        if self._damage is not None:
            raise CorruptDatabaseError(
                _(
                    "Basis data {path} rusak, jadi perubahan ditolak agar kerusakan tidak "
                    "bertambah. Data yang masih terbaca tetap dapat dilihat. Pulihkan dari "
                    "cadangan dengan 'smartcity restore' atau tombol Pulihkan di Pengaturan."
                ).format(path=self.path)
            )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits at the end, rolls back entirely on any failure. Refused on a
        damaged file."""
        self.ensure_writable()
        session = self._sessions()
        try:
            yield session
            session.commit()
        except (DBAPIError, sqlite3.Error) as exc:
            session.rollback()
            translated = translate_db_error(exc, self.path)
            if isinstance(translated, CorruptDatabaseError):
                self.mark_damaged(translated)
            if translated is not None:
                raise translated from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def backup(self, backups_dir: Path, *, reason: str = "manual") -> Path:
        """A consistent copy through SQLite's online backup API (safe while the app is running).

        The copy is written under a temporary name, flushed to disk, and only then renamed, and
        the rename is flushed too: a crash or power cut never leaves a file under a backup's name
        that is not a complete database, and a backup that was reported made stays made."""
        self._no_backup_on_server()
        backups_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = backups_dir / f"smartcity-{stamp}-{reason}.sqlite"
        partial = backups_dir / f".{target.name}.{secrets.token_hex(6)}.partial"
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
            fsync_file(partial)
            os.replace(partial, target)
            fsync_dir(backups_dir)
        except sqlite3.Error as exc:
            _discard(partial)
            raise translate_db_error(exc, backups_dir) or StorageError(str(exc)) from exc
        except OSError as exc:
            _discard(partial)
            raise (translate_os_error(exc, backups_dir) or exc) from exc
        log.info("backup written: %s", target.name)
        return target

    def _no_backup_on_server(self) -> None:
        if self.url is not None:
            raise StorageError(
                _(
                    "Cadangan dari aplikasi belum tersedia untuk basis data PostgreSQL ({url}). "
                    "Buat cadangan dengan pg_dump di server sampai fitur ini hadir."
                ).format(url=describe_url(self.url)),
                code="storage.postgres_unsupported",
            )

    def close(self) -> None:
        self.engine.dispose()
