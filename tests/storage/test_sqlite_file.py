"""The quick read-only look at the database file the desktop paints its window from."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from smartcity_desktop.storage.errors import NewerDatabaseError, NotADatabaseError
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.sqlite_file import read_office

# SQLite only: the quick look reads the SQLite file itself.


def copied(paths: DataPaths, tmp_path: Path) -> Path:
    copy = tmp_path / "copy" / "smartcity.sqlite"
    copy.parent.mkdir()
    shutil.copy(paths.database, copy)
    return copy


def test_reads_the_office_and_language_leaving_the_folder_as_it_was(
    desa_paths: DataPaths, tmp_path: Path
) -> None:
    path = copied(desa_paths, tmp_path)
    office = read_office(path, tmp_path / "backups")
    assert office is not None
    assert (office.code, office.role) == ("32.16.01.2001", "desa")
    assert office.name and office.operator
    assert office.language == "id"
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM setting WHERE key = 'language'")
    conn.commit()
    conn.close()
    office = read_office(path, tmp_path / "backups")
    assert office is not None and office.language is None  # the caller uses the default
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO setting (key, value) VALUES ('language', 'en')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    office = read_office(path, tmp_path / "backups")
    assert office is not None and office.language == "en"
    assert path.read_bytes() == before
    assert {p.name for p in path.parent.iterdir()} == {"smartcity.sqlite"}


def test_unusable_files_are_refused_as_when_opening(desa_paths: DataPaths, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 20)
    with pytest.raises(NotADatabaseError):
        read_office(junk, tmp_path / "backups")
    path = copied(desa_paths, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError):
        read_office(path, tmp_path / "backups")


def test_no_answer_where_only_the_full_opening_can_tell(
    desa_paths: DataPaths, tmp_path: Path
) -> None:
    assert read_office(tmp_path / "missing.sqlite", tmp_path / "backups") is None
    path = copied(desa_paths, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM office_identity")
    conn.commit()
    conn.close()
    assert read_office(path, tmp_path / "backups") is None  # not initialised: open_context says so
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.commit()
    conn.close()
    assert read_office(path, tmp_path / "backups") is None  # a migration is due first
