"""The application context: built once by an entry point and passed explicitly, never global."""

from __future__ import annotations

import getpass
import os
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from smartcity_desktop.i18n import _
from smartcity_desktop.storage.blobs import BlobStore
from smartcity_desktop.storage.errors import NotInitialisedError, read_only, translate_os_error
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.sqlite_file import read_office

# SQLAlchemy and the models are imported where the database is opened or read, not here: the
# desktop paints its window from ``peek_office`` before they are loaded.
if TYPE_CHECKING:
    from smartcity_desktop.storage.database import Database
    from smartcity_desktop.storage.location import DatabaseLocation


def utc_now() -> datetime:
    # Stored naive in UTC (SQLite has no time zones); shown in local time by the views.
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    role: str
    name: str
    operator: str


def workstation_user() -> str:
    """Who works at this PC, as "login@computer": several analysts' PCs share one office (and its
    one operator name) when the database is on a server."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment or the system
        login = "?"
    return f"{login}@{socket.gethostname() or '?'}"


@dataclass
class AppContext:
    paths: DataPaths
    db: Database
    clock: Callable[[], datetime] = utc_now
    person: str = field(default_factory=workstation_user)
    _office: OfficeInfo | None = field(default=None, repr=False)

    @property
    def blobs(self) -> BlobStore:
        if self.db.engine.dialect.name == "postgresql":
            # A shared server keeps the photos itself; the folder is this PC's cache of them.
            from smartcity_desktop.storage.db_blobs import DatabaseBlobStore

            return DatabaseBlobStore(self.db.engine, self.paths.attachments)
        return BlobStore(self.paths.attachments)

    @property
    def office(self) -> OfficeInfo:
        if self._office is None:
            from sqlalchemy import select

            from smartcity_desktop.storage.models import OfficeIdentity

            with self.db.session() as session:
                row = session.scalar(select(OfficeIdentity).where(OfficeIdentity.id == 1))
            if row is None:
                raise NotInitialisedError(
                    _(
                        "Folder data {folder} belum disiapkan. Jalankan 'smartcity init' atau buka "
                        "aplikasi desktop untuk menyiapkan kantor."
                    ).format(folder=self.paths.root)
                )
            self._office = OfficeInfo(row.code, row.role, row.name, row.operator)
        return self._office

    def forget_office(self) -> None:
        self._office = None

    def close(self) -> None:
        self.db.close()


def open_context(paths: DataPaths, database_url: str | None = None) -> AppContext:
    """Open an initialised data folder; raises a UserError when it is missing or unusable.

    The database is the folder's SQLite file unless ``database_url`` (``--database-url``),
    ``SMARTCITY_DATABASE_URL`` or the folder's ``database.json`` name a PostgreSQL server."""
    from smartcity_desktop.storage.database import Database
    from smartcity_desktop.storage.location import resolve_location

    location = resolve_location(paths, database_url)
    db = Database.open_location(location, paths.backups, create=False)
    ctx = AppContext(paths=paths, db=db)
    try:
        office = ctx.office  # fails early when the folder holds no office
        if not location.is_sqlite:
            from smartcity_desktop.services.office import check_server_role

            check_server_role(office.role, location.describe())
        pending_export = _has_pending_export(ctx)
    except Exception:
        db.close()
        raise
    if pending_export:
        # An export killed before it finished left its number reserved: close it for good.
        from smartcity_desktop.services.exchange.export_journal import close_interrupted

        close_interrupted(ctx)
    return ctx


def _has_pending_export(ctx: AppContext) -> bool:
    # A cheap look first, so that the exchange modules load only when there is work for them.
    from sqlalchemy import select

    from smartcity_desktop.storage.models import EXPORT_PENDING, BundleExport

    with ctx.db.session() as session:
        return (
            session.scalar(
                select(BundleExport.sequence).where(BundleExport.status == EXPORT_PENDING).limit(1)
            )
            is not None
        )


@dataclass(frozen=True)
class OfficePeek:
    office: OfficeInfo
    language: str | None  # as saved in the settings; None when never chosen


def peek_office(paths: DataPaths) -> OfficePeek | None:
    """The office and its language from a quick read-only look at the database file.

    Refuses the file as ``open_context`` would (not SQLite, damaged, newer); None when only the full
    opening can tell (no office yet, a migration due, an unreadable row). Fast and free of the
    database layer, so the desktop can show its window before ``open_context`` runs.
    """
    if server_location_set(paths):
        return None  # the office is on a server: only the full opening reads it
    row = read_office(paths.database, paths.backups)
    if row is None:
        return None
    return OfficePeek(OfficeInfo(row.code, row.role, row.name, row.operator), row.language)


def office_location(paths: DataPaths, database_url: str | None = None) -> DatabaseLocation:
    """Where this office's database is (``storage.location``), for entry points to show or check."""
    from smartcity_desktop.storage.location import resolve_location

    return resolve_location(paths, database_url)


def server_location_set(paths: DataPaths) -> bool:
    """Whether the environment or the folder's ``database.json`` points away from the SQLite file
    (a quick look that loads nothing; ``storage.location`` reads and checks them)."""
    from smartcity_desktop.storage.location import DATABASE_FILE, DATABASE_URL_ENV

    return (
        bool(os.environ.get(DATABASE_URL_ENV, "").strip()) or (paths.root / DATABASE_FILE).exists()
    )


def ensure_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise translate_os_error(exc, folder) or read_only(folder) from exc
