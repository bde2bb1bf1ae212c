"""``smartcity db copy``: an office's whole database moved between SQLite and PostgreSQL, checked
by counts and content hashes, refused into a non-empty target, and never half-made.

PostgreSQL tests run when ``SMARTCITY_TEST_POSTGRES_URL`` names a server's admin URL; each makes its
own throw-away database there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    text,
)

from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.db_content import TableDigest, copied_tables, digest_table
from smartcity_desktop.services.db_copy import (
    CopyCancelled,
    CopyFailed,
    CopyProgress,
    CopyRefused,
    copy_office_database,
    parse_target,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import copy_office
from tests.pg_scratch import office_database_url

PG_ADMIN_URL = os.environ.get("SMARTCITY_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not PG_ADMIN_URL, reason="SMARTCITY_TEST_POSTGRES_URL is not set"
)


def hashes(ctx_or_url: AppContext | str) -> dict[str, tuple[int, str]]:
    """Every copied table's count and content hash, read afresh from a database."""
    url = ctx_or_url if isinstance(ctx_or_url, str) else f"sqlite:///{ctx_or_url.db.path}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                t.name: (d.rows, d.hexdigest)
                for t in copied_tables()
                for d in [digest_table(connection, t, 500)]
            }
    finally:
        engine.dispose()


@pytest.fixture
def office(office_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    """A kabupaten with sample records, links, photos, a deleted record and an edited one."""
    ctx = open_context(copy_office(office_templates, "kabupaten", tmp_path / "kabupaten"))
    generate(ctx, SampleRequest(problems=30, potentials=12, proposals=25, photos=2, seed=7))
    with ctx.db.transaction() as session:  # a tombstone: kept, but not in the search index
        session.execute(
            text("UPDATE problem SET deleted = 1 WHERE id = (SELECT min(id) FROM problem)")
        )
    yield ctx
    ctx.close()


def reopen(paths: DataPaths) -> AppContext:
    return open_context(paths)


# --- the content hash -------------------------------------------------------------------------


def test_the_hash_reads_values_not_storage() -> None:
    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("flag", Boolean),
        Column("at", DateTime),
        Column("blob", LargeBinary),
        Column("name", String),
        Column("amount", Numeric(12, 2)),
    )
    at = datetime(2026, 5, 1, 8, 30, 0, 120)

    def digest(*rows: tuple[object, ...]) -> str:
        d = TableDigest(table)
        d.add(rows)
        return d.hexdigest

    one = digest((1, True, at, b"\x00\x01", "a", Decimal("1.50")))
    # as SQLite hands them back (0/1, a memoryview) and as a server normalises a decimal
    assert one == digest((1, 1, at, memoryview(b"\x00\x01"), "a", Decimal("1.5")))
    assert one != digest((1, True, at, b"\x00\x01", "b", Decimal("1.5")))
    assert one != digest((1, True, at, "0001", "a", Decimal("1.5")))  # text is not bytes
    assert one != digest((1, True, at.replace(microsecond=0), b"\x00\x01", "a", Decimal("1.5")))
    assert digest((2, None, None, None, "None", None)) != digest((2, None, None, None, None, None))
    assert digest((3, None, None, None, "1", None)) != digest((3, None, None, None, 1, None))
    assert digest() != one


def test_search_rows_are_rebuilt_not_copied() -> None:
    names = {t.name for t in copied_tables()}
    assert "search_doc" not in names and "search_suspended" not in names
    assert {"problem", "proposal_link", "bundle_ledger", "attachment"} <= names
    order = [t.name for t in copied_tables()]
    assert order.index("proposal") < order.index("proposal_link")


# --- targets ----------------------------------------------------------------------------------


def test_targets_are_read_from_urls_and_paths(tmp_path: Path) -> None:
    pg = parse_target("postgresql://analis:rahasia@db.kab.go.id:5432/smartcity")
    assert pg.is_postgresql
    assert pg.shown == "postgresql+psycopg://analis@db.kab.go.id:5432/smartcity"
    assert pg.url is not None and pg.url.password == "rahasia"  # kept in memory for the copy
    assert parse_target(f"sqlite:///{tmp_path}/a.sqlite").path == tmp_path / "a.sqlite"
    assert parse_target(str(tmp_path / "b.sqlite")).path == tmp_path / "b.sqlite"
    with pytest.raises(CopyRefused, match="tidak didukung"):
        parse_target("mysql://root@localhost/x")
    with pytest.raises(CopyRefused, match="nama basis data"):
        parse_target("postgresql://analis@localhost")


# --- SQLite to SQLite ---------------------------------------------------------------------------


def test_sqlite_copy_is_identical_and_checked(office: AppContext, tmp_path: Path) -> None:
    before = hashes(office)
    source = office.db.path
    source_bytes = source.read_bytes()
    steps: list[CopyProgress] = []
    target = tmp_path / "server" / "salinan.sqlite"
    result = copy_office_database(office, str(target), progress=steps.append, batch_size=7)
    assert result.source == str(source.resolve())
    assert {t.name: (t.rows, t.sha256) for t in result.tables} == before
    assert hashes(f"sqlite:///{target}") == before
    assert source.read_bytes() == source_bytes  # the source only read
    # a SQLite office always lives in its data folder's file: a copy elsewhere is a snapshot
    assert not result.switched
    assert not (office.paths.root / "database.json").exists()
    phases = [s.phase for s in steps]
    assert phases[0] == "check" and phases[-1] == "verify"
    assert {"schema", "copy", "search", "verify"} <= set(phases)
    copies = [s for s in steps if s.phase == "copy" and s.table == "problem" and s.done]
    assert copies[-1].done == copies[-1].total == before["problem"][0]
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".partial")]


def test_search_works_on_the_copy(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "salinan.sqlite"
    copy_office_database(office, str(target))
    with closing(sqlite3.connect(target)) as db:
        words = {
            row[0]
            for row in db.execute(
                "SELECT d.kind FROM record_search s JOIN search_doc d ON d.rowid = s.rowid "
                "WHERE record_search MATCH 'jalan OR air OR sampah'"
            )
        }
        indexed = db.execute("SELECT count(*) FROM record_search").fetchone()[0]
        live = sum(
            db.execute(f"SELECT count(*) FROM {k} WHERE deleted = 0").fetchone()[0]
            for k in ("problem", "potential", "proposal")
        )
    assert words and indexed == live
    # the triggers work again on the copy: a new record is found
    with closing(sqlite3.connect(target)) as db:
        assert db.execute("SELECT count(*) FROM search_suspended").fetchone()[0] == 0


def test_a_non_empty_sqlite_target_is_refused_untouched(
    office: AppContext, office_templates: dict[str, Path], tmp_path: Path
) -> None:
    other = copy_office(office_templates, "kecamatan", tmp_path / "lain").database
    before = other.read_bytes()
    with pytest.raises(
        CopyRefused, match=r"tidak kosong: sudah ada tabel .*office_identity \(1 baris\)"
    ):
        copy_office_database(office, str(other))
    assert other.read_bytes() == before
    assert not (office.paths.root / "database.json").exists()


def test_a_file_that_is_not_sqlite_is_refused(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "catatan.txt"
    target.write_text("bukan basis data")
    with pytest.raises(CopyRefused, match="bukan basis data SQLite"):
        copy_office_database(office, str(target))
    assert target.read_text() == "bukan basis data"


def test_the_office_own_database_is_refused(office: AppContext) -> None:
    with pytest.raises(CopyRefused, match="sedang dipakai"):
        copy_office_database(office, str(office.db.path))


def test_a_journal_left_beside_the_target_is_refused(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "salinan.sqlite"
    wal = tmp_path / "salinan.sqlite-wal"
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 28)  # a WAL header of another database
    with pytest.raises(CopyRefused, match=r"salinan\.sqlite-wal dari basis data lain"):
        copy_office_database(office, str(target))
    assert not target.exists() and wal.read_bytes()[:4] == b"\x37\x7f\x06\x82"


def test_an_empty_file_is_an_empty_target(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "kosong.sqlite"
    target.touch()
    copy_office_database(office, str(target))
    assert hashes(f"sqlite:///{target}") == hashes(office)


def test_ctrl_c_during_a_batch_leaves_no_target(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "salinan.sqlite"

    def interrupt(step: CopyProgress) -> None:
        if step.phase == "copy" and step.table == "proposal" and step.done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_office_database(office, str(target), progress=interrupt, batch_size=5)
    assert list(tmp_path.glob("*salinan*")) == []
    assert not (office.paths.root / "database.json").exists()


def test_cancel_leaves_no_target(office: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "salinan.sqlite"
    seen: list[CopyProgress] = []
    with pytest.raises(CopyCancelled, match="kantor tetap memakai"):
        copy_office_database(
            office, str(target), progress=seen.append, cancelled=lambda: len(seen) > 10
        )
    assert list(tmp_path.glob("*salinan*")) == []


def test_a_full_disk_mid_copy_leaves_no_target(
    office_templates: dict[str, Path], tmp_path: Path, small_disk: Path
) -> None:
    ctx = open_context(copy_office(office_templates, "kabupaten", tmp_path / "besar"))
    try:
        # about 20 MB of records: more than the 16 MiB disk holds
        generate(ctx, SampleRequest(problems=12000, potentials=4000, proposals=8000, seed=3))
        with pytest.raises(CopyFailed, match="penuh") as caught:
            copy_office_database(ctx, str(small_disk / "salinan.sqlite"))
        assert "kantor tetap memakai" in str(caught.value)
        assert list(small_disk.iterdir()) == []
        assert not (ctx.paths.root / "database.json").exists()
    finally:
        ctx.close()


def test_a_desa_stays_on_sqlite(office_templates: dict[str, Path], tmp_path: Path) -> None:
    ctx = open_context(copy_office(office_templates, "desa", tmp_path / "desa"))
    try:
        with pytest.raises(CopyRefused, match="Kantor desa tetap memakai SQLite"):
            copy_office_database(ctx, "postgresql+psycopg://u@127.0.0.1:1/x")
        # a desa may still copy its file
        copy_office_database(ctx, str(tmp_path / "desa-salinan.sqlite"))
    finally:
        ctx.close()


# --- PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture
def pg_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards. The office reopened on it
    finds the password where an analyst PC would: PGPASSWORD (database.json never holds it)."""
    with office_database_url(monkeypatch) as url:
        yield url


def blob_count(url: str) -> int | None:
    """Attachment files kept in a server database, or None when it keeps none (no 0013)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.execute(text("SELECT to_regclass('attachment_blob')")).scalar() is None:
                return None
            return int(
                connection.execute(text("SELECT count(*) FROM attachment_blob")).scalar_one()
            )
    finally:
        engine.dispose()


def before_photos(ctx: AppContext) -> int:
    with closing(sqlite3.connect(ctx.db.path)) as db:
        return int(db.execute("SELECT count(DISTINCT sha256) FROM attachment").fetchone()[0])


def pg_tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "ORDER BY tablename"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


@needs_postgres
def test_round_trip_through_postgresql_keeps_every_hash(
    office: AppContext, pg_url: str, tmp_path: Path
) -> None:
    before = hashes(office)
    paths = office.paths
    result = copy_office_database(office, pg_url, batch_size=9)
    assert {t.name: (t.rows, t.sha256) for t in result.tables} == before
    assert hashes(pg_url) == before
    written = json.loads((paths.root / "database.json").read_text())
    assert "@" in written["url"] and ":postgres@" not in written["url"]  # no password
    photos = blob_count(pg_url)
    if photos is not None:  # a server keeping attachments itself (migration 0013) has them all
        assert photos == before_photos(office) > 0
        shutil.rmtree(paths.attachments)  # the way back must bring every file from the server
    office.close()
    on_pg = reopen(paths)
    try:
        assert on_pg.db.engine.dialect.name == "postgresql"
        # the file the office left is still there, untouched: not an empty target
        with pytest.raises(CopyRefused, match="tidak kosong"):
            copy_office_database(on_pg, "sqlite")
        paths.database.rename(tmp_path / "sebelum-pindah.sqlite")
        back = copy_office_database(on_pg, "sqlite", batch_size=11)
    finally:
        on_pg.close()
    assert back.switched and back.location_file is None
    assert not (paths.root / "database.json").exists()
    assert hashes(f"sqlite:///{paths.database}") == before
    with closing(sqlite3.connect(paths.database)) as db:
        for (sha,) in db.execute("SELECT DISTINCT sha256 FROM attachment"):
            stored = paths.attachments / sha[:2] / sha
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    again = reopen(paths)
    try:
        assert again.db.engine.dialect.name == "sqlite"
    finally:
        again.close()


@needs_postgres
def test_a_non_empty_postgresql_target_is_refused_untouched(
    office: AppContext, pg_url: str
) -> None:
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE problem (id text primary key)"))
        connection.execute(text("INSERT INTO problem VALUES ('a'), ('b')"))
    engine.dispose()
    with pytest.raises(CopyRefused, match=r"tidak kosong: sudah ada tabel problem \(2 baris\)"):
        copy_office_database(office, pg_url)
    assert pg_tables(pg_url) == ["problem"]
    assert not (office.paths.root / "database.json").exists()


@needs_postgres
def test_a_dropped_connection_mid_copy_leaves_postgresql_empty(
    office: AppContext, pg_url: str
) -> None:
    name = pg_url.rsplit("/", 1)[-1]
    admin = create_engine(PG_ADMIN_URL or "", isolation_level="AUTOCOMMIT")

    def drop_connection(step: CopyProgress) -> None:
        if step.phase == "copy" and step.table == "proposal" and step.done:
            with admin.connect() as connection:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :n AND pid <> pg_backend_pid()"
                    ),
                    {"n": name},
                )

    try:
        with pytest.raises(CopyFailed, match="terputus") as caught:
            copy_office_database(office, pg_url, progress=drop_connection, batch_size=5)
    finally:
        admin.dispose()
    assert "kantor tetap memakai" in str(caught.value)
    assert pg_tables(pg_url) == []
    assert not (office.paths.root / "database.json").exists()
    assert office.db.engine.dialect.name == "sqlite"


@needs_postgres
def test_ctrl_c_mid_copy_leaves_postgresql_empty(office: AppContext, pg_url: str) -> None:
    def interrupt(step: CopyProgress) -> None:
        if step.phase == "verify":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_office_database(office, pg_url, progress=interrupt)
    assert pg_tables(pg_url) == []
    assert not (office.paths.root / "database.json").exists()


@needs_postgres
def test_sequences_continue_after_the_copied_ids(office: AppContext, pg_url: str) -> None:
    copy_office_database(office, pg_url)
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        top = connection.execute(text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar_one()
        new = connection.execute(
            text(
                "INSERT INTO audit_log(at, action, subject, operator, detail) "
                "VALUES (now(), 'uji', 'x', 'y', '{}') RETURNING id"
            )
        ).scalar_one()
    engine.dispose()
    assert new == top + 1
