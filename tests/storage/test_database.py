from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event, text

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database, inspect_database, list_backups
from smartcity_desktop.storage.errors import (
    CorruptDatabaseError,
    DiskFullError,
    NewerDatabaseError,
    NotADatabaseError,
    NotInitialisedError,
)
from smartcity_desktop.storage.models import Base
from smartcity_desktop.storage.paths import DataPaths

# The database file itself (WAL, backups, corrupt or foreign files, sidecars, the SQLite schema) is
# SQLite's; the models against the migrations on PostgreSQL: tests/storage/test_postgres.py. The
# tests on what any office database does take the backend fixture and run on both.
pytestmark = pytest.mark.postgres_ready


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def fresh_db(tmp_path: Path) -> Database:
    db = Database.open(tmp_path / "smartcity.sqlite", tmp_path / "backups", create=True)
    yield db
    db.close()


def test_orm_models_and_migrations_agree(fresh_db: Database) -> None:
    with fresh_db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [
            d
            for d in compare_metadata(ctx, Base.metadata)
            # the FTS5 index and its shadow tables are made by the migration on purpose
            if not (d[0] == "remove_table" and d[1].name.startswith("record_search"))
        ]
    assert diff == []


def test_a_new_database_uses_wal_and_foreign_keys(fresh_db: Database) -> None:
    with fresh_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            migrations.head_revision()
        )


def test_opening_a_missing_database_without_create_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotInitialisedError):
        Database.open(tmp_path / "none.sqlite", tmp_path / "backups")
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a database", b"%PDF-1.7\n" * 200])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "smartcity.sqlite"
    path.write_bytes(content)
    before = siblings(path)
    with pytest.raises(NotADatabaseError) as err:
        Database.open(path, tmp_path / "backups")
    assert "bukan" in str(err.value) and "cadangan" in str(err.value)
    assert path.read_bytes() == content
    assert siblings(path) == before


def test_a_corrupt_database_is_refused_untouched_and_points_to_backups(
    fresh_db: Database, tmp_path: Path
) -> None:
    with fresh_db.transaction() as s:
        s.execute(text("CREATE TABLE filler(x TEXT)"))
        s.execute(text("INSERT INTO filler VALUES (:x)"), [{"x": "x" * 3000} for _ in range(200)])
    fresh_db.close()
    path = fresh_db.path
    data = bytearray(path.read_bytes())
    # scribble over the last pages, which hold the filler table, not the schema
    for offset in range(len(data) - 4096 * 60, len(data), 4096):
        data[offset : offset + 50] = b"\xde\xad\xbe\xef" * 12 + b"\x00\x00"
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(CorruptDatabaseError) as err:
        # Opening reads only the schema; the full check runs before migrations and, in the
        # desktop, in the background after start. Either names the damage and the backups.
        db = Database.open(path, tmp_path / "backups")
        try:
            db.check_integrity(tmp_path / "backups")
        finally:
            db.close()
    assert "rusak" in str(err.value) and "backups" in str(err.value)
    assert digest(path) == before
    # a query that meets a damaged page says the same, not a raw SQLite error
    db = Database.open(path, tmp_path / "backups")
    try:
        with pytest.raises(CorruptDatabaseError), db.session() as s:
            s.execute(text("SELECT count(*), max(length(x)) FROM filler")).all()
    finally:
        db.close()
    assert digest(path) == before


def test_another_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts(name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotADatabaseError):
        Database.open(path, tmp_path / "backups")
    assert digest(path) == before


def test_a_database_from_a_newer_version_is_refused_untouched(
    fresh_db: Database, tmp_path: Path
) -> None:
    with fresh_db.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    fresh_db.close()
    before = digest(fresh_db.path)
    with pytest.raises(NewerDatabaseError) as err:
        Database.open(fresh_db.path, tmp_path / "backups")
    assert "lebih baru" in str(err.value)
    assert digest(fresh_db.path) == before


def test_an_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    first, head = migrations.known_revisions()[0], migrations.head_revision()
    if first != head:
        engine = create_engine(f"sqlite:///{path}")
        migrations.upgrade(engine, first)
        engine.dispose()
    else:  # only one migration so far: the oldest state is a database never migrated
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    db = Database.open(path, tmp_path / "backups")
    try:
        with db.session() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    finally:
        db.close()
    backups = list_backups(tmp_path / "backups")
    assert len(backups) == 1 and "pre-migration" in backups[0].name
    # the backup holds the database exactly as it was before migrating
    conn = sqlite3.connect(backups[0])
    original = sqlite3.connect(":memory:")
    original.deserialize(before)
    assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == (
        original.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    )
    conn.close()


def test_backup_makes_a_consistent_copy_while_open(fresh_db: Database, tmp_path: Path) -> None:
    with fresh_db.transaction() as s:
        s.execute(text("INSERT INTO setting(key, value) VALUES ('office_address', 'Jl. Raya 1')"))
    backup = fresh_db.backup(tmp_path / "backups")
    assert backup in list_backups(tmp_path / "backups")
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT value FROM setting").fetchall() == [("Jl. Raya 1",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_a_full_disk_during_a_write_rolls_back_everything(fresh_db: Database) -> None:
    @event.listens_for(fresh_db.engine, "connect")
    def _tiny(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA max_page_count = 60")

    fresh_db.engine.dispose()
    with pytest.raises(DiskFullError) as err, fresh_db.transaction() as s:
        s.execute(text("INSERT INTO setting(key, value) VALUES ('a', 'kept only if all fits')"))
        s.execute(text("CREATE TABLE big(x TEXT)"))
        s.execute(text("INSERT INTO big VALUES (:x)"), [{"x": "y" * 4000} for _ in range(200)])
    assert "penuh" in str(err.value)
    with fresh_db.session() as s:
        assert s.execute(text("SELECT count(*) FROM setting")).scalar() == 0


def test_data_paths_keep_everything_in_one_folder(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    for p in (
        paths.database,
        paths.attachments,
        paths.backups,
        paths.logs,
        paths.keys,
        paths.exports,
    ):
        assert p.parent == tmp_path


def test_inspection_leaves_no_sidecar_files(fresh_db: Database, tmp_path: Path) -> None:
    fresh_db.close()
    copy = tmp_path / "copy" / "smartcity.sqlite"
    copy.parent.mkdir()
    shutil.copy(fresh_db.path, copy)
    inspect_database(copy, tmp_path / "backups")
    assert siblings(copy) == {"smartcity.sqlite"}


def test_raw_bulk_inserts_store_datetimes_exactly_as_the_orm_does(
    backend: str, kecamatan_ctx: AppContext
) -> None:
    from datetime import datetime

    from smartcity_desktop.storage.models import FormDraft, bulk_insert_raw, table_of

    moments = [datetime(2026, 11, 28, 7, 5, 3, 120), datetime(2026, 1, 2, 3, 4, 5)]
    fresh_db = kecamatan_ctx.db
    with fresh_db.transaction() as s:
        s.add(FormDraft(key="orm", payload="{}", saved_at=moments[0]))
        bulk_insert_raw(
            s.connection(),
            table_of(FormDraft),
            [
                {"key": "raw", "payload": "{}", "saved_at": moments[0]},
                {"key": "raw2", "payload": "{}", "saved_at": moments[1]},
            ],
        )
    with fresh_db.session() as s:
        stored = dict(s.execute(text("SELECT key, saved_at FROM form_draft")).all())
        assert stored["orm"] == stored["raw"]
        assert s.get(FormDraft, "raw2").saved_at == moments[1]
