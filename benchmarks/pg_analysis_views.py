"""The ten analysis views over 200,000 records on PostgreSQL, beside SQLite; and its db copy.

    SMARTCITY_TEST_POSTGRES_URL=postgresql+psycopg://postgres:postgres@127.0.0.1:55432/postgres \\
        python3 benchmarks/pg_analysis_views.py [--records 200000] [--workdir W [--reuse]]

Setup: the kabupaten office of ``analysis_views.py`` (``setup``, reused with --reuse; 32.16 with
the sample-data records of its 187 villages written as received certified rows: 80,000 problems,
40,000 potentials, 80,000 proposals). A new database ``pgbench_views_…`` is made on the server
from the admin URL (env ``SMARTCITY_TEST_POSTGRES_URL`` or --admin-url) and dropped at the end.

Measured, the password in PGPASSWORD as on an analyst PC:

1. ``smartcity db copy --to postgresql+psycopg://…`` of the office as a new process (target
   60 s): wall, CPU, peak RSS;
2. per view of ``services.analysis.VIEWS``, in-process as in ``analysis_views.py``: the first
   computation, then ``compute`` after a filter change (no filter, one kecamatan, one dimension,
   a period), median of --runs each; the worst filter is the view's figure (target 500 ms,
   issue 11);
3. per view ``smartcity analysis VIEW --json`` as a new process: wall and CPU time, peak RSS.

Each on PostgreSQL (``--database-url``) and on the same office's SQLite file. The server runs on
the same machine: its work is in the wall times, not in the CPU of the measured process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_views import setup, villages  # type: ignore[import-not-found]
from bench_exchange import run_child  # type: ignore[import-not-found]
from db_copy import run  # type: ignore[import-not-found]
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter
from smartcity_desktop.services.context import open_context
from smartcity_desktop.storage.location import DATABASE_FILE, DATABASE_URL_ENV
from smartcity_desktop.storage.paths import DataPaths

VIEW_TARGET, COPY_TARGET = 0.500, 60.0
ADMIN_ENV = "SMARTCITY_TEST_POSTGRES_URL"


def filters() -> list[tuple[str, AnalysisFilter]]:
    kecamatan = sorted({code.rsplit(".", 1)[0] for code in villages()})[0]
    return [
        ("no filter", AnalysisFilter()),
        ("kecamatan " + kecamatan, AnalysisFilter(kecamatan=kecamatan)),
        ("dimension living", AnalysisFilter(dimension="living")),
        (
            "period 2026-03..2026-06",
            AnalysisFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 30)),
        ),
    ]


def in_process(paths: DataPaths, url: str | None, runs: int) -> dict[str, tuple[float, float]]:
    """Per view: the worst filter's median wall and CPU seconds."""
    if url:
        os.environ[DATABASE_URL_ENV] = url
    worst: dict[str, tuple[float, float]] = {}
    try:
        ctx = open_context(paths)
        try:
            for name, spec in VIEWS.items():
                t, c = time.perf_counter(), time.process_time()
                spec.compute(ctx, AnalysisFilter())
                first = (time.perf_counter() - t, time.process_time() - c)
                shown = []
                for label, flt in filters():
                    times, cpu = [], []
                    for _r in range(runs):
                        t, c = time.perf_counter(), time.process_time()
                        spec.compute(ctx, flt)
                        times.append(time.perf_counter() - t)
                        cpu.append(time.process_time() - c)
                    median = (statistics.median(times), statistics.median(cpu))
                    shown.append(f"{label} {median[0] * 1000:.0f}/{median[1] * 1000:.0f}")
                    worst[name] = max(worst.get(name, (0.0, 0.0)), median)
                print(
                    f"   {name}: first {first[0] * 1000:.0f}/{first[1] * 1000:.0f} ms; "
                    + "; ".join(shown)
                    + " (ms wall/CPU)",
                    flush=True,
                )
        finally:
            ctx.close()
    finally:
        os.environ.pop(DATABASE_URL_ENV, None)
    return worst


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def commands(paths: DataPaths, url: str | None) -> dict[str, tuple[float, float, int]]:
    """Per view: wall, CPU seconds and peak RSS of ``smartcity analysis VIEW --json``.

    Started through bench_exchange's small launcher: a child forked straight from this process,
    large after the in-process part, would report this process's RSS as its own peak."""
    where = ["--data-dir", str(paths.root), *(("--database-url", url) if url else ())]
    figures: dict[str, tuple[float, float, int]] = {}
    for name in VIEWS:
        before = children_cpu()
        child = run_child([*where, "analysis", name, "--json"], paths.root / "logs" / "bench")
        cpu = children_cpu() - before
        if child.returncode != 0:
            sys.exit(f"smartcity analysis {name} failed:\n{child.stderr}")
        wall, rss, size = child.seconds, int(child.peak_rss_mb * 2**20), len(child.stdout)
        figures[name] = (wall, cpu, rss)
        print(
            f"   smartcity analysis {name} --json: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"peak RSS {rss / 2**20:.0f} MB, {size / 1024:.0f} kB",
            flush=True,
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each filter (median)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--commands-only", action="store_true", help="skip the in-process part")
    parser.add_argument("--admin-url", default=os.environ.get(ADMIN_ENV))
    args = parser.parse_args()
    if not args.admin_url:
        parser.error(f"give --admin-url or set {ADMIN_ENV}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="pgbench-views-"))
    os.environ.pop(DATABASE_URL_ENV, None)
    load_before = os.getloadavg()[0]
    paths = setup(work, args.records, args.reuse)
    (paths.root / DATABASE_FILE).unlink(missing_ok=True)  # a rerun starts on SQLite again

    admin_url = make_url(args.admin_url)
    name = f"pgbench_views_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    target = admin_url._replace(database=name, password=None, drivername="postgresql+psycopg")
    url = target.render_as_string(hide_password=False)
    if admin_url.password:
        os.environ["PGPASSWORD"] = admin_url.password
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    missed = False
    try:
        print("\n1. smartcity db copy --to postgresql+psycopg://… (new process)", flush=True)
        wall, cpu, rss, out = run(paths.root, admin_url.password, "db", "copy", "--to", url)
        # The copy switches the office to the server; both sides are measured with explicit
        # locations below, so the SQLite file stays the office's default.
        (paths.root / DATABASE_FILE).unlink(missing_ok=True)
        missed |= wall > COPY_TARGET
        print(f"   {out.strip().splitlines()[0]}")
        print(
            f"   {wall:.1f} s wall (target {COPY_TARGET:.0f} s: "
            f"{'ok' if wall <= COPY_TARGET else 'MISSED'}), {cpu:.1f} s CPU, "
            f"peak RSS {rss / 2**20:.0f} MB",
            flush=True,
        )
        measured: dict[str, dict[str, tuple[float, float]]] = {}
        runs: dict[str, dict[str, tuple[float, float, int]]] = {}
        for side, where in (("PostgreSQL", url), ("SQLite", None)):
            print(f"\n2. {side}, in-process: each view after a filter change", flush=True)
            measured[side] = {} if args.commands_only else in_process(paths, where, args.runs)
            print(f"\n3. {side}: smartcity analysis VIEW --json as new processes", flush=True)
            runs[side] = commands(paths, where)
        print(
            f"\nper view, ms wall (CPU): worst filter's median of {args.runs} in-process "
            f"(target {VIEW_TARGET * 1000:.0f} ms); the command in s wall (CPU)"
        )
        print(f"{'view':<28} {'PostgreSQL':>16} {'SQLite':>16}   {'cmd PG':>14} {'cmd SQLite':>14}")
        for view in VIEWS:
            pg = measured["PostgreSQL"].get(view, (0.0, 0.0))
            lite = measured["SQLite"].get(view, (0.0, 0.0))
            missed |= pg[0] > VIEW_TARGET
            cells = [f"{w * 1000:.0f} ({c * 1000:.0f})" for w, c in (pg, lite)]
            cmds = [f"{runs[s][view][0]:.1f} ({runs[s][view][1]:.1f})" for s in runs]
            verdict = "ok" if pg[0] <= VIEW_TARGET else "MISSED"
            print(
                f"{view:<28} {cells[0]:>16} {cells[1]:>16}   {cmds[0]:>14} {cmds[1]:>14}  {verdict}"
            )
    finally:
        (paths.root / DATABASE_FILE).unlink(missing_ok=True)
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on "
        f"{os.cpu_count()} cores (shared with other work: wall times are pessimistic)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
