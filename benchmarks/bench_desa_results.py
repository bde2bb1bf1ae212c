"""A desa's record lists with "Hasil verifikasi": 20,000 problems, every one reviewed.

    python benchmarks/bench_desa_results.py [--workdir DIR [--reuse]] [--runs 5]

Setup (in-process, through the services): Desa Sagara Makmur records 20,000 problems with
``sample_data``; the kecamatan's reviews of all of them are written at the desa as received rows
(as a feedback bundle leaves them), a third each diterima, perlu perbaikan and ditolak, and a
tenth of the records are then revised. Measured: the list query with and without the derived
``review_result`` column, the reviews behind the tooltips, and the form banner of one record.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark-passphrase-2026"
DESA, KECAMATAN = "32.16.01.2001", "32.16.01"
PROBLEMS = 20_000
COLUMNS = ["title", "dimension", "severity", "affected_count", "status", "updated_at", "revision"]


def make_office(root: Path) -> None:
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.office import init_office
    from smartcity_desktop.services.sample_data import SampleRequest, generate
    from smartcity_desktop.storage.paths import DataPaths

    paths = DataPaths(root / "desa")
    init_office(paths, role="desa", office_code=DESA, operator="Operator", passphrase=PASSPHRASE)
    ctx = open_context(paths)
    generate(ctx, SampleRequest(problems=PROBLEMS, potentials=0, proposals=0, seed=5))
    states = [("diterima", None), ("perlu_perbaikan", "foto_belum_ada"), ("ditolak", "lainnya")]
    with ctx.db.transaction() as session:
        conn = session.connection().connection.driver_connection
        assert conn is not None
        rows = conn.execute("SELECT id, revision, content_hash FROM problem").fetchall()
        now = "2026-12-03 09:00:00.000000"
        conn.executemany(
            "INSERT INTO review (id, office_code, revision, status, deleted, content_hash, "
            "created_at, updated_at, author, trust_level, target_kind, target_id, "
            "target_revision, target_hash, state, reason) "
            "VALUES (?, ?, 1, 'final', 0, ?, ?, ?, 'Camat', 'locally_trusted', 'problem', ?, ?, "
            "?, ?, ?)",
            [
                (str(uuid.uuid4()), KECAMATAN, "0" * 64, now, now, rid, rev, digest) + states[n % 3]
                for n, (rid, rev, digest) in enumerate(rows)
            ],
        )
        conn.execute("UPDATE problem SET revision = revision + 1 WHERE rowid % 10 = 0")
    ctx.close()
    (root / "ready").touch()


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def measure(root: Path, runs: int) -> None:
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.records import RecordService
    from smartcity_desktop.services.review_results import review_banner, review_notes
    from smartcity_desktop.storage.paths import DataPaths

    ctx = open_context(DataPaths(root / "desa"))
    service = RecordService(ctx)
    kind = RecordKind.PROBLEM
    with_result = [*COLUMNS[:1], "review_result", *COLUMNS[1:]]
    one = service.table_rows(kind, ["revision", "sent_revision"])[0]
    figures = {
        "table_rows without Hasil verifikasi": timed(
            lambda: service.table_rows(kind, COLUMNS), runs
        ),
        "table_rows with Hasil verifikasi": timed(
            lambda: service.table_rows(kind, with_result), runs
        ),
        "review_notes (tooltips), whole list": timed(lambda: review_notes(ctx, kind), runs),
        "form banner of one record": timed(
            lambda: review_banner(ctx, kind, one[0], one[1], one[2]), runs * 10
        ),
    }
    print(f"{PROBLEMS:,} problems, each reviewed by the kecamatan, a tenth revised since")
    for name, (median, worst) in figures.items():
        print(f"  {name:<40} median {median:8.1f} ms   max {worst:8.1f} ms")
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-desa-results-"))
    if not (args.reuse and (root / "ready").exists()):
        t0 = time.perf_counter()
        make_office(root)
        print(f"setup: {time.perf_counter() - t0:.1f} s")
    measure(root, args.runs)


if __name__ == "__main__":
    main()
