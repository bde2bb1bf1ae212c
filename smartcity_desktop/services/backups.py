"""Backups of the office database: made with SQLite's online backup API, listed newest first,
rotated, and restored.

Kinds of backup, by the reason in the file name: ``manual`` (``smartcity backup``, "Cadangkan
sekarang"), ``pre-migration-…`` (before the schema is upgraded), ``daily`` (the desktop, once a
day while it is used) and ``pre-import`` (once before each import of bundles). Only the automatic
ones, ``daily`` and ``pre-import``, are ever removed by rotation: a manual backup is a decision of
the operator, and a pre-migration backup is the only copy in the older schema.

Listing, describing and restoring never open the office database through the database layer, so
they work when that file is damaged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.errors import StorageError, translate_os_error
from smartcity_desktop.storage.paths import DataPaths, list_backups
from smartcity_desktop.storage.sqlite_file import read_backup_contents, read_office

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext

log = logging.getLogger(__name__)

AUTOMATIC_REASONS = ("daily", "pre-import")
DUMP_SUFFIX = ".pgdump"  # pg_dump archives of an office on PostgreSQL (services/pg_backup.py)
DAILY = timedelta(days=1)
DEFAULT_KEEP_COUNT = 14
DEFAULT_KEEP_DAYS = 60
MAX_KEEP_COUNT = 1000
MAX_KEEP_DAYS = 3650


@dataclass(frozen=True)
class BackupEntry:
    path: Path
    size: int
    created: datetime  # local time

    @property
    def reason(self) -> str:
        # smartcity-YYYYmmdd-HHMMSS-ffffff-<reason>.sqlite
        parts = self.path.stem.split("-", 4)
        return parts[4] if len(parts) == 5 else ""

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


def _created(path: Path, mtime: float) -> datetime:
    """When the backup was made: the UTC time in its name, else the file's own time."""
    parts = path.stem.split("-", 4)
    if len(parts) >= 4:
        try:
            made = datetime.strptime("-".join(parts[1:4]), "%Y%m%d-%H%M%S-%f")
            return made.replace(tzinfo=UTC).astimezone()
        except ValueError:
            pass
    return datetime.fromtimestamp(mtime, tz=UTC).astimezone()


def backup_entries(backups_dir: Path) -> list[BackupEntry]:
    entries = []
    for path in list_backups(backups_dir):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed meanwhile
        entries.append(BackupEntry(path, stat.st_size, _created(path, stat.st_mtime)))
    return entries


def back_up_now(ctx: AppContext) -> Path:
    """A consistent copy, safe while the app is running ("Cadangkan sekarang").

    The database is checked first: a damaged file must not replace a good backup in the list.
    An office on PostgreSQL is dumped with the server's own pg_dump instead.
    """
    if ctx.db.engine.dialect.name == "postgresql":
        from smartcity_desktop.services.pg_backup import dump

        return dump(ctx, ctx.paths.backups)
    ctx.db.check_integrity(ctx.paths.backups)
    return ctx.db.backup(ctx.paths.backups)


# --- retention and automatic backups ------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    keep_count: int = DEFAULT_KEEP_COUNT  # the newest this many automatic backups are kept ...
    keep_days: int = DEFAULT_KEEP_DAYS  # ... unless older than this (0: no age limit)


def retention_of(ctx: AppContext) -> Retention:
    from smartcity_desktop.services.settings import get_settings

    values = get_settings(ctx)
    return Retention(
        keep_count=_bounded(values["backup.keep_count"], DEFAULT_KEEP_COUNT, 1, MAX_KEEP_COUNT),
        keep_days=_bounded(values["backup.keep_days"], DEFAULT_KEEP_DAYS, 0, MAX_KEEP_DAYS),
    )


def _bounded(value: str, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return default
    return min(max(number, low), high)


def rotate_backups(backups_dir: Path, retention: Retention, now: datetime) -> list[Path]:
    """Remove the automatic backups beyond the retention; returns what was removed. The newest
    automatic backup always stays, and manual and pre-migration backups are never touched."""
    automatic = [e for e in backup_entries(backups_dir) if e.automatic]
    removed = []
    for n, entry in enumerate(automatic):
        if n == 0:
            continue
        too_many = n >= retention.keep_count
        too_old = retention.keep_days > 0 and now - entry.created > timedelta(
            days=retention.keep_days
        )
        if too_many or too_old:
            try:
                entry.path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("old backup %s not removed: %s", entry.path.name, exc)
                continue
            removed.append(entry.path)
    if removed:
        log.info("rotation removed %d automatic backups", len(removed))
    return removed


def automatic_backup(ctx: AppContext, reason: str) -> Path | None:
    """A backup made by the app itself, then rotation. A damaged database is neither backed up
    nor rotated: the older, good backups are exactly what is needed then.

    None for an office on a PostgreSQL server: its backups are the server's (`smartcity backup`
    runs pg_dump, scheduled once for the team, docs/postgresql.md). Every analyst PC dumping the
    whole shared database before each import would multiply dumps, and an import is one
    transaction there, so a failed one leaves nothing to restore."""
    if reason not in AUTOMATIC_REASONS:
        raise ValueError(reason)
    if ctx.db.engine.dialect.name != "sqlite":
        log.info("automatic %s backup left to the database server", reason)
        return None
    ctx.db.check_integrity(ctx.paths.backups)
    path = ctx.db.backup(ctx.paths.backups, reason=reason)
    rotate_backups(ctx.paths.backups, retention_of(ctx), datetime.now(UTC).astimezone())
    return path


def back_up_before_import(ctx: AppContext) -> Path | None:
    """Once per import command (all its bundles), before anything is written."""
    return automatic_backup(ctx, "pre-import")


def daily_backup_if_due(ctx: AppContext, now: datetime | None = None) -> Path | None:
    """A ``daily`` backup when the newest backup of any kind is a day old or more (or none)."""
    if ctx.db.engine.dialect.name != "sqlite":
        return None
    now = now or datetime.now(UTC).astimezone()
    entries = backup_entries(ctx.paths.backups)
    if entries and now - entries[0].created < DAILY:
        return None
    return automatic_backup(ctx, "daily")


# --- describing and restoring ---------------------------------------------------------------------


class RestoreError(UserError):
    code = "restore.refused"


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    created: datetime  # local time
    office_code: str | None
    office_name: str | None
    role: str | None
    records: dict[str, int] = field(default_factory=dict)
    attachments: int = 0

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


@dataclass(frozen=True)
class RestoreResult:
    summary: BackupSummary
    kept_aside: Path | None  # the replaced database, renamed next to it


def resolve_backup(paths: DataPaths, name: str | os.PathLike[str]) -> Path:
    """A path as given, or a file name in the office's backups folder."""
    given = Path(name).expanduser()
    if given.is_file():
        return given.resolve()
    in_folder = paths.backups / given.name
    if given.parent == Path(".") and in_folder.is_file():
        return in_folder
    raise RestoreError(
        _(
            "Cadangan {name} tidak ditemukan. Lihat daftarnya dengan 'smartcity backup --list'."
        ).format(name=name),
        code="restore.not_found",
    )


def describe_backup(paths: DataPaths, backup: Path) -> BackupSummary:
    """What a backup holds (its date, the office, counts per kind), read without changing it.
    A pg_dump archive is refused with the commands that restore it (``pg_restore``)."""
    if backup.suffix == DUMP_SUFFIX:
        from smartcity_desktop.services.pg_backup import restore_instructions

        raise RestoreError(restore_instructions(backup, _server_url(paths)), code="restore.pg_dump")
    contents = read_backup_contents(backup, paths.backups)
    stat = backup.stat()
    office = contents.office
    return BackupSummary(
        path=backup,
        created=_created(backup, stat.st_mtime),
        office_code=office.code if office else None,
        office_name=office.name if office else None,
        role=office.role if office else None,
        records=dict(contents.records),
        attachments=contents.attachments,
    )


def _desktop_holder(paths: DataPaths) -> int | None:
    """The PID of a running SmartCity Desktop that has this folder open (its lock file)."""
    from smartcity_desktop.storage.locks import running_lock_holder

    pid = running_lock_holder(paths.lock_file)
    return None if pid in (None, os.getpid()) else pid


def restore_backup(
    paths: DataPaths, backup: Path, *, when: datetime | None = None
) -> RestoreResult:
    """Replace the office database with ``backup``: the replaced file is kept beside it under a
    dated name, never deleted; a crash leaves either the old or the new database. The caller has
    closed its own connections to the database. Callable from a separate process."""
    from smartcity_desktop.services.context import server_location_set
    from smartcity_desktop.storage.restore import replace_database

    backup = backup.resolve()
    if backup == paths.database.resolve():
        raise RestoreError(_("Itu basis data yang sedang dipakai, bukan cadangan."))
    summary = describe_backup(paths, backup)
    if server_location_set(paths):
        # A SQLite backup written into a folder whose database is on a server would be ignored:
        # the office would go on with the server's data while the restore said it was done.
        raise RestoreError(
            _(
                "Folder data ini memakai basis data di server PostgreSQL: cadangan SQLite tidak "
                "dapat dipulihkan ke sana. Gunakan pg_restore dari cadangan server; tidak ada yang "
                "diubah."
            ),
            code="restore.postgres_unsupported",
        )
    if _desktop_holder(paths) is not None:
        raise RestoreError(
            _(
                "SmartCity Desktop sedang membuka folder data ini. Tutup aplikasinya dulu, atau "
                "pulihkan dari halaman Pengaturan di aplikasi itu."
            ),
            code="restore.app_open",
        )
    current = _current_office(paths)
    if current is not None and summary.office_code not in (None, current):
        raise RestoreError(
            _(
                "Cadangan ini milik kantor {other}, bukan kantor folder data ini ({own}). Tidak "
                "ada yang diubah."
            ).format(other=summary.office_code, own=current),
            code="restore.other_office",
        )
    try:
        paths.root.mkdir(parents=True, exist_ok=True)  # a new PC: restore into an empty folder
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or exc) from exc
    _keep_bundle_numbers(paths)
    aside = replace_database(
        paths.database, backup, paths.backups, when or datetime.now(UTC).astimezone()
    )
    log.info("restored %s (kept %s)", backup.name, aside.name if aside else "nothing")
    return RestoreResult(summary, aside)


def _keep_bundle_numbers(paths: DataPaths) -> None:
    """The restored database forgets the bundles sent after the backup; the mark outside it must
    not. Offices made before the mark existed get it here from the database being replaced."""
    from smartcity_desktop.storage import bundle_numbers

    try:
        bundle_numbers.record_taken(paths.root, bundle_numbers.highest_in_database(paths.database))
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or exc) from exc


def _server_url(paths: DataPaths) -> Any:
    """The server the office uses, when its data folder names one (for the restore commands)."""
    from smartcity_desktop.services.db_location import configured_url

    try:
        return configured_url(paths)
    except UserError:
        return None


def _current_office(paths: DataPaths) -> str | None:
    """The office of the database in place, when it can still be read; None when it cannot."""
    try:
        row = read_office(paths.database, paths.backups)
    except StorageError:
        return None
    return row.code if row else None
