"""Where an office's files live: one data folder holds the database, attachments, keys, logs,
backups and exported bundles, so moving or backing up an office is copying one folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "SMARTCITY_DATA_DIR"
APP_DIR_NAME = "SmartCityDesktop"


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


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    """``--data-dir`` wins, then ``SMARTCITY_DATA_DIR``, then the platform's user-data folder."""
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().resolve())
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    return DataPaths(default_data_dir())


def list_backups(backups_dir: Path) -> list[Path]:
    """Newest first (the names start with the UTC time they were made)."""
    if not backups_dir.is_dir():
        return []
    return sorted(backups_dir.glob("smartcity-*.sqlite"), reverse=True)
