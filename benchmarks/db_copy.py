"""``smartcity db copy`` of a kabupaten of 200,000 records, SQLite -> PostgreSQL and back.

    SMARTCITY_TEST_POSTGRES_URL=postgresql+psycopg://postgres:postgres@127.0.0.1:55432/postgres \\
        python3 benchmarks/db_copy.py [--records 200000] [--workdir /tmp/bdc [--reuse]]

Setup: the office of ``benchmarks/analysis_views.py`` (a kabupaten, 32.16, with the sample-data
records of every village of Kabupaten Bekasi written as received certified rows: 80,000
problems, 40,000 potentials, 80,000 proposals and their links), plus the 91,599 regions every
office holds. A new database ``pgcopy_bench_…`` is made on the server from the admin URL (env
``SMARTCITY_TEST_POSTGRES_URL`` or --admin-url) and dropped at the end.

Measured, each as a new ``smartcity`` process, the password in PGPASSWORD as on an analyst PC:

1. ``smartcity db copy --to postgresql+psycopg://…`` from the office's SQLite file (target 60 s):
   schema by the migrations, every row copied, every table counted and hashed on both sides;
2. ``smartcity --database-url … db copy --to FILE`` back from PostgreSQL into a new SQLite file.

Printed per command: wall and CPU time, peak resident memory; then the rows copied.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis_views import setup  # type: ignore[import-not-found]
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TARGET_SECONDS = 60.0
ADMIN_ENV = "SMARTCITY_TEST_POSTGRES_URL"


def run(data_dir: Path, password: str | None, *args: str) -> tuple[float, float, int, str]:
    """Wall time, CPU seconds, peak RSS (bytes) and stdout of one ``smartcity`` process."""
    script = (
        "import resource, runpy, sys, time\n"
        "sys.argv = ['smartcity', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('smartcity_desktop.cli.main', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "sys.stderr.write(f'@@{u.ru_maxrss} {u.ru_utime + u.ru_stime} {code}\\n')\n"
    )
    env = dict(os.environ, SMARTCITY_DATA_DIR=str(data_dir))
    env.pop("SMARTCITY_DATABASE_URL", None)
    if password:
        env["PGPASSWORD"] = password
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    line = [x for x in done.stderr.splitlines() if x.startswith("@@")]
    if not line or line[-1].split()[2] not in ("0", "None"):
        raise SystemExit(f"smartcity {' '.join(args)} failed:\n{done.stderr}\n{done.stdout}")
    rss, cpu, _code = line[-1][2:].split()
    return wall, float(cpu), int(rss) * 1024, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--admin-url", default=os.environ.get(ADMIN_ENV))
    args = parser.parse_args()
    if not args.admin_url:
        parser.error(f"give --admin-url or set {ADMIN_ENV}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-db-copy-"))
    paths = setup(work, args.records, args.reuse)
    (paths.root / "database.json").unlink(missing_ok=True)  # a rerun starts on SQLite again

    admin_url = make_url(args.admin_url)
    name = f"pgcopy_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target = admin_url._replace(database=name, password=None, drivername="postgresql+psycopg")
    target_text = target.render_as_string(hide_password=False)
    back = work / "kembali.sqlite"
    back.unlink(missing_ok=True)
    missed = False
    try:
        wall, cpu, rss, out = run(paths.root, admin_url.password, "db", "copy", "--to", target_text)
        verdict = "ok" if wall <= TARGET_SECONDS else "MISSED"
        missed |= wall > TARGET_SECONDS
        print(out.strip().splitlines()[0])
        print(
            f"SQLite -> PostgreSQL: wall {wall:.1f} s (target {TARGET_SECONDS:.0f} s: {verdict}), "
            f"CPU {cpu:.1f} s, peak RSS {rss / 1e6:.0f} MB"
        )
        with admin.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(:n)"), {"n": name}).scalar()
        print(
            f"size: SQLite file {paths.database.stat().st_size / 1e6:.0f} MB, "
            f"PostgreSQL database {int(size or 0) / 1e6:.0f} MB"
        )
        wall, cpu, rss, out = run(
            paths.root,
            admin_url.password,
            "--database-url",
            target_text,
            "db",
            "copy",
            "--to",
            str(back),
        )
        print(out.strip().splitlines()[0])
        print(
            f"PostgreSQL -> SQLite: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss / 1e6:.0f} MB"
        )
    finally:
        (paths.root / "database.json").unlink(missing_ok=True)
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} cores")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
