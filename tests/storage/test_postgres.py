"""An office database on a real PostgreSQL server (SMARTCITY_TEST_POSTGRES_URL; skipped without).

Also the backend fixtures themselves: the office fixtures give the same office on both backends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import InitError, init_office
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.errors import (
    NewerDatabaseError,
    NotInitialisedError,
    StorageError,
)
from smartcity_desktop.storage.location import DatabaseLocation, parse_url
from smartcity_desktop.storage.models import Base, BundleLedger, Region, bulk_insert_raw
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.postgres import (
    ServerDatabaseMissingError,
    ServerLoginError,
    ServerUnreachableError,
)
from smartcity_desktop.storage.stored_reads import (
    bundle_imported,
    driver_query,
    sequence_taken,
    stored_rows,
)
from tests import postgres_support
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready

SQLITE_ONLY_TABLES = {"search_suspended"}  # PostgreSQL suspends its search triggers otherwise
# Migration 0012's full-text index on PostgreSQL, made by hand as SQLite's FTS5 table is.
POSTGRESQL_SEARCH = {
    ("remove_table", "search_setting"),
    ("remove_column", "document"),
    ("remove_index", "ix_search_doc_document"),
}


def _difference(diff: list[Any]) -> tuple[str, str]:
    kind = diff[0]
    if kind in ("add_column", "remove_column"):
        return kind, diff[3].name
    return kind, diff[1].name


# The attachments of a server office, made by migration 0013 and not by the models
# (storage/db_blobs.py).
POSTGRESQL_ONLY_TABLES = {"attachment_blob", "attachment_blob_chunk"}


@pytest.fixture
def empty_url(postgres_databases: postgres_support.Databases) -> Iterator[str]:
    name = postgres_databases.create("empty")
    yield postgres_support.database_url(name)
    postgres_databases.drop(name)


def location(url: str, tmp_path: Path) -> DatabaseLocation:
    return DatabaseLocation(tmp_path / "smartcity.sqlite", parse_url(url, "uji"), "cli")


def open_url(url: str, tmp_path: Path, *, create: bool = True) -> Database:
    return Database.open_location(location(url, tmp_path), tmp_path / "backups", create=create)


def revision_of(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SELECT version_num FROM alembic_version")))
    finally:
        engine.dispose()


def test_all_migrations_run_on_postgresql_and_match_the_models(
    empty_url: str, tmp_path: Path
) -> None:
    db = open_url(empty_url, tmp_path)
    try:
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
        assert db.engine.pool._pre_ping  # type: ignore[attr-defined]
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}),
                Base.metadata,
            )
        assert tables == set(Base.metadata.tables) - SQLITE_ONLY_TABLES | POSTGRESQL_ONLY_TABLES | {
            "alembic_version",
            "search_setting",
        }
        # Only the full-text bookkeeping and the attachment store differ on purpose; nothing else.
        assert {_difference(d) for d in diff} == {
            ("add_table", t) for t in SQLITE_ONLY_TABLES
        } | POSTGRESQL_SEARCH | {("remove_table", t) for t in POSTGRESQL_ONLY_TABLES}
        assert not any(name.startswith("record_search") for name in tables)
    finally:
        db.close()
    assert revision_of(empty_url) == migrations.head_revision()
    assert not (tmp_path / "smartcity.sqlite").exists()
    assert not (tmp_path / "backups").exists()  # no SQLite backup of a server database


def test_two_analysts_starting_at_once_migrate_once(empty_url: str, tmp_path: Path) -> None:
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def open_one(n: int) -> None:
        start.wait()
        try:
            open_url(empty_url, tmp_path / str(n)).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert revision_of(empty_url) == migrations.head_revision()


def test_an_empty_server_database_is_not_an_office_yet(empty_url: str, tmp_path: Path) -> None:
    with pytest.raises(NotInitialisedError) as refused:
        open_url(empty_url, tmp_path, create=False)
    assert "smartcity init --database-url" in str(refused.value)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == []  # left as it was
    engine.dispose()


def test_a_database_of_a_newer_app_is_refused_untouched(empty_url: str, tmp_path: Path) -> None:
    open_url(empty_url, tmp_path).close()
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(NewerDatabaseError) as refused:
        open_url(empty_url, tmp_path)
    assert "lebih baru" in str(refused.value)
    assert make_url(empty_url).database in str(refused.value)  # type: ignore[operator]
    assert revision_of(empty_url) == "9999"


def test_another_applications_database_is_refused(empty_url: str, tmp_path: Path) -> None:
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE pelanggan (id integer primary key)"))
    engine.dispose()
    with pytest.raises(StorageError) as refused:
        open_url(empty_url, tmp_path)
    assert refused.value.code == "storage.server_foreign_database"


def test_a_wrong_password_names_the_server_and_what_to_check(
    empty_url: str, tmp_path: Path
) -> None:
    url = make_url(empty_url).set(password="salah-sekali")
    with pytest.raises(ServerLoginError) as refused:
        open_url(url.render_as_string(hide_password=False), tmp_path)
    message = str(refused.value)
    assert f"{url.host}:{url.port or 5432}" in message
    assert str(url.database) in message
    assert "PGPASSWORD" in message
    assert "salah-sekali" not in message


def test_a_missing_database_says_to_create_it(
    postgres_databases: postgres_support.Databases, tmp_path: Path
) -> None:
    name = postgres_databases.new_name("never_made")
    with pytest.raises(ServerDatabaseMissingError) as refused:
        open_url(postgres_support.database_url(name), tmp_path)
    assert f"createdb {name}" in str(refused.value)


def test_a_server_that_does_not_answer_says_so(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a local port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://analis@127.0.0.1:{port}/kabupaten"
    with pytest.raises(ServerUnreachableError) as refused:
        open_url(url, tmp_path)
    assert f"127.0.0.1:{port}" in str(refused.value)
    assert "kabupaten" in str(refused.value)


def test_sqlite_file_work_says_it_is_not_available_on_a_server(
    kabupaten_ctx: AppContext, backend: str
) -> None:
    db = kabupaten_ctx.db
    if backend == "sqlite":
        assert db.is_sqlite and db.url is None
        return
    assert not db.is_sqlite
    db.check_integrity()  # the server checks its own pages: nothing to do, nothing refused
    db.ensure_writable()
    with pytest.raises(StorageError) as refused:
        db.backup(kabupaten_ctx.paths.backups)
    assert refused.value.code == "storage.postgres_unsupported"
    assert "pg_dump" in str(refused.value)
    assert not kabupaten_ctx.paths.database.exists()


def test_the_office_fixtures_give_the_same_office_on_each_backend(
    kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, backend: str
) -> None:
    assert (kecamatan_ctx.office.role, kecamatan_ctx.office.code) == ("kecamatan", "32.16.01")
    assert (kabupaten_ctx.office.role, kabupaten_ctx.office.code) == ("kabupaten", "32.16")
    for ctx in (kecamatan_ctx, kabupaten_ctx):
        assert ctx.db.engine.dialect.name == backend
        with ctx.db.session() as session:
            assert (session.scalar(select(func.count()).select_from(Region)) or 0) > 80_000
        # Opening the folder again finds the same database (database.json on PostgreSQL).
        again = open_context(ctx.paths)
        try:
            assert again.db.engine.dialect.name == backend
            assert again.office == ctx.office
        finally:
            again.close()


def test_raw_bulk_inserts_and_stored_reads_work_on_both(
    kabupaten_ctx: AppContext, backend: str
) -> None:
    from datetime import datetime

    row = {
        "content_hash": "ab" * 32,
        "sender_office": "32.16.01.2001",
        "sender_role": "desa",
        "sender_key_id": "k" * 16,
        "sequence": 7,
        "bundle_created_at": datetime(2026, 12, 1, 8, 30, 15, 123456),
        "imported_at": datetime(2026, 12, 1, 9, 0, 0),
        "trust_level": "certified",
        "file_name": "paket.zip",
        "size": 1234,
        "outcome": "{}",
        "forwarded_by": None,
    }
    with kabupaten_ctx.db.transaction() as session:
        connection = session.connection()
        bulk_insert_raw(connection, BundleLedger.__table__, [row])
        query = driver_query(connection)
        assert bundle_imported(query, "ab" * 32)
        assert not bundle_imported(query, "cd" * 32)
        assert sequence_taken(query, "32.16.01.2001", 7)
        assert not sequence_taken(query, "32.16.01.2001", 8)
        assert list(stored_rows(query, "problem", ("title",), ["tidak-ada"])) == []
    with kabupaten_ctx.db.session() as session:
        stored = session.scalar(select(BundleLedger).where(BundleLedger.sequence == 7))
        assert stored is not None
        assert stored.bundle_created_at == datetime(2026, 12, 1, 8, 30, 15, 123456)


def test_init_on_a_server_then_a_second_init_is_refused(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = DataPaths(tmp_path / "kab")
    result = init_office(
        paths,
        role="kabupaten",
        office_code="32.16",
        operator="Analis",
        passphrase=PASSPHRASE,
        database_url=empty_url,
    )
    assert result.role == "kabupaten"
    assert not paths.database.exists()  # nothing of the office in a SQLite file
    assert paths.keys.exists() or paths.attachments.exists()
    with pytest.raises(InitError) as refused:
        init_office(
            DataPaths(tmp_path / "kedua"),
            role="kabupaten",
            office_code="32.16",
            operator="Analis Lain",
            passphrase=PASSPHRASE,
            database_url=empty_url,
        )
    assert refused.value.code == "init.already"
    monkeypatch.setenv("SMARTCITY_DATABASE_URL", empty_url)
    ctx = open_context(paths)
    try:
        assert ctx.office.operator == "Analis"
    finally:
        ctx.close()


def test_a_desa_stays_on_sqlite(empty_url: str, tmp_path: Path) -> None:
    with pytest.raises(InitError) as refused:
        init_office(
            DataPaths(tmp_path / "desa"),
            role="desa",
            office_code="32.16.01.2001",
            operator="Operator",
            passphrase=PASSPHRASE,
            database_url=empty_url,
        )
    assert refused.value.code == "storage.postgres_desa"
    assert "SQLite" in str(refused.value)
    engine = create_engine(empty_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == []  # refused before anything was made
    engine.dispose()

    # A server database holding a desa office (by any route) is refused at opening.
    paths = DataPaths(tmp_path / "kec")
    init_office(
        paths,
        role="kecamatan",
        office_code="32.16.01",
        operator="Operator",
        passphrase=PASSPHRASE,
        database_url=empty_url,
    )
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE office_identity SET role = 'desa'"))
    engine.dispose()
    with pytest.raises(InitError) as refused:
        open_context(paths, empty_url)
    assert refused.value.code == "storage.postgres_desa"


def test_the_cli_opens_the_office_named_by_database_url(
    empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from smartcity_desktop.cli.main import main

    folder = tmp_path / "kab"
    secret = tmp_path / "sandi"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    common = ["--data-dir", str(folder), "--database-url", empty_url]
    init = [*common, "--passphrase-file", str(secret), "init", "--role", "kabupaten"]
    assert main([*init, "--office", "32.16", "--operator", "Analis"]) == 0
    capsys.readouterr()
    assert main([*common, "stats"]) == 0
    assert "Kabupaten Bekasi (32.16)" in capsys.readouterr().out
    assert main([*common, "backup"]) == 1
    assert "pg_dump" in capsys.readouterr().err
    # Without the flag the folder has no SQLite office.
    assert main(["--data-dir", str(folder), "stats"]) == 1
    assert not (folder / "smartcity.sqlite").exists()
