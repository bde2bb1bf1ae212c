"""Backups of the office database: made with SQLite's online backup API, listed newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.database import list_backups


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


def back_up_now(ctx: AppContext) -> Path:
    """A consistent copy, safe while the app is running ("Cadangkan sekarang").

    The database is checked first: a damaged file must not replace a good backup in the list.
    """
    ctx.db.check_integrity(ctx.paths.backups)
    return ctx.db.backup(ctx.paths.backups)


def backup_entries(backups_dir: Path) -> list[BackupEntry]:
    entries = []
    for path in list_backups(backups_dir):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed meanwhile
        created = datetime.fromtimestamp(stat.st_mtime, tz=UTC).astimezone()
        entries.append(BackupEntry(path, stat.st_size, created))
    return entries
