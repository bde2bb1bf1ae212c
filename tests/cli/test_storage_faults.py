"""A full disk, a read-only medium, missing rights and a busy file are each named for what they are,
never as damage (whose advice, restoring a backup, would throw away newer work); a damaged file is
never written to."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import pytest

from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.stats import office_stats
from smartcity_desktop.storage.errors import DiskFullError, PermissionDeniedError, ReadOnlyError
from smartcity_desktop.storage.paths import DataPaths
from tests.cli.test_cli import run
from tests.storage_faults import (
    damage_pages,
    full_disk_office,
    office_without_rights,
    read_only_office,
)

READS = (["stats"], ["search", "air"], ["regions", "list"])


def says_not_damaged(err: str) -> bool:
    return (
        "Pulihkan" not in err
        and "backups" not in err
        and " rusak" not in err.replace("tidak rusak", "")
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [*READS, ["sample-data", "--problems", "1"], ["backup"]])
def test_a_full_disk_is_reported_as_full_not_damaged(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path, command: list[str]
) -> None:
    with full_disk_office(desa_paths.root, tmp_path) as office:
        before = digest(office / "smartcity.sqlite")
        code, _out, err = run(capsys, "--data-dir", str(office), *command)
        assert code == 1
        assert "penuh" in err and says_not_damaged(err)
        assert digest(office / "smartcity.sqlite") == before


@pytest.mark.parametrize("command", [*READS, ["sample-data", "--problems", "1"]])
def test_a_read_only_folder_is_reported_as_read_only_not_damaged(
    capsys: pytest.CaptureFixture[str],
    desa_paths: DataPaths,
    tmp_path: Path,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", "rahasia-desa-2026")
    with read_only_office(desa_paths.root, tmp_path) as office:
        code, _out, err = run(capsys, "--data-dir", str(office), *command)
        assert code == 1
        assert "tidak dapat ditulisi" in err and says_not_damaged(err)
        assert "hanya-baca" in err or "izin" in err  # a read-only mount; chmod when not root


def test_missing_rights_are_reported_as_such(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    with office_without_rights(desa_paths.root) as office:
        code, _out, err = run(capsys, "--data-dir", str(office), "stats")
        with pytest.raises(PermissionDeniedError) as caught:
            open_context(DataPaths(office))
    assert code == 1
    assert "tidak ada izin" in err and says_not_damaged(err)
    assert caught.value.code == "storage.permission"


def test_each_environment_failure_has_its_own_code(desa_paths: DataPaths, tmp_path: Path) -> None:
    with (
        full_disk_office(desa_paths.root, tmp_path / "a") as office,
        pytest.raises(DiskFullError) as full,
    ):
        office_stats(open_context(DataPaths(office)))
    with (
        read_only_office(desa_paths.root, tmp_path / "b") as office,
        pytest.raises(ReadOnlyError) as read_only,
    ):
        office_stats(open_context(DataPaths(office)))
    codes = {full.value.code, read_only.value.code}
    assert codes == {"storage.disk_full", "storage.read_only"} or os.geteuid() != 0


def test_a_database_locked_by_another_program_is_reported_as_busy(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = sqlite3.connect(desa_paths.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program's write lock, held
    holder.execute("UPDATE setting SET value = value")
    try:
        started = time.monotonic()
        code, _out, err = run(
            capsys, "--data-dir", str(desa_paths.root), "sample-data", "--problems", "1"
        )
        assert code == 1 and "sedang dipakai" in err and says_not_damaged(err)
        assert time.monotonic() - started < 30
        # reading goes on beside the writer (write-ahead log)
        code, _out, err = run(capsys, "--data-dir", str(desa_paths.root), "stats", "--json")
        assert code == 0, err
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_damaged_database_refuses_every_write_but_still_reads(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", "rahasia-desa-2026")
    damage_pages(desa_paths.database)
    before = digest(desa_paths.database)
    data_dir = ("--data-dir", str(desa_paths.root))
    code, _out, err = run(capsys, *data_dir, "sample-data", "--problems", "2")
    assert code == 1 and "rusak" in err and "restore" in err
    assert digest(desa_paths.database) == before
    code, out, err = run(capsys, *data_dir, "stats", "--json")
    assert code == 0, err
    assert '"problem": 0' in out
    assert digest(desa_paths.database) == before


def test_backup_list_works_on_a_damaged_header(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "backup")
    assert code == 0, err
    made = out.strip().splitlines()[-1]
    with desa_paths.database.open("r+b") as fh:
        fh.write(b"\0" * 100)  # the header: SQLite no longer recognises the file
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "backup", "--list")
    assert code == 0, err
    assert made in out


@pytest.mark.parametrize("faulty", ["full", "read-only"])
def test_backup_list_works_on_a_full_or_read_only_disk(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path, faulty: str
) -> None:
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "backup")
    assert code == 0, err
    made = Path(out.strip().splitlines()[-1]).name
    place = full_disk_office if faulty == "full" else read_only_office
    with place(desa_paths.root, tmp_path) as office:
        code, out, err = run(capsys, "--data-dir", str(office), "backup", "--list")
    assert code == 0, err
    assert made in out
