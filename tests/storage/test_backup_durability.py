"""A backup appears under its final name only once it is a complete, flushed database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage import database as database_module
from smartcity_desktop.storage.leftovers import temporary_files

# SQLite only: a backup is a copy of the SQLite file (a server's backups: tests/services/test_pg_backup.py).


def test_the_copy_is_flushed_before_its_rename_and_the_folder_after(
    desa_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = desa_ctx.paths.backups
    events: list[tuple[str, str]] = []
    real_replace, real_fsync_file, real_fsync_dir = (
        os.replace,
        database_module.fsync_file,
        database_module.fsync_dir,
    )

    def fsync_file(path: Path) -> None:
        real_fsync_file(path)
        # What is flushed is already a whole database, and nothing has a final name yet.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
        assert not list(backups.glob("smartcity-*.sqlite"))
        events.append(("fsync", path.name))

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        real_replace(src, dst)
        events.append(("rename", Path(src).name))

    def fsync_dir(folder: Path) -> None:
        real_fsync_dir(folder)
        events.append(("fsync dir", Path(folder).name))

    monkeypatch.setattr(database_module, "fsync_file", fsync_file)
    monkeypatch.setattr(database_module, "fsync_dir", fsync_dir)
    monkeypatch.setattr(database_module.os, "replace", replace)
    target = desa_ctx.db.backup(backups)

    assert [kind for kind, _name in events] == ["fsync", "rename", "fsync dir"]
    temporary = events[0][1]
    assert temporary.startswith(f".{target.name}.") and temporary.endswith(".partial")
    assert events[1][1] == temporary and events[2][1] == backups.name


def test_the_temporary_name_is_one_the_cleanup_recognises(desa_ctx: AppContext) -> None:
    target = desa_ctx.db.backup(desa_ctx.paths.backups)
    left = target.with_name(f".{target.name}.0123456789ab.partial")
    journal = left.with_name(left.name + "-journal")
    old_style = target.with_suffix(".partial")  # left by versions before this name
    for path in (left, journal, old_style):
        path.write_bytes(b"half")
    found = {c.path for c in temporary_files(desa_ctx.paths)}
    assert {left, journal, old_style} <= found
    assert target not in found
