"""Search on PostgreSQL: bulk insert with the index kept, and queries.

Makes a scratch database on the server named by ``--admin-url`` (or SMARTCITY_TEST_POSTGRES_URL),
with the models' schema plus migration 0012, and drops it at the end. Prints:

- ``insert_indexed`` of ``--records`` problems in one transaction (COPY, then the index in one
  statement), against an INSERT executemany with the per-row triggers; rows per second;
- ``RecordService``-style searches (``services.record_search.search``) over those records, median
  and max of several Indonesian queries (target 50 ms, as ``bench_foundation.py`` on SQLite).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, DateTime, Engine, Integer, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smartcity_desktop.services.record_search import search  # noqa: E402
from smartcity_desktop.storage.models import Base, Problem, table_of  # noqa: E402
from smartcity_desktop.storage.search_index import insert_indexed  # noqa: E402

MIGRATION = ROOT / "smartcity_desktop/storage/migrations/versions/0012_search_on_postgresql.py"
# Real words, each in a few percent of the records, among invented ones (about 3,000), so that a
# query matches some of the records, as in real data, not nearly all of them.
WORDS = [
    *[
        "air",
        "bersih",
        "jalan",
        "rusak",
        "banjir",
        "rob",
        "tambak",
        "sekolah",
        "posyandu",
        "sampah",
        "pasar",
        "lampu",
        "jembatan",
    ],
    *[
        "irigasi",
        "sawah",
        "kerusakan",
        "pengairan",
        "puskesmas",
        "angkutan",
        "kemarau",
        "sumur",
        "longsor",
    ],
]
SYLLABLES = [
    "ba",
    "ka",
    "la",
    "ma",
    "na",
    "pa",
    "ra",
    "sa",
    "ta",
    "wa",
    "ju",
    "ki",
    "lo",
    "mu",
    "ni",
    "po",
    "ru",
    "se",
    "ti",
    "gu",
]
FILLER = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:8]]
QUERIES = ("air", "jalan rusak", "kerusakan jembatan", "sek", "banjir rob tambak", "wisata bambu")
TARGET_MS = 50.0


def _schema(engine: Engine) -> None:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    Base.metadata.create_all(engine)
    spec = importlib.util.spec_from_file_location("migration_0012", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        module.upgrade()


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    table = table_of(Problem)
    rows = []
    for i in range(n):
        row: dict[str, Any] = {}
        for c in table.c:
            if c.name == "id":
                row[c.name] = str(uuid.uuid4())
            elif c.name == "title":
                row[c.name] = " ".join(
                    [WORDS[(i * 7 + seed) % len(WORDS)]]
                    + [FILLER[(i * 31 + j * 977 + seed) % len(FILLER)] for j in range(4)]
                )
            elif c.name == "description":
                row[c.name] = " ".join(
                    [WORDS[(i * 13 + seed) % len(WORDS)]]
                    + [FILLER[(i * 17 + j * 499) % len(FILLER)] for j in range(29)]
                )
            elif c.name == "office_code":
                row[c.name] = f"32.16.01.{2001 + i % 20}"
            elif isinstance(c.type, Boolean):
                row[c.name] = False
            elif isinstance(c.type, Integer):
                row[c.name] = 1
            elif isinstance(c.type, DateTime):
                row[c.name] = datetime(2026, 1, 1)
            else:
                row[c.name] = None if c.nullable else "x"
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=os.environ.get("SMARTCITY_TEST_POSTGRES_URL"))
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--database-prefix", default="smartcity_bench")
    args = parser.parse_args()
    if not args.admin_url:
        parser.error("give --admin-url or set SMARTCITY_TEST_POSTGRES_URL")
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    name = f"{args.database_prefix}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    failed = False
    try:
        engine = create_engine(make_url(args.admin_url).set(database=name))
        _schema(engine)
        table = table_of(Problem)
        for label, write in (
            ("insert_indexed (COPY, index in one statement)", insert_indexed),
            ("INSERT executemany, per-row triggers", lambda c, t, r: c.execute(t.insert(), r)),
        ):
            rows = _rows(args.records, len(label))
            start = time.perf_counter()
            with engine.begin() as conn:
                write(conn, table, rows)
            took = time.perf_counter() - start
            print(f"{label:48s} {args.records:,} rows {took:7.2f} s {args.records / took:9,.0f}/s")
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            docs = conn.execute(text("SELECT count(*) FROM search_doc")).scalar()
        times = []
        with Session(engine) as session:
            for _round in range(3):
                for query in QUERIES:
                    start = time.perf_counter()
                    search(session, query, "problem", 50)
                    times.append((time.perf_counter() - start) * 1000)
        median, worst = statistics.median(times), max(times)
        failed = median > TARGET_MS
        print(
            f"search over {docs:,} records, limit 50: median {median:6.1f} ms, max {worst:6.1f} "
            f"ms (target {TARGET_MS:.0f} ms) {'MISSED' if failed else 'ok'}"
        )
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
