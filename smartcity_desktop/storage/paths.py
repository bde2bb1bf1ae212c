"""Where an office's files live: one data folder holds the database, attachments, keys, logs,
backups and exported bundles, so moving or backing up an office is copying one folder.

Portable mode: a file named ``portable.txt`` beside the frozen app's executables puts the data
folder in ``data`` beside them, so an office can carry the app and its data on a USB stick. Only
the frozen app has a folder of its own; run from source or a pip install, the launcher sits in a
``bin`` or ``Scripts`` folder shared with other programs, so ``--data-dir`` and
``SMARTCITY_DATA_DIR`` are the ways to choose a folder there.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "SMARTCITY_DATA_DIR"
APP_DIR_NAME = "SmartCityDesktop"
# A .txt name on purpose: Explorer's "New > Text document" named "portable" with the extensions
# hidden (the Windows default) makes exactly this file.
PORTABLE_MARKER = "portable.txt"
PORTABLE_DATA_DIR = "data"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "smartcity.sqlite"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def received_bundles(self) -> Path:
        """Village bundles a kecamatan imported, kept byte for byte to forward them unchanged."""
        return self.root / "received"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def opened_copies(self) -> Path:
        """Copies of attachments handed to the system viewer, named by hash and type."""
        return self.root / "cache" / "opened"

    @property
    def lock_file(self) -> Path:
        return self.root / "smartcity.lock"

    @property
    def export_lock(self) -> Path:
        # Held by whichever process (desktop or CLI) is writing a bundle; never a leftover to remove.
        return self.root / "export.lock"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


def app_folder() -> Path | None:
    """The folder holding the frozen app's executables; None when running from source or pip."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def portable_data_dir(folder: Path | None) -> Path | None:
    """``folder/data`` when ``folder`` holds the portable marker, else None."""
    if folder is None or not (folder / PORTABLE_MARKER).is_file():
        return None
    return (folder / PORTABLE_DATA_DIR).resolve()


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    """``--data-dir`` wins, then ``SMARTCITY_DATA_DIR``, then portable mode (the marker beside the
    frozen app), then the platform's user-data folder."""
    return data_dir_for(cli_value, app_folder())


def data_dir_for(cli_value: str | os.PathLike[str] | None, app_dir: Path | None) -> DataPaths:
    """``resolve_data_dir`` for an app whose executables are in ``app_dir`` (None: not frozen)."""
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().resolve())
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    portable = portable_data_dir(app_dir)
    if portable is not None:
        return DataPaths(portable)
    return DataPaths(default_data_dir())


def portable_marker(paths: DataPaths, app_dir: Path | None = None) -> Path | None:
    """The marker file that put ``paths`` where it is (beside ``app_dir``, by default the running
    frozen app's folder), or None when it is not a portable data folder. Shown beside the folder
    (Pengaturan, ``smartcity stats``) so that the user sees that portable mode is on."""
    folder = app_dir if app_dir is not None else app_folder()
    if folder is None or portable_data_dir(folder) != paths.root:
        return None
    return folder / PORTABLE_MARKER


# SQLite copies, and pg_dump archives of an office on PostgreSQL (services/pg_backup.py).
BACKUP_SUFFIXES = (".sqlite", ".pgdump")


def list_backups(backups_dir: Path) -> list[Path]:
    """Newest first (the names start with the UTC time they were made), of either kind."""
    if not backups_dir.is_dir():
        return []
    found = [p for suffix in BACKUP_SUFFIXES for p in backups_dir.glob(f"smartcity-*{suffix}")]
    return sorted(found, key=lambda p: p.name, reverse=True)
