"""Attachments kept in a PostgreSQL office database (storage/db_blobs.py): how fast photos go in
and come out to a PC with an empty cache, and how much memory a big file takes.

python3 benchmarks/bench_attachments_postgresql.py [--url ADMIN_URL] [--photos 300] [--size-kb 300]

ADMIN_URL (default: $SMARTCITY_TEST_POSTGRES_URL) must be allowed to create a database; a scratch
database ``pgsettings_bench_<random>`` is made and dropped at the end. Issue 11 sets no target for
attachments: the figures are for sizing (a regency's few thousand photos) and to notice a
regression; the memory line has a target (a big file is streamed, never held whole).
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import secrets
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from smartcity_desktop.storage.blobs import CHUNK
from smartcity_desktop.storage.db_blobs import DatabaseBlobStore
from smartcity_desktop.storage.models import Base

BIG_MB = 64
MEMORY_TARGET_MB = 16


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("SMARTCITY_TEST_POSTGRES_URL"))
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--size-kb", type=int, default=300)
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("--url or SMARTCITY_TEST_POSTGRES_URL is needed")
    admin = make_url(args.url)
    name = f"pgsettings_bench_{secrets.token_hex(4)}"
    root = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with root.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(admin.set(database=name))
    ok = True
    try:
        Base.metadata.create_all(engine)
        migration = importlib.import_module(
            "smartcity_desktop.storage.migrations.versions.0013_attachments_in_postgresql"
        )
        with (
            engine.begin() as connection,
            Operations.context(MigrationContext.configure(connection)),
        ):
            migration.upgrade()
        with tempfile.TemporaryDirectory(prefix="bench-blobs-") as tmp:
            folder = Path(tmp)
            photos = [os.urandom(args.size_kb * 1024) for _ in range(args.photos)]
            total_mb = args.photos * args.size_kb / 1024
            writer = DatabaseBlobStore(engine, folder / "pc1")
            started = time.perf_counter()
            shas = [writer.put_stream(io.BytesIO(p))[0] for p in photos]
            put_s = time.perf_counter() - started
            print(
                f"store {args.photos} photos of {args.size_kb} kB ({total_mb:.0f} MB): "
                f"{put_s:.2f} s, {total_mb / put_s:.1f} MB/s, {1000 * put_s / args.photos:.1f} ms/photo"
            )
            started = time.perf_counter()
            for p in photos:
                writer.put_stream(io.BytesIO(p))
            again_s = time.perf_counter() - started
            print(
                f"the same photos again (deduplicated): {1000 * again_s / args.photos:.1f} ms/photo"
            )
            reader = DatabaseBlobStore(engine, folder / "pc2")
            started = time.perf_counter()
            for sha in shas:
                reader.path_for(sha)
            fetch_s = time.perf_counter() - started
            print(
                f"fetch them into an empty cache (another PC): {fetch_s:.2f} s, "
                f"{total_mb / fetch_s:.1f} MB/s"
            )
            started = time.perf_counter()
            for sha in shas:
                reader.path_for(sha)
            print(
                f"read from the cache afterwards: {1e6 * (time.perf_counter() - started) / args.photos:.0f} µs/photo"
            )

            big = folder / "big.bin"
            with big.open("wb") as fh:
                for _ in range(BIG_MB):
                    fh.write(os.urandom(CHUNK))
            tracemalloc.start()
            with big.open("rb") as fh:
                sha, _new = DatabaseBlobStore(engine, folder / "pc3").put_stream(fh)
            DatabaseBlobStore(engine, folder / "pc4").path_for(sha)
            _now, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak_mb = peak / 1024 / 1024
            verdict = "ok" if peak_mb <= MEMORY_TARGET_MB else "MISSED"
            ok = ok and verdict == "ok"
            print(
                f"a {BIG_MB} MB file stored and fetched: peak Python memory {peak_mb:.1f} MB "
                f"(target {MEMORY_TARGET_MB} MB) {verdict}"
            )
    finally:
        engine.dispose()
        with root.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        root.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
