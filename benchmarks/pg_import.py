"""Import of 187 certified village bundles into a kabupaten on PostgreSQL, beside SQLite.

    SMARTCITY_TEST_POSTGRES_URL=postgresql+psycopg://postgres:postgres@127.0.0.1:55432/postgres \\
        python3 benchmarks/pg_import.py [--workdir W [--reuse]] [--jobs 2]

Setup: the regency of ``bench_exchange.py`` part 3 (``prepare_regency``, reused with --reuse): a
kabupaten (32.16) and one desa office per real desa/kelurahan code of Kabupaten Bekasi (187),
each certified by the kabupaten, 200 sample records each, one full bundle each. The kabupaten is
copied twice: one copy stays on SQLite, the other is moved with ``smartcity db copy --to URL``
into a new database ``pgbench_import_…`` (dropped at the end).

Measured, as the user runs it: ``smartcity --data-dir D [--database-url URL] import FILES...``
of all 187 bundles as a new process, the password in PGPASSWORD as on an analyst PC: wall time,
CPU time of the process tree (``getrusage(RUSAGE_CHILDREN)``), peak RSS of the CLI process.
Target 60 s on PostgreSQL (issue 11). The PostgreSQL server runs on the same machine, so its own
work (indexes, search documents) is in the wall time but not in the CPU figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_exchange import (  # type: ignore[import-not-found]
    KABUPATEN,
    REGENCY_SAMPLE,
    Child,
    copy_office,
    prepare_regency,
    run_child,
)
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url

from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.exchange import ledger
from smartcity_desktop.storage.location import DATABASE_URL_ENV
from smartcity_desktop.storage.models import RECORD_MODELS
from smartcity_desktop.storage.paths import DataPaths

TARGET_SECONDS = 60.0
ADMIN_ENV = "SMARTCITY_TEST_POSTGRES_URL"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(what: str, args: Sequence[str], log: Path) -> tuple[Child, float]:
    """The process's wall and CPU time; the load average (1 min) around it, since the machine is
    shared and the wall time depends on it."""
    before = children_cpu()
    load = os.getloadavg()[0]
    child = run_child(args, log)
    print(
        f"{what}: load average {load:.1f} when it started, {os.getloadavg()[0]:.1f} when it ended",
        flush=True,
    )
    if child.returncode != 0:
        sys.exit(f"smartcity {' '.join(args[:4])} … failed:\n{child.stdout[-3000:]}{child.stderr}")
    return child, children_cpu() - before


def check(folder: Path, url: str | None, bundles: int) -> int:
    """Records in the office after the import; every bundle in the ledger, certified."""
    if url:
        os.environ[DATABASE_URL_ENV] = url
    try:
        ctx = open_context(DataPaths(folder))
        try:
            rows = ledger(ctx)
            with ctx.db.session() as session:
                records = sum(
                    session.scalar(select(func.count()).select_from(RECORD_MODELS[k])) or 0
                    for k in ("problem", "potential", "proposal")
                )
        finally:
            ctx.close()
    finally:
        os.environ.pop(DATABASE_URL_ENV, None)
    certified = sum(1 for r in rows if r["trust"] == "certified")
    if len(rows) != bundles or certified != bundles or records != bundles * sum(REGENCY_SAMPLE):
        sys.exit(f"import check: {len(rows)} bundles ({certified} certified), {records} records")
    return records


def line(name: str, child: Child, cpu: float, target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f" (target {target:.0f} s: {'ok' if child.seconds <= target else 'MISSED'})"
    return (
        f"{name}: {child.seconds:.1f} s wall{verdict}, {cpu:.1f} s CPU, "
        f"peak RSS {child.peak_rss_mb:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where the regency is prepared (kept)")
    parser.add_argument("--reuse", action="store_true", help="reuse the regency in --workdir")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="setup processes")
    parser.add_argument("--admin-url", default=os.environ.get(ADMIN_ENV))
    args = parser.parse_args()
    if not args.admin_url:
        parser.error(f"give --admin-url or set {ADMIN_ENV}")
    if args.reuse and args.workdir is None:
        parser.error("--reuse needs --workdir")
    temp = None if args.workdir else tempfile.mkdtemp(prefix="pgbench-import-")
    work = (args.workdir or Path(temp or ".")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.pop(DATABASE_URL_ENV, None)
    load_before = os.getloadavg()[0]

    admin_url = make_url(args.admin_url)
    name = f"pgbench_import_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    target: URL = admin_url._replace(database=name, password=None, drivername="postgresql+psycopg")
    url = target.render_as_string(hide_password=False)
    if admin_url.password:
        os.environ["PGPASSWORD"] = admin_url.password  # for every child, as on an analyst PC
    missed = False
    try:
        kabupaten, bundles = prepare_regency(work, args)
        size = sum(b.stat().st_size for b in bundles)
        print(
            f"{len(bundles)} bundles of {sum(REGENCY_SAMPLE)} records ({size / 1e6:.1f} MB) "
            f"for kabupaten {KABUPATEN}"
        )
        files = [str(b) for b in bundles]
        for b in bundles:  # from the page cache for both runs
            b.read_bytes()

        on_sqlite = work / "import-sqlite"
        copy_office(kabupaten, on_sqlite)
        child, cpu = timed(
            "SQLite import", ["--data-dir", str(on_sqlite), "import", *files], work / "log-sqlite"
        )
        records = check(on_sqlite, None, len(bundles))
        sqlite_line = line("SQLite     smartcity import", child, cpu)

        on_pg = work / "import-postgresql"
        copy_office(kabupaten, on_pg)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        moved, moved_cpu = timed(
            "setup copy", ["--data-dir", str(on_pg), "db", "copy", "--to", url], work / "log-copy"
        )
        print(line("setup: smartcity db copy of the empty kabupaten", moved, moved_cpu))
        child, cpu = timed(
            "PostgreSQL import",
            ["--data-dir", str(on_pg), "--database-url", url, "import", *files],
            work / "log-postgresql",
        )
        check(on_pg, url, len(bundles))
        missed = child.seconds > TARGET_SECONDS
        print(f"both imports: {len(bundles)} bundles, {records:,} records, all certified")
        print(line("PostgreSQL smartcity import", child, cpu, TARGET_SECONDS))
        print(sqlite_line)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
        for scratch in ("import-sqlite", "import-postgresql"):
            shutil.rmtree(work / scratch, ignore_errors=True)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    print(
        f"load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on "
        f"{os.cpu_count()} cores (other processes share them: wall times are pessimistic)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
