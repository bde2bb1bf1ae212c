"""``smartcity db copy`` as a user runs it: what it prints, where the office points afterwards,
and the exit status of a refusal. The kabupaten copied is on the test's backend: from SQLite to a
server and to a file, and from a server back to a file or to another server."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from smartcity_desktop.storage.paths import DataPaths
from tests.cli.test_cli import run
from tests.conftest import copy_office, office_paths
from tests.pg_scratch import office_database_url

PG_ADMIN_URL = os.environ.get("SMARTCITY_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not PG_ADMIN_URL, reason="SMARTCITY_TEST_POSTGRES_URL is not set"
)


pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kabupaten(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> DataPaths:
    return office_paths(request, backend, "kabupaten", tmp_path / "kabupaten")


def source_of(kabupaten: DataPaths) -> str:
    """Where the kabupaten's data is, as db copy names its source: the file or the server."""
    from smartcity_desktop.services.context import open_context

    ctx = open_context(kabupaten)
    try:
        return ctx.db.describe()
    finally:
        ctx.close()


def test_copy_to_a_new_sqlite_file_reports_the_check(
    capsys: pytest.CaptureFixture[str], kabupaten: DataPaths, tmp_path: Path
) -> None:
    target = tmp_path / "salinan.sqlite"
    source = source_of(kabupaten)
    code, out, err = run(
        capsys, "--data-dir", str(kabupaten.root), "db", "copy", "--to", str(target)
    )
    assert code == 0, err
    assert f"Basis data disalin ke {target}" in out
    assert "hash isi setiap tabel sama" in out
    assert f"tetap ada di {source}." in out
    assert "Menyalin region" in err and "Memeriksa region" in err  # progress on stderr
    assert target.is_file()


def test_a_non_empty_target_exits_1_and_names_its_tables(
    capsys: pytest.CaptureFixture[str],
    kabupaten: DataPaths,
    office_templates: dict[str, Path],
    tmp_path: Path,
) -> None:
    other = copy_office(office_templates, "desa", tmp_path / "desa").database
    before = other.read_bytes()
    code, _out, err = run(
        capsys, "--data-dir", str(kabupaten.root), "db", "copy", "--to", str(other)
    )
    assert code == 1
    assert "Gagal: Tujuan" in err and "tidak kosong: sudah ada tabel region" in err
    assert other.read_bytes() == before


def test_db_needs_a_subcommand_and_copy_needs_a_target(
    capsys: pytest.CaptureFixture[str], kabupaten: DataPaths
) -> None:
    code, _out, err = run(capsys, "--data-dir", str(kabupaten.root), "db")
    assert code == 2
    code, _out, err = run(capsys, "--data-dir", str(kabupaten.root), "db", "copy")
    assert code == 2 and "--to" in err


def pg_tables(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            return list(connection.execute(text(sql)).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def pg_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with office_database_url(monkeypatch) as url:
        yield url


@needs_postgres
def test_copy_to_postgresql_points_the_office_there_without_the_password(
    capsys: pytest.CaptureFixture[str], backend: str, kabupaten: DataPaths, pg_database: str
) -> None:
    password = make_url(PG_ADMIN_URL or "").password or ""
    with_password = make_url(pg_database)._replace(password=password)
    given = with_password.render_as_string(hide_password=False)
    location = kabupaten.root / "database.json"
    before = location.read_text() if location.exists() else None
    code, out, err = run(capsys, "--data-dir", str(kabupaten.root), "db", "copy", "--to", given)
    if backend == "postgresql":
        # From a server to another: refused before anything is read or written.
        assert code == 1
        assert "dengan pg_dump dan pg_restore" in err
        assert "Memeriksa tujuan" not in err and "Menyalin region" not in err
        assert pg_tables(pg_database) == []
        assert location.read_text() == before
        return
    assert code == 0, err
    assert json.loads(location.read_text()) == {"url": pg_database}
    assert f"Kantor ini sekarang memakai {pg_database}." in out
    assert f":{password}@" not in out + err + location.read_text()
    assert "PGPASSWORD atau berkas pgpass" in out
    # the next command opens the server (password from PGPASSWORD) and finds the office
    code, out, err = run(capsys, "--data-dir", str(kabupaten.root), "stats")
    assert code == 0, err
