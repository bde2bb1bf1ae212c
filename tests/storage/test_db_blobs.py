"""Attachments kept in a PostgreSQL office database (storage/db_blobs.py), on a real server:
deduplicated by hash, streamed in chunks, read through the local cache, and taken back safely when
an operation fails while another PC uses the same photo."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from smartcity_desktop.storage.blobs import CHUNK
from smartcity_desktop.storage.db_blobs import DatabaseBlobStore, blob_table, chunk_table
from smartcity_desktop.storage.errors import StorageError
from smartcity_desktop.storage.models import Base
from tests.pg_scratch import scratch_database

# PostgreSQL only, on a scratch server database of its own: a SQLite office keeps photos in its folder.


def run_migration_0013(engine: Engine, direction: str = "upgrade") -> None:
    import importlib

    module = importlib.import_module(
        "smartcity_desktop.storage.migrations.versions.0013_attachments_in_postgresql"
    )
    with (
        engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        getattr(module, direction)()


@pytest.fixture
def engine() -> Iterator[Engine]:
    with scratch_database() as url:
        made = create_engine(url, poolclass=NullPool)
        Base.metadata.create_all(made)  # the attachment rows that ``remove`` asks about
        run_migration_0013(made)
        yield made
        made.dispose()


def store(engine: Engine, folder: Path) -> DatabaseBlobStore:
    return DatabaseBlobStore(engine, folder)


def blob_rows(engine: Engine) -> list[tuple[str, int, int]]:
    with engine.connect() as connection:
        return [
            (r.sha256, r.size, r.chunks)
            for r in connection.execute(select(blob_table).order_by(blob_table.c.sha256))
        ]


def test_migration_0013_makes_the_tables_on_postgresql_and_takes_them_back(
    engine: Engine,
) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"attachment_blob", "attachment_blob_chunk"} <= names
    columns = {c["name"] for c in inspect(engine).get_columns("attachment_blob_chunk")}
    assert columns == {"sha256", "seq", "data"}
    run_migration_0013(engine, "downgrade")
    assert not {"attachment_blob", "attachment_blob_chunk"} & set(inspect(engine).get_table_names())


def test_the_same_photo_is_stored_once(engine: Engine, tmp_path: Path) -> None:
    blobs = store(engine, tmp_path / "attachments")
    data = os.urandom(CHUNK * 2 + 12345)
    sha, new = blobs.put_bytes(data)
    assert new and sha == hashlib.sha256(data).hexdigest()
    again, new_again = blobs.put_bytes(data)
    assert again == sha and not new_again
    _sha, new_stream = blobs.put_stream(io.BytesIO(data), expected_sha256=sha)
    assert not new_stream
    assert blob_rows(engine) == [(sha, len(data), 3)]
    with engine.connect() as connection:
        sizes = connection.execute(
            select(func.length(chunk_table.c.data)).order_by(chunk_table.c.seq)
        ).scalars()
        assert list(sizes) == [CHUNK, CHUNK, 12345]


def test_another_pc_reads_the_photo_from_the_database_into_its_cache(
    engine: Engine, tmp_path: Path
) -> None:
    data = os.urandom(CHUNK + 99)
    sha, _new = store(engine, tmp_path / "pc1").put_bytes(data)
    other = store(engine, tmp_path / "pc2")
    assert other.exists(sha)
    cached = tmp_path / "pc2" / sha[:2] / sha
    assert not cached.exists()
    assert other.path_for(sha) == cached
    assert cached.read_bytes() == data
    assert b"".join(other.iter_chunks(sha)) == data
    with other.open(sha) as fh:
        assert fh.read() == data


def test_an_empty_file_round_trips(engine: Engine, tmp_path: Path) -> None:
    sha, new = store(engine, tmp_path / "pc1").put_stream(io.BytesIO(b""))
    assert new and blob_rows(engine) == [(sha, 0, 1)]
    assert store(engine, tmp_path / "pc2").path_for(sha).read_bytes() == b""


def test_a_blob_the_database_lacks_is_a_missing_file(engine: Engine, tmp_path: Path) -> None:
    blobs = store(engine, tmp_path / "attachments")
    missing = "ab" * 32
    assert not blobs.exists(missing)
    assert not blobs.claim(missing)
    assert not blobs.path_for(missing).exists()
    with pytest.raises(FileNotFoundError):
        blobs.open(missing)


def test_a_stream_that_fails_its_hash_or_its_check_stores_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    blobs = store(engine, tmp_path / "attachments")
    with pytest.raises(StorageError):
        blobs.put_stream(io.BytesIO(b"foto"), expected_sha256="00" * 32)

    def refuse(path: Path) -> None:
        assert path.read_bytes() == b"bukan foto"
        raise ValueError("not a photo")

    with pytest.raises(ValueError):
        blobs.put_stream(io.BytesIO(b"bukan foto"), check=refuse)
    assert blob_rows(engine) == []
    assert [p.name for p in (tmp_path / "attachments").rglob("*") if p.is_file()] == []


def test_remove_takes_back_an_unclaimed_blob_only(engine: Engine, tmp_path: Path) -> None:
    mine = store(engine, tmp_path / "pc1")
    theirs = store(engine, tmp_path / "pc2")
    sha, _new = mine.put_bytes(b"foto yang gagal diimpor")
    mine.remove(sha)
    assert blob_rows(engine) == []
    assert not (tmp_path / "pc1" / sha[:2]).exists()

    # Another PC finds the photo stored and is about to name it: the failing writer leaves it.
    sha, _new = mine.put_bytes(b"foto bersama")
    assert theirs.claim(sha)
    mine.remove(sha)
    assert [r[0] for r in blob_rows(engine)] == [sha]

    # A row naming it keeps it too.
    other, _new = mine.put_bytes(b"foto dengan baris")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO attachment (id, office_code, revision, status, deleted, created_at,"
                " updated_at, author, content_hash, record_kind, record_id, sha256, filename,"
                " media_type, size) VALUES ('a1', '32.16', 0, 'draft', false, now(), now(), 'x',"
                " 'h', 'problem', 'r1', :sha, 'f.jpg', 'image/jpeg', 3)"
            ),
            {"sha": other},
        )
    mine.remove(other)
    assert other in [r[0] for r in blob_rows(engine)]


def test_two_pcs_storing_the_same_photo_at_once_store_it_once(
    engine: Engine, tmp_path: Path
) -> None:
    data = os.urandom(CHUNK * 3)
    results: list[bool] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def put(folder: str) -> None:
        try:
            start.wait()
            results.append(store(engine, tmp_path / folder).put_stream(io.BytesIO(data))[1])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(name,)) for name in ("pc1", "pc2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert blob_rows(engine) == [(hashlib.sha256(data).hexdigest(), len(data), 3)]


def test_orphans_older_than_the_margin_are_swept(engine: Engine, tmp_path: Path) -> None:
    blobs = store(engine, tmp_path / "attachments")
    blobs.put_bytes(b"sisa impor yang terhenti")
    assert blobs.remove_orphans(timedelta(hours=1)) == 0  # young: an import may still name it
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE attachment_blob SET stored_at = stored_at - interval '2 hours'")
        )
    assert blobs.remove_orphans(timedelta(hours=1)) == 1
    assert blob_rows(engine) == []
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(chunk_table)) == 0


def test_blob_times_are_the_servers_clock(engine: Engine, tmp_path: Path) -> None:
    """The sweep of one PC compares times that other PCs wrote: they are all the server's (a
    village PC's clock may be hours off), so a blob just stored never looks old."""
    blobs = store(engine, tmp_path / "attachments")
    sha, _new = blobs.put_bytes(b"baru saja disimpan")
    assert blobs.claim(sha)
    with engine.connect() as connection:
        stored, claimed, server = connection.execute(
            select(
                blob_table.c.stored_at,
                blob_table.c.claimed_at,
                func.timezone("UTC", func.now()),
            )
        ).one()
    assert abs(stored - server) < timedelta(minutes=1)
    assert abs(claimed - server) < timedelta(minutes=1)
    assert blobs.remove_orphans(timedelta(hours=1)) == 0


def test_writing_and_reading_a_big_file_streams_in_chunks(engine: Engine, tmp_path: Path) -> None:
    size = CHUNK * 24
    source = tmp_path / "besar.bin"
    with source.open("wb") as fh:
        for _ in range(24):
            fh.write(os.urandom(CHUNK))
    tracemalloc.start()
    try:
        with source.open("rb") as fh:
            sha, _new = store(engine, tmp_path / "pc1").put_stream(fh)
        path = store(engine, tmp_path / "pc2").path_for(sha)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size == size
    assert peak < size / 3, f"peak {peak} bytes for a {size}-byte file"
