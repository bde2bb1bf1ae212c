"""The first computation of each analysis view in a new process, beside its refreshes.

    python3 benchmarks/analysis_first.py --workdir /tmp/bav [--reuse] [--database-url URL]
        [--views isu-strategis,peringkat-usulan] [--runs 3]

Setup: the kabupaten office of ``analysis_views.py`` (200,000 records of 187 villages; reused
with --reuse). With --database-url the views read that server database instead (made from the
office with ``smartcity db copy --to URL``; the password in PGPASSWORD).

Measured, per view, in a new Python process each (what ``smartcity analysis VIEW --json`` pays,
start-up excluded):

- the first ``compute`` with no filter after a data change: the kept files of the data folder
  (``services/kept_files.py``) removed first, so the process builds what it keeps;
- the first ``compute`` in the next new process, the data unchanged: it reads the kept files
  (target 500 ms on PostgreSQL, issue 11);
- in that process, the worst median over --runs of a refresh after a filter change (no filter,
  one dimension, a period; target 300 ms, issue 8);
- then ``smartcity analysis VIEW --json`` as a command, end to end (start-up, opening the office,
  the kept files, the JSON written to /dev/null).

Wall and CPU of the measured process; a server on the same machine works outside that CPU. The
load average is printed with each line: on a shared machine the wall times are pessimistic.

The processes run without ``PYTHONDONTWRITEBYTECODE`` and every view's module is imported once,
untimed, first: an installed app has its bytecode compiled, and compiling the view's modules
again in each measured process added 40-200 ms to its first computation.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHILD = r"""
import datetime as dt, os, statistics, sys, time
from pathlib import Path
from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter
from smartcity_desktop.services.context import open_context
from smartcity_desktop.storage.paths import DataPaths

name, root, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = open_context(DataPaths(Path(root)))
try:
    spec = VIEWS[name]
    t, c = time.perf_counter(), time.process_time()
    spec.compute(ctx, AnalysisFilter())
    first = (time.perf_counter() - t, time.process_time() - c)
    worst = (0.0, 0.0)
    for flt in (
        AnalysisFilter(),
        AnalysisFilter(dimension="living"),
        AnalysisFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 30)),
    ):
        walls, cpus = [], []
        for _r in range(runs):
            t, c = time.perf_counter(), time.process_time()
            spec.compute(ctx, flt)
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        worst = max(worst, (statistics.median(walls), statistics.median(cpus)))
    print(f"{first[0]} {first[1]} {worst[0]} {worst[1]} {os.getloadavg()[0]}")
finally:
    ctx.close()
"""


def main() -> int:
    from analysis_views import setup  # type: ignore[import-not-found]

    from smartcity_desktop.services.analysis import VIEWS
    from smartcity_desktop.storage.location import DATABASE_URL_ENV

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--database-url", help="read the views from this server database")
    parser.add_argument("--views", help="comma-separated names (default: every view)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = setup(args.workdir, args.records, args.reuse)
    env = dict(os.environ)
    env.pop(DATABASE_URL_ENV, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.database_url:
        env[DATABASE_URL_ENV] = args.database_url
    names = args.views.split(",") if args.views else list(VIEWS)
    side = "PostgreSQL" if args.database_url else "SQLite"
    kept = paths.root / "cache" / "analysis"
    print(f"{side}: first computation in a new process; worst refresh (median of {args.runs})")
    print(
        f"{'view':<30} {'after a change':>15} {'data unchanged':>15} {'refresh':>13} "
        f"{'command':>13}  load"
    )
    print(
        f"{'':<30} {'wall/CPU ms':>15} {'wall/CPU ms':>15} {'wall/CPU ms':>13} {'wall/CPU s':>13}"
    )
    missed = False
    # Untimed: the bytecode of the views' modules and the command's, as an installed app has it.
    modules = sorted({f"smartcity_desktop.services.analysis.{VIEWS[n].module}" for n in names})
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)",
            *modules,
            "smartcity_desktop.cli.main",
        ],
        env=env,
        check=True,
    )

    def child(name: str) -> list[float]:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, name, str(paths.root), str(args.runs)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr}")
        return list(map(float, done.stdout.split()[-5:]))

    for name in names:
        shutil.rmtree(kept, ignore_errors=True)
        cold_wall, cold_cpu, *_rest = child(name)
        first_wall, first_cpu, wall, cpu, load = child(name)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        command = [sys.executable, "-m", "smartcity_desktop.cli.main"]
        subprocess.run(
            [*command, "--data-dir", str(paths.root), "analysis", name, "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        command_wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        command_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        missed |= bool(args.database_url) and first_wall > 0.5
        print(
            f"{name:<30} {cold_wall * 1000:>7.0f}/{cold_cpu * 1000:<7.0f} "
            f"{first_wall * 1000:>7.0f}/{first_cpu * 1000:<7.0f} "
            f"{wall * 1000:>5.0f}/{cpu * 1000:<7.0f} "
            f"{command_wall:>5.2f}/{command_cpu:<7.2f} {load:.1f}",
            flush=True,
        )
    print(f"on {os.cpu_count()} cores")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
