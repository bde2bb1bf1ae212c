"""Data serupa and Isu strategis on 200,000 problems at the kabupaten.

    python3 benchmarks/bench_similarity.py                         # 200,000 problems, keeps nothing
    python3 benchmarks/bench_similarity.py --workdir /tmp/bs       # keep the office for profiling
    python3 benchmarks/bench_similarity.py --workdir /tmp/bs --reuse

Setup: a kabupaten office (32.16) and, written straight into its database as received rows, the
sample-data problems (``services.sample_data``' generator, its texts and validation) of every desa
and kelurahan of Kabupaten Bekasi from the bundled region list, --problems in all (about 1,070 a
village for 200,000). Then:

1. ``smartcity analysis isu-strategis --json`` and ``smartcity similar --json`` as new processes
   (what a user runs): wall time, median of --runs, and peak resident memory. A new process has an
   empty key-word cache, so this is the cold figure.
2. In-process, the desktop's case: the first computation (cold key-word cache), then the view
   refreshed after a filter change (a kecamatan; a dimension; back to the whole kabupaten) with
   the key words of each record revision kept in memory. Target <= 300 ms, peak memory <= 500 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.domain.regions import parse_region_csv
from smartcity_desktop.domain.validation import normalise
from smartcity_desktop.services import sample_data
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.services.similarity import (
    AreaFilter,
    forget_words,
    issue_clusters,
    issue_model,
    similar_groups,
)
from smartcity_desktop.storage.models import Problem, table_of
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.search_index import insert_indexed

KABUPATEN = "32.16"
PASSPHRASE = "benchmark-sandi-2026"
VIEW_TARGET, MEMORY_TARGET = 0.300, 500 * 1024 * 1024

assert parse_region_csv  # the region list comes from the bundled CSV (bundled_regions)


def villages() -> list[str]:
    return sorted(
        r.code
        for r in bundled_regions()
        if r.level == "desa_kelurahan" and r.code.startswith(KABUPATEN + ".")
    )


def setup(work: Path, total: int, reuse: bool) -> DataPaths:
    paths = DataPaths(work / "kabupaten")
    if reuse and paths.database.exists():
        return paths
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    init_office(
        paths, role="kabupaten", office_code=KABUPATEN, operator="Operator", passphrase=PASSPHRASE
    )
    ctx = open_context(paths)
    codes = villages()
    started = time.perf_counter()
    try:
        now = ctx.clock()
        with ctx.db.transaction() as session:
            connection = session.connection()
            for n, desa in enumerate(codes):
                count = total // len(codes) + (1 if n < total % len(codes) else 0)
                gen = sample_data.SampleGenerator(1000 + n, desa)
                rows = []
                for _i in range(count):
                    values = normalise(RecordKind.PROBLEM, gen.problem())
                    rid = gen.uuid()
                    row = {
                        "id": rid,
                        "office_code": desa,
                        "revision": 1,
                        "status": "final",
                        "deleted": False,
                        "created_at": now,
                        "updated_at": now,
                        "author": "Operator Desa",
                        "sent_revision": None,
                        "trust_level": "certified",
                        "content_hash": content_hash(
                            "problem", rid, desa, 1, "final", False, values
                        ),
                    }
                    row.update(values)
                    rows.append(row)
                insert_indexed(connection, table_of(Problem), rows)
    finally:
        ctx.close()
    print(
        f"setup: {total} problems of {len(codes)} villages in {time.perf_counter() - started:.1f} s"
    )
    return paths


def cli(paths: DataPaths, *args: str) -> tuple[float, int, int, float]:
    """Wall time, peak RSS (bytes), output size and CPU seconds of one ``smartcity`` process."""
    script = (
        "import resource, runpy, sys, time\n"
        "sys.argv = ['smartcity', *sys.argv[1:]]\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    runpy.run_module('smartcity_desktop.cli.main', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "sys.stderr.write(f'@@{time.perf_counter() - t} {u.ru_maxrss} '\n"
        "                 f'{u.ru_utime + u.ru_stime}\\n')\n"
    )
    env = dict(os.environ, SMARTCITY_DATA_DIR=str(paths.root))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    line = [x for x in done.stderr.splitlines() if x.startswith("@@")]
    if not line:
        raise SystemExit(f"smartcity {' '.join(args)} failed:\n{done.stderr}")
    fields = line[-1].split()
    return wall, int(fields[1]) * 1024, len(done.stdout), float(fields[2])


def ok(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=1, help="runs of each command")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--skip-commands", action="store_true", help="in-process figures only")
    parser.add_argument("--commands-only", action="store_true", help="the commands only")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-similarity-"))
    missed = False
    try:
        paths = setup(work, args.problems, args.reuse)

        print("\n1. the commands, as new processes (cold key-word cache)")
        commands = [("analysis", "isu-strategis", "--json"), ("similar", "--json")]
        for command in [] if args.skip_commands else commands:
            runs = [cli(paths, *command) for _r in range(args.cli_runs)]
            wall = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            print(
                f"   smartcity {' '.join(command)}: {wall:.2f} s wall, {cpu:.2f} s CPU, median "
                f"of {args.cli_runs} (no target for a new process); peak RSS {rss / 2**20:.0f} MB "
                f"(target {MEMORY_TARGET / 2**20:.0f} MB) {ok(rss, MEMORY_TARGET)}; "
                f"{runs[0][2] / 1024:.0f} kB of JSON"
            )
            missed |= rss > MEMORY_TARGET

        if args.commands_only:
            return 1 if missed else 0
        print("\n2. in-process: first computation, then refresh after a filter change")
        ctx = open_context(paths)
        try:
            forget_words()
            tracemalloc.start()
            t, c = time.perf_counter(), time.process_time()
            result = issue_clusters(ctx)
            cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"   first isu strategis (words computed for {result.records} problems): "
                f"{cold:.2f} s wall, {cold_cpu:.2f} s CPU, {len(result.clusters)} clusters; "
                f"Python peak "
                f"{peak / 2**20:.0f} MB"
            )
            t, c = time.perf_counter(), time.process_time()
            model = issue_model(ctx)
            print(
                f"   the desktop's load after new data (rows read, words from the cache, "
                f"clusters formed): {time.perf_counter() - t:.2f} s wall, "
                f"{time.process_time() - c:.2f} s CPU, off the GUI thread"
            )
            kecamatan = sorted({code.rsplit(".", 1)[0] for code in villages()})
            filters = [
                ("kecamatan " + kecamatan[0], AreaFilter(kecamatan=kecamatan[0])),
                ("kecamatan " + kecamatan[-1], AreaFilter(kecamatan=kecamatan[-1])),
                ("dimension environment", AreaFilter(dimension="environment")),
                ("dimension living", AreaFilter(dimension="living")),
                ("whole kabupaten", AreaFilter()),
            ]
            for name, area in filters:
                times = []
                for _r in range(args.runs):
                    model._views.clear()  # measure the computation, not the memo
                    t = time.perf_counter()
                    model.view(area)
                    times.append(time.perf_counter() - t)
                median = statistics.median(times)
                missed |= median > VIEW_TARGET
                print(
                    f"   isu strategis after a filter change to {name}: {median * 1000:.0f} ms "
                    f"median of {args.runs} (target {VIEW_TARGET * 1000:.0f} ms) "
                    f"{ok(median, VIEW_TARGET)}"
                )
            times = []
            for _r in range(args.runs):
                t = time.perf_counter()
                similar_groups(ctx, "problem", AreaFilter(kecamatan=kecamatan[0]))
                times.append(time.perf_counter() - t)
            median = statistics.median(times)
            print(
                f"   data serupa, one kecamatan: {median * 1000:.0f} ms median of {args.runs} "
                f"(target {VIEW_TARGET * 1000:.0f} ms) {ok(median, VIEW_TARGET)}"
            )
            missed |= median > VIEW_TARGET
            print(
                f"   process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
            )
        finally:
            ctx.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
