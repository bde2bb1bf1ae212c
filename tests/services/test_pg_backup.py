"""``smartcity backup`` for an office on PostgreSQL: pg_dump's custom format into the backups
folder, listed with the SQLite backups, the password only in pg_dump's environment, and clear
words when pg_dump is missing, too old, or fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from smartcity_desktop.services.backups import (
    RestoreError,
    back_up_now,
    backup_entries,
    describe_backup,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.db_copy import copy_office_database
from smartcity_desktop.services.pg_backup import (
    PG_DUMP_ENV,
    PgBackupFailed,
    PgToolMissing,
    find_tool,
)
from tests.conftest import copy_office

PG_ADMIN_URL = os.environ.get("SMARTCITY_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not PG_ADMIN_URL, reason="SMARTCITY_TEST_POSTGRES_URL is not set"
)
REAL_PG_DUMP = shutil.which("pg_dump")
PASSWORD = f"sandi-{uuid.uuid4().hex[:10]}"


def test_a_missing_pg_dump_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(PG_DUMP_ENV, raising=False)
    with pytest.raises(PgToolMissing) as caught:
        find_tool("pg_dump")
    message = str(caught.value)
    assert "pg_dump tidak ditemukan" in message
    assert "postgresql-client" in message and "Command Line Tools" in message
    assert PG_DUMP_ENV in message


def test_the_configured_pg_dump_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PG_DUMP_ENV, str(tmp_path / "tidak-ada" / "pg_dump"))
    with pytest.raises(PgToolMissing, match=f"dari {PG_DUMP_ENV}"):
        find_tool("pg_dump")


def test_the_configured_folder_is_searched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    program = tmp_path / "pg_dump"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv(PG_DUMP_ENV, str(tmp_path))
    assert find_tool("pg_dump") == program


# --- on a real server ---------------------------------------------------------------------------


@pytest.fixture
def pg_office(
    office_templates: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    """A kabupaten moved to a new database of its own role on the test server (as the README sets
    one up), reopened from its database.json with the password in PGPASSWORD, as on an analyst
    PC."""
    assert PG_ADMIN_URL
    admin_url = make_url(PG_ADMIN_URL)
    name = f"pgcopy_b_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'"))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER {name}'))
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    target = admin_url._replace(
        database=name, username=name, password=None, drivername="postgresql+psycopg"
    )
    ctx = open_context(copy_office(office_templates, "kabupaten", tmp_path / "kabupaten"))
    try:
        copy_office_database(ctx, target.render_as_string(hide_password=False))
    finally:
        ctx.close()
    on_server = open_context(ctx.paths)
    try:
        yield on_server
    finally:
        on_server.close()
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()


def _wrapper(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "pg_dump"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return program


@needs_postgres
def test_backup_on_postgresql_is_a_pg_dump_archive_listed_with_the_others(
    pg_office: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert REAL_PG_DUMP
    log = tmp_path / "argv.txt"
    # pg_dump itself, behind a script that notes what it was given
    _wrapper(
        tmp_path / "bin",
        f'echo "$@" >> "{log}"\necho "PGPASSWORD=${{PGPASSWORD:+set}}" >> "{log}"\n'
        f'exec "{REAL_PG_DUMP}" "$@"\n',
    )
    monkeypatch.setenv(PG_DUMP_ENV, str(tmp_path / "bin"))
    older = pg_office.paths.backups / "smartcity-20200101-000000-000000-manual.sqlite"
    older.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pg_office.paths.database, older)

    made = back_up_now(pg_office)

    assert made.parent == pg_office.paths.backups
    assert made.name.startswith("smartcity-") and made.name.endswith("-manual.pgdump")
    assert [e.path for e in backup_entries(pg_office.paths.backups)] == [made, older]
    assert backup_entries(pg_office.paths.backups)[0].reason == "manual"
    listing = subprocess.run(
        ["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public problem" in listing and "office_identity" in listing
    calls = log.read_text()
    assert "--format=custom" in calls and "PGPASSWORD=set" in calls
    assert PASSWORD not in calls
    assert not [p for p in pg_office.paths.backups.iterdir() if p.name.endswith(".partial")]


@needs_postgres
def test_restoring_a_pg_dump_names_the_pg_restore_command(
    pg_office: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = back_up_now(pg_office)
    with pytest.raises(RestoreError) as caught:
        describe_backup(pg_office.paths, made)
    message = str(caught.value)
    url = make_url(PG_ADMIN_URL or "")
    assert f"pg_restore --no-owner --host {url.host} --port {url.port}" in message
    assert str(made) in message and "createdb" in message


@needs_postgres
def test_an_old_pg_dump_is_refused_with_the_version_to_install(
    pg_office: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wrapper(tmp_path / "old", 'echo "pg_dump (PostgreSQL) 9.6.24"\n')
    monkeypatch.setenv(PG_DUMP_ENV, str(tmp_path / "old" / "pg_dump"))
    with pytest.raises(PgToolMissing, match=r"versi 9\) lebih lama dari server") as caught:
        back_up_now(pg_office)
    assert "postgresql-client-" in str(caught.value)
    assert list(pg_office.paths.backups.glob("*.pgdump")) == []


@needs_postgres
def test_a_refused_password_fails_clearly_and_leaves_no_file(
    pg_office: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "bukan-kata-sandinya")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    with pytest.raises(PgBackupFailed, match="pg_dump gagal mencadangkan"):
        back_up_now(pg_office)
    backups = pg_office.paths.backups
    assert not backups.exists() or [p for p in backups.iterdir()] == []
