"""Attachments kept in the office's PostgreSQL database, behind ``BlobStore``'s interface.

On a shared server every analyst PC must see every photo: they live in the database itself,
deduplicated by SHA-256 (table ``attachment_blob``), their bytes in 1 MiB rows of
``attachment_blob_chunk`` so that neither writing nor reading ever holds a whole file in memory.
One ``pg_dump`` then backs up records and photos together, and there is no network share to set up
or to keep in step (docs/postgresql.md, "Lampiran (foto)").

The data folder's ``attachments`` folder stays, as a read cache: a photo is fetched from the
server once per PC, checked against its hash, and then read from the local file (thumbnails, the
system viewer, exports read paths). A cached file can always be fetched again, so losing it loses
nothing.

Writes keep the file store's contract, which the services rely on: a blob is stored (and
committed) before the rows that name it, and an operation that fails takes back what it stored
with ``remove``. On a shared server another PC may have started to use the same photo in
between; it says so by ``claim``, and ``remove`` then leaves the blob alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, BinaryIO

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    column,
    delete,
    func,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from smartcity_desktop.storage.blobs import CHUNK, BlobStore, _replace_into
from smartcity_desktop.storage.errors import StorageError, translate_os_error

log = logging.getLogger(__name__)

BLOB_TABLE = "attachment_blob"
CHUNK_TABLE = "attachment_blob_chunk"

# Made by migration 0013 on PostgreSQL only (SQLite offices keep their files in the folder), so
# these tables are not among the ORM models.
metadata = MetaData()
blob_table = Table(
    BLOB_TABLE,
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("stored_at", DateTime, nullable=False),
    # Set when another operation found the blob already stored and is about to name it in a
    # row: a failing writer's ``remove`` then leaves it, and the orphan sweep waits.
    Column("claimed_at", DateTime, nullable=True),
)
chunk_table = Table(
    CHUNK_TABLE,
    metadata,
    Column(
        "sha256",
        String(64),
        ForeignKey(f"{BLOB_TABLE}.sha256", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)


# The attachment rows, only to ask whether one names a blob (the ORM model lives in models.py).
_attachment = table("attachment", column("sha256"))


def _now() -> ColumnElement[datetime]:
    """The server's time (UTC, as the columns hold it), not this PC's: the orphan sweep of one PC
    compares it with times that other PCs wrote, and village PCs' clocks are often hours off."""
    return func.timezone("UTC", func.now(), type_=DateTime)


class DatabaseBlobStore(BlobStore):
    """``BlobStore`` whose truth is the database; ``root`` (the attachments folder) is a cache."""

    def __init__(self, engine: Engine, cache_root: Path) -> None:
        super().__init__(cache_root)
        self.engine = engine

    # --- reading ---------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        self._check_sha(sha256)
        with self.engine.connect() as connection:
            return (
                connection.scalar(select(blob_table.c.sha256).where(blob_table.c.sha256 == sha256))
                is not None
            )

    def path_for(self, sha256: str) -> Path:
        """The local copy, fetched from the database first when this PC has none. A blob the
        database does not hold gives the path of a file that does not exist, as the file store
        does for a missing file."""
        path = super().path_for(sha256)
        if not path.is_file():
            self._fetch(sha256, path)
        return path

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def _fetch(self, sha256: str, target: Path) -> None:
        """Copy the blob from the database into the cache, chunk by chunk, checking its hash."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        found = False
        try:
            with os.fdopen(fd, "wb") as out, self.engine.connect() as connection:
                rows = connection.execution_options(stream_results=True, yield_per=4).execute(
                    select(chunk_table.c.data)
                    .where(chunk_table.c.sha256 == sha256)
                    .order_by(chunk_table.c.seq)
                )
                for (data,) in rows:
                    found = True
                    digest.update(data)
                    out.write(data)
                if not found:  # an empty blob has one empty chunk; none means not stored
                    found = (
                        connection.scalar(
                            select(blob_table.c.sha256).where(blob_table.c.sha256 == sha256)
                        )
                        is not None
                    )
            if not found:
                return
            if digest.hexdigest() != sha256:
                raise StorageError(
                    f"attachment {sha256} read from the database does not match its hash"
                )
            _replace_into(tmp, target)
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc
        finally:
            tmp.unlink(missing_ok=True)

    # --- writing ---------------------------------------------------------------------------

    def claim(self, sha256: str) -> bool:
        self._check_sha(sha256)
        with self.engine.begin() as connection:
            claimed = connection.execute(
                update(blob_table)
                .where(blob_table.c.sha256 == sha256)
                .values(claimed_at=_now())
                .returning(blob_table.c.sha256)
            ).first()
        return claimed is not None

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        sha = hashlib.sha256(data).hexdigest()
        chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
        written = self._insert(sha, len(data), iter(chunks))
        self._cache_bytes(sha, data)
        return sha, written

    def put_stream(
        self,
        source: IO[bytes],
        expected_sha256: str | None = None,
        *,
        sync: bool = True,
        check: Callable[[Path], None] | None = None,
    ) -> tuple[str, bool]:
        """As ``BlobStore.put_stream``: the stream goes to a local file first (hashed on the way,
        and given to ``check``), then to the database in chunks, then becomes the cached copy."""
        del sync  # the database's commit is durable; the cache can be fetched again
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            size = 0
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            sha = digest.hexdigest()
            if expected_sha256 is not None and sha != expected_sha256:
                raise StorageError(f"hash mismatch: expected {expected_sha256}, got {sha}")
            if check is not None:
                check(tmp)
            with tmp.open("rb") as fh:
                written = self._insert(sha, size, _read_chunks(fh))
            target = super().path_for(sha)
            if not target.is_file():
                _replace_into(tmp, target)
            return sha, written
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc
        finally:
            tmp.unlink(missing_ok=True)

    def _insert(self, sha: str, size: int, chunks: Iterator[bytes]) -> bool:
        """Store one blob in one transaction; False when it was already there. Two PCs storing
        the same photo at once: the second waits on the first's key and then finds it stored."""
        with self.engine.begin() as connection:
            inserted = connection.execute(
                pg_insert(blob_table)
                .values(sha256=sha, size=size, chunks=0, stored_at=_now())
                .on_conflict_do_nothing(index_elements=["sha256"])
                .returning(blob_table.c.sha256)
            ).first()
            if inserted is None:
                connection.execute(
                    update(blob_table).where(blob_table.c.sha256 == sha).values(claimed_at=_now())
                )
                return False
            count = 0
            for count, data in enumerate(chunks, start=1):
                connection.execute(
                    chunk_table.insert().values(sha256=sha, seq=count - 1, data=data)
                )
            connection.execute(
                update(blob_table).where(blob_table.c.sha256 == sha).values(chunks=count)
            )
        return True

    def _cache_bytes(self, sha: str, data: bytes) -> None:
        target = super().path_for(sha)
        if target.is_file():
            return
        with contextlib.suppress(OSError):  # the cache is a convenience; the database has it
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                _replace_into(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)

    def sync(self, shas: list[str]) -> None:
        """Nothing to do: each blob was committed by the database when it was stored."""

    def remove(self, sha256: str) -> None:
        """Take back a blob this operation stored, unless another has claimed it since or a row
        names it (the undo of a failed attach or import)."""
        self._check_sha(sha256)
        with self.engine.begin() as connection:
            connection.execute(
                delete(blob_table).where(
                    blob_table.c.sha256 == sha256,
                    blob_table.c.claimed_at.is_(None),
                    ~select(_attachment.c.sha256).where(_attachment.c.sha256 == sha256).exists(),
                )
            )
        cached = BlobStore.path_for(self, sha256)
        cached.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            cached.parent.rmdir()

    def remove_orphans(self, older_than: timedelta) -> int:
        """Blobs no attachment row names, stored or claimed longer ago than ``older_than`` (what
        a killed import may leave); returns how many were removed."""
        limit = _now() - older_than
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(blob_table).where(
                    func.coalesce(blob_table.c.claimed_at, blob_table.c.stored_at) < limit,
                    ~select(_attachment.c.sha256)
                    .where(_attachment.c.sha256 == blob_table.c.sha256)
                    .exists(),
                )
            )
        return int(result.rowcount or 0)

    def _check_sha(self, sha256: str) -> None:
        BlobStore.path_for(self, sha256)  # raises ValueError for anything but a hex SHA-256


def _read_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    first = True
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            if first:
                yield b""  # an empty file is one empty chunk
            return
        first = False
        yield chunk


def database_holds_blobs(engine: Engine) -> bool:
    """Whether this database keeps attachments itself (PostgreSQL, once migration 0013 ran)."""
    if engine.dialect.name != "postgresql":
        return False
    try:
        with engine.connect() as connection:
            return bool(
                connection.scalar(
                    text("SELECT to_regclass(:name) IS NOT NULL"), {"name": BLOB_TABLE}
                )
            )
    except DBAPIError:
        return False
