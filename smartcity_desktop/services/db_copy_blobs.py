"""The attachment files' part of ``smartcity db copy``.

A SQLite office keeps its photos and PDFs as files in the data folder (``storage.blobs``); an
office on PostgreSQL keeps them in the database (migration 0013: ``attachment_blob`` with the
bytes in 1 MiB rows of ``attachment_blob_chunk``), the folder being each PC's cache. A copy from
SQLite to PostgreSQL therefore writes every file named by an attachment row into those tables, in
the copy's own transaction, and checks them by reading them back and hashing them; a copy from
PostgreSQL to SQLite makes sure every such file is in the data folder, checked against its hash.
Both stream one chunk at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

from sqlalchemy import Connection, text

from smartcity_desktop.i18n import _
from smartcity_desktop.storage.blobs import CHUNK, BlobStore

BLOB_TABLE = "attachment_blob"
CHUNK_TABLE = "attachment_blob_chunk"

Tick = Callable[[int, int], None]


def holds_blobs(connection: Connection) -> bool:
    """Whether this database keeps attachments itself (PostgreSQL after migration 0013)."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.execute(
            text("SELECT to_regclass(:name) IS NOT NULL"), {"name": BLOB_TABLE}
        ).scalar_one()
    )


def attachment_hashes(connection: Connection) -> list[str]:
    """Every distinct file the attachment rows name, in byte order."""
    order = ' COLLATE "C"' if connection.dialect.name == "postgresql" else ""
    return list(
        connection.execute(
            text(f"SELECT sha256 FROM attachment GROUP BY sha256 ORDER BY sha256{order}")
        ).scalars()
    )


class MissingFiles(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing[:5]))
        self.missing = missing


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        first = True
        while True:
            data = fh.read(CHUNK)
            if not data:
                if first:
                    yield b""  # an empty file is one empty chunk, as storage/db_blobs.py keeps it
                return
            first = False
            yield data


def files_into_database(
    store: BlobStore, target: Connection, shas: list[str], tick: Tick
) -> dict[str, int]:
    """Write each file into the target's blob tables (COPY); returns size by hash. A file that
    is missing, or whose bytes no longer match its name, stops the copy."""
    missing = [sha for sha in shas if not store.path_for(sha).is_file()]
    if missing:
        raise MissingFiles(missing)
    driver = target.connection.driver_connection
    assert driver is not None
    now = datetime.now(UTC).replace(tzinfo=None)
    sizes: dict[str, int] = {}
    for n, sha in enumerate(shas, start=1):
        path = store.path_for(sha)
        expected_size = path.stat().st_size
        # The blob row first: its chunks refer to it.
        target.execute(
            text(
                f"INSERT INTO {BLOB_TABLE} (sha256, size, chunks, stored_at) "
                "VALUES (:sha, :size, :chunks, :now)"
            ),
            {
                "sha": sha,
                "size": expected_size,
                "chunks": max(1, -(-expected_size // CHUNK)),
                "now": now,
            },
        )
        digest = hashlib.sha256()
        size = chunks = 0
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {CHUNK_TABLE} (sha256, seq, data) FROM STDIN") as stream,
        ):
            for data in _file_chunks(path):
                digest.update(data)
                stream.write_row((sha, chunks, data))
                size += len(data)
                chunks += 1
        if digest.hexdigest() != sha or size != expected_size:
            raise ValueError(
                _("Berkas lampiran {sha} tidak lagi sesuai dengan hash-nya.").format(sha=sha)
            )
        sizes[sha] = size
        tick(n, len(shas))
    return sizes


def database_blob_differences(
    connection: Connection, expected: dict[str, int], tick: Tick
) -> list[str]:
    """Read every blob back chunk by chunk: each must hash to its name and have its size, and
    exactly the expected ones must be there."""
    rows = connection.execution_options(stream_results=True, yield_per=8).execute(
        text(f'SELECT sha256, data FROM {CHUNK_TABLE} ORDER BY sha256 COLLATE "C", seq')
    )
    seen: dict[str, int] = {}
    wrong: list[str] = []
    current: str | None = None
    digest = hashlib.sha256()
    size = 0

    def close() -> None:
        if current is None:
            return
        seen[current] = size
        if digest.hexdigest() != current or expected.get(current) != size:
            wrong.append(current)
        tick(len(seen), len(expected))

    for sha, data in rows:
        if sha != current:
            close()
            current, digest, size = sha, hashlib.sha256(), 0
        digest.update(data)
        size += len(data)
    close()
    stored = set(connection.execute(text(f"SELECT sha256 FROM {BLOB_TABLE}")).scalars())
    wrong += sorted((set(expected) - set(seen)) | (stored ^ set(expected)))
    return sorted(set(wrong))


def database_into_files(source: Connection, store: BlobStore, shas: list[str], tick: Tick) -> int:
    """Make sure every blob is a file of ``store``, fetched from the source database when the
    folder lacks it or holds a damaged copy; returns how many were fetched."""
    fetched = 0
    for n, sha in enumerate(shas, start=1):
        path = store.path_for(sha)
        if not (path.is_file() and _file_hash(path) == sha):
            path.unlink(missing_ok=True)
            store.put_stream(
                cast(IO[bytes], _ChunkReader(source, sha)), expected_sha256=sha, sync=False
            )
            fetched += 1
        tick(n, len(shas))
    store.sync(shas)
    return fetched


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    for data in _file_chunks(path):
        digest.update(data)
    return digest.hexdigest()


class _ChunkReader:
    """A blob's chunks as a readable stream, for ``BlobStore.put_stream``."""

    def __init__(self, connection: Connection, sha: str) -> None:
        rows = connection.execution_options(stream_results=True, yield_per=4).execute(
            text(f"SELECT data FROM {CHUNK_TABLE} WHERE sha256 = :sha ORDER BY seq"),
            {"sha": sha},
        )
        self._chunks = (bytes(data) for (data,) in rows)

    def read(self, _size: int = -1) -> bytes:
        for data in self._chunks:
            if data:
                return data
        return b""
