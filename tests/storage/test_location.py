"""Where an office's database is: flag, environment, database.json, else the SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.cli.main import main
from smartcity_desktop.services.context import peek_office
from smartcity_desktop.storage.location import (
    DATABASE_FILE,
    DATABASE_URL_ENV,
    DatabaseLocationError,
    connect_url,
    parse_url,
    password_for,
    resolve_location,
)
from smartcity_desktop.storage.paths import DataPaths

ENV_URL = "postgresql+psycopg://analis@db.env:5432/dari_env"
FILE_URL = "postgresql+psycopg://analis@db.file:5432/dari_berkas"
CLI_URL = "postgresql+psycopg://analis:rahasia@db.cli:6543/dari_flag"


def with_file(paths: DataPaths, content: object) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    (paths.root / DATABASE_FILE).write_text(text, encoding="utf-8")


def test_the_sqlite_file_is_the_default(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    location = resolve_location(paths)
    assert location.is_sqlite
    assert location.sqlite_path == paths.database
    assert location.source == "sqlite"


def test_flag_beats_environment_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = DataPaths(tmp_path)
    with_file(paths, {"url": FILE_URL})
    assert resolve_location(paths).url is not None
    assert resolve_location(paths).source == "file"
    assert resolve_location(paths).url.database == "dari_berkas"  # type: ignore[union-attr]

    monkeypatch.setenv(DATABASE_URL_ENV, ENV_URL)
    env = resolve_location(paths)
    assert (env.source, env.url.database) == ("env", "dari_env")  # type: ignore[union-attr]

    cli = resolve_location(paths, CLI_URL)
    assert cli.source == "cli"
    assert cli.url is not None
    assert (cli.url.host, cli.url.port, cli.url.database) == ("db.cli", 6543, "dari_flag")
    # The password given on the command line is used, never shown.
    assert cli.url.password == "rahasia"
    assert "rahasia" not in cli.describe()


def test_plain_postgresql_urls_get_the_psycopg_3_driver() -> None:
    for text in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db"):
        assert parse_url(text, "uji").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "value",
    ["sqlite:///smartcity.sqlite", "postgresql+psycopg://u@h", "bukan alamat"],
)
def test_an_address_that_is_not_a_postgresql_database_is_refused(value: str) -> None:
    with pytest.raises(DatabaseLocationError) as refused:
        parse_url(value, "--database-url")
    assert "--database-url" in str(refused.value)
    assert "postgresql+psycopg://pengguna@host:5432/nama_basis_data" in str(refused.value)


def test_a_password_in_database_json_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with_file(paths, {"url": "postgresql+psycopg://analis:bocor@db:5432/kab"})
    with pytest.raises(DatabaseLocationError) as refused:
        resolve_location(paths)
    assert refused.value.code == "storage.database_file_password"
    assert "bocor" not in str(refused.value)


@pytest.mark.parametrize("content", ["{", "[]", {"alamat": FILE_URL}, {"url": ""}])
def test_a_database_json_without_a_url_is_refused_with_its_expected_form(
    tmp_path: Path, content: object
) -> None:
    paths = DataPaths(tmp_path)
    with_file(paths, content)
    with pytest.raises(DatabaseLocationError) as refused:
        resolve_location(paths)
    assert refused.value.code == "storage.database_file_invalid"
    assert str(paths.root / DATABASE_FILE) in str(refused.value)


def test_the_credential_store_hook_is_asked_only_without_a_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smartcity_desktop.storage import location

    bare = parse_url("postgresql+psycopg://analis@db:5432/kab", "uji")
    assert password_for(bare) is None
    assert connect_url(bare).password is None  # libpq then looks (PGPASSWORD, pgpass)

    asked: list[str] = []

    def stored(url: object) -> str:
        asked.append(str(url))
        return "dari-brankas"

    monkeypatch.setattr(location, "password_for", stored)
    assert connect_url(bare).password == "dari-brankas"
    given = parse_url("postgresql+psycopg://analis:diketik@db:5432/kab", "uji")
    assert connect_url(given).password == "diketik"
    assert len(asked) == 1


def test_peek_leaves_a_server_office_to_the_full_opening(desa_paths: DataPaths) -> None:
    assert peek_office(desa_paths) is not None
    with_file(desa_paths, {"url": FILE_URL})
    assert peek_office(desa_paths) is None


def test_the_cli_takes_database_url_before_or_after_the_command(
    desa_paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["--database-url", "sqlite:///x.sqlite", "--data-dir", str(desa_paths.root), "stats"],
        ["--data-dir", str(desa_paths.root), "stats", "--database-url", "sqlite:///x.sqlite"],
    ):
        assert main(args) == 1
        assert "--database-url" in capsys.readouterr().err
    assert main(["--data-dir", str(desa_paths.root), "stats"]) == 0
