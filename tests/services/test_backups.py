"""Backups: restore (what it holds first, the replaced file kept aside, all or nothing), automatic
backups before imports and daily, rotation by the retention in the settings."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smartcity_desktop.services.backups import (
    RestoreError,
    Retention,
    automatic_backup,
    back_up_now,
    backup_entries,
    daily_backup_if_due,
    describe_backup,
    restore_backup,
    rotate_backups,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.location import DATABASE_FILE
from smartcity_desktop.storage.paths import DataPaths
from tests.storage_faults import damage_pages

pytestmark = pytest.mark.postgres_ready

ROOT = Path(__file__).resolve().parents[2]


def counts(paths: DataPaths) -> dict[str, int]:
    ctx = open_context(paths)
    try:
        return RecordService(ctx).counts()
    finally:
        ctx.close()


def test_describe_shows_date_office_and_counts(desa_ctx: AppContext) -> None:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=1))
    backup = back_up_now(desa_ctx)
    summary = describe_backup(desa_ctx.paths, backup)
    assert summary.office_code == "32.16.01.2001" and summary.office_name
    assert summary.records == {"problem": 3, "potential": 2, "proposal": 1}
    assert abs(datetime.now(UTC) - summary.created) < timedelta(minutes=1)


def test_restore_replaces_the_database_and_keeps_the_old_one_aside(desa_ctx: AppContext) -> None:
    paths = desa_ctx.paths
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0))
    backup = back_up_now(desa_ctx)
    generate(desa_ctx, SampleRequest(problems=5, potentials=0, proposals=0, seed=2))
    desa_ctx.close()
    result = restore_backup(paths, backup)
    assert result.kept_aside is not None and result.kept_aside.parent == paths.root
    assert counts(paths)["problem"] == 2
    aside = DataPaths(paths.root / "aside")
    aside.root.mkdir()
    result.kept_aside.rename(aside.database)  # the replaced file is whole: 7 problems
    conn = sqlite3.connect(aside.database)
    assert conn.execute("SELECT count(*) FROM problem").fetchone() == (7,)
    conn.close()


def test_restore_over_a_damaged_database_keeps_the_damaged_file(desa_ctx: AppContext) -> None:
    paths = desa_ctx.paths
    backup = back_up_now(desa_ctx)
    desa_ctx.close()
    with paths.database.open("r+b") as fh:
        fh.write(b"\0" * 100)
    damaged = paths.database.read_bytes()
    result = restore_backup(paths, backup)
    assert result.kept_aside is not None and result.kept_aside.read_bytes() == damaged
    assert counts(paths) == {"problem": 0, "potential": 0, "proposal": 0}


def test_a_damaged_backup_is_refused_and_nothing_changes(desa_ctx: AppContext) -> None:
    paths = desa_ctx.paths
    backup = back_up_now(desa_ctx)
    desa_ctx.close()
    damage_pages(backup)
    before = paths.database.read_bytes()
    with pytest.raises(Exception) as err:
        restore_backup(paths, backup)
    assert "rusak" in str(err.value)
    assert paths.database.read_bytes() == before
    assert not [p for p in paths.root.iterdir() if p.name.endswith(".partial")]
    assert not list(paths.root.glob("smartcity-before-restore-*"))


@pytest.mark.sqlite_only(
    "a SQLite backup of another office; on PostgreSQL the kecamatan's backup is a pg_dump, which "
    "restore never applies (restore.pg_dump)"
)
def test_another_offices_backup_is_refused(desa_ctx: AppContext, kecamatan_ctx: AppContext) -> None:
    other = back_up_now(kecamatan_ctx)
    desa_ctx.close()
    with pytest.raises(RestoreError) as err:
        restore_backup(desa_ctx.paths, other)
    assert err.value.code == "restore.other_office"


def test_a_sqlite_backup_is_not_restored_into_a_folder_whose_database_is_on_a_server(
    desa_ctx: AppContext,
) -> None:
    """The file would be written beside a database.json that the office goes on using."""
    paths = desa_ctx.paths
    backup = back_up_now(desa_ctx)
    desa_ctx.close()
    (paths.root / DATABASE_FILE).write_text(
        json.dumps({"url": "postgresql+psycopg://analis@127.0.0.1:5432/kantor"}), encoding="utf-8"
    )
    before = paths.database.read_bytes()
    with pytest.raises(RestoreError) as err:
        restore_backup(paths, backup)
    assert err.value.code == "restore.postgres_unsupported"
    assert paths.database.read_bytes() == before
    assert not list(paths.root.glob("smartcity-before-restore-*"))


def test_restore_is_refused_while_the_desktop_has_the_folder_open(desa_ctx: AppContext) -> None:
    backup = back_up_now(desa_ctx)
    desa_ctx.close()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        desa_ctx.paths.lock_file.write_text(f"{sleeper.pid}\nsmartcity-desktop\nhost\n")
        with pytest.raises(RestoreError) as err:
            restore_backup(desa_ctx.paths, backup)
        assert err.value.code == "restore.app_open"
    finally:
        sleeper.kill()
        sleeper.wait()
    restore_backup(desa_ctx.paths, backup)  # a lock left by a process that ended is no obstacle


def test_the_cli_restores_from_a_subprocess_and_needs_yes(desa_ctx: AppContext) -> None:
    paths = desa_ctx.paths
    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0))
    backup = back_up_now(desa_ctx)
    generate(desa_ctx, SampleRequest(problems=4, potentials=0, proposals=0, seed=3))
    desa_ctx.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(paths.root)]
    refused = subprocess.run(
        [*cli, "restore", backup.name],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert "1 permasalahan" in refused.stdout  # what the backup holds is shown first
    assert counts(paths)["problem"] == 5
    done = subprocess.run(
        [*cli, "restore", str(backup), "--yes"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "smartcity-before-restore-" in done.stdout
    assert counts(paths)["problem"] == 1


def test_one_backup_before_an_import_of_many_bundles_none_for_a_dry_run(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, backend: str
) -> None:
    """On PostgreSQL none at all: the server's backups are scheduled pg_dumps (docs/postgresql.md)
    and an import there is one transaction."""
    from smartcity_desktop.services.exchange import import_files

    before = len(backup_entries(kecamatan_ctx.paths.backups))
    missing = [tmp_path / f"tidak-ada-{n}.zip" for n in range(5)]
    import_files(kecamatan_ctx, missing, dry_run=True)
    assert len(backup_entries(kecamatan_ctx.paths.backups)) == before
    import_files(kecamatan_ctx, missing)
    entries = backup_entries(kecamatan_ctx.paths.backups)
    if backend == "postgresql":
        assert len(entries) == before
        return
    assert len(entries) == before + 1 and entries[0].reason == "pre-import"


def test_daily_backup_only_when_the_newest_is_a_day_old(desa_ctx: AppContext) -> None:
    first = daily_backup_if_due(desa_ctx)
    assert first is not None and "-daily" in first.name
    assert daily_backup_if_due(desa_ctx) is None
    later = datetime.now(UTC).astimezone() + timedelta(days=1, minutes=1)
    assert daily_backup_if_due(desa_ctx, now=later) is not None


def _fake(backups: Path, when: datetime, reason: str) -> Path:
    backups.mkdir(parents=True, exist_ok=True)
    path = backups / f"smartcity-{when.astimezone(UTC):%Y%m%d-%H%M%S-%f}-{reason}.sqlite"
    path.write_bytes(b"")
    return path


def test_rotation_keeps_the_newest_and_never_manual_or_pre_migration(tmp_path: Path) -> None:
    now = datetime.now(UTC).astimezone()
    backups = tmp_path / "backups"
    autos = [_fake(backups, now - timedelta(days=d), "daily") for d in range(10)]
    imports = [_fake(backups, now - timedelta(hours=h, minutes=30), "pre-import") for h in range(3)]
    manual = _fake(backups, now - timedelta(days=400), "manual")
    migration = _fake(backups, now - timedelta(days=400), "pre-migration-abc")
    removed = rotate_backups(backups, Retention(keep_count=5, keep_days=6), now)
    left = {p.name for p in backups.iterdir()}
    assert manual.name in left and migration.name in left
    assert {p.name for p in imports} <= left and autos[0].name in left
    assert len([n for n in left if n.endswith(("-daily.sqlite", "-pre-import.sqlite"))]) == 5
    assert all(p not in removed for p in (manual, migration))
    # an age limit alone: everything older goes, but the newest automatic backup always stays
    rotate_backups(backups, Retention(keep_count=100, keep_days=1), now + timedelta(days=30))
    left = sorted(p.name for p in backups.iterdir())
    assert len([n for n in left if "-daily" in n or "-pre-import" in n]) == 1


def test_retention_comes_from_the_settings(desa_ctx: AppContext) -> None:
    update_settings(desa_ctx, {"backup.keep_count": "2", "backup.keep_days": "0"})
    for _ in range(4):
        automatic_backup(desa_ctx, "daily")
    assert len([e for e in backup_entries(desa_ctx.paths.backups) if e.automatic]) == 2


def test_a_damaged_database_is_neither_backed_up_nor_rotated(desa_ctx: AppContext) -> None:
    now = datetime.now(UTC).astimezone()
    olds = [_fake(desa_ctx.paths.backups, now - timedelta(days=d + 1), "daily") for d in range(20)]
    desa_ctx.close()
    damage_pages(desa_ctx.paths.database)
    ctx = open_context(desa_ctx.paths)
    try:
        with pytest.raises(Exception) as err:
            automatic_backup(ctx, "daily")
        assert "rusak" in str(err.value)
    finally:
        ctx.close()
    assert all(p.exists() for p in olds)


def test_a_restore_killed_at_any_moment_leaves_the_old_or_the_new_database(
    desa_ctx: AppContext,
) -> None:
    import random
    import signal
    import time

    paths = desa_ctx.paths
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0))
    backup = back_up_now(desa_ctx)
    generate(desa_ctx, SampleRequest(problems=6, potentials=0, proposals=0, seed=8))
    desa_ctx.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(paths.root)]
    started = time.monotonic()
    subprocess.run(
        [*cli, "restore", str(backup), "--yes"], env=env, check=True, capture_output=True
    )
    whole = time.monotonic() - started
    rng = random.Random(10)
    for _trial in range(5):
        # put the newer database back, then kill a restore somewhere along its run
        [aside] = sorted(paths.root.glob("smartcity-before-restore-*.sqlite"))[-1:]
        aside.replace(paths.database)
        for leftover in paths.root.glob("smartcity-before-restore-*"):
            leftover.unlink()
        assert counts(paths)["problem"] == 8
        proc = subprocess.Popen(
            [*cli, "restore", str(backup), "--yes"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 1.0) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = sqlite3.connect(f"file:{paths.database}?mode=ro", uri=True)
        assert check.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        check.close()
        problems = counts(paths)["problem"]
        assert problems in (2, 8)
        if problems == 2:
            continue
        # killed before the swap: a restore afterwards still works
        subprocess.run(
            [*cli, "restore", str(backup), "--yes"], env=env, check=True, capture_output=True
        )
