"""Speed of the foundation: filling, opening, counting and searching a large office.

    python3 benchmarks/bench_foundation.py                 # the installed `smartcity`
    python3 benchmarks/bench_foundation.py --frozen dist/SmartCityDesktop

Prints one line per figure with its target, and exits 1 if a target is missed. Works in a fresh
temporary data folder that it removes at the end (``--keep`` leaves it for profiling).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PASSPHRASE = "benchmark-rahasia-2026"
OFFICE = "32.16.01.2001"
COUNTS = {"problem": 20_000, "potential": 10_000, "proposal": 20_000}
QUERIES = ["banjir", "air bersih", "sampah", "jalan rusak", "umkm", "banjir rob tambak", "posyandu"]
RUNS = 5


def cli_command(frozen: Path | None) -> list[str]:
    if frozen is not None:
        return [str(frozen / ("smartcity.exe" if sys.platform == "win32" else "smartcity"))]
    installed = shutil.which("smartcity")
    return [installed] if installed else [sys.executable, "-m", "smartcity_desktop.cli.main"]


class Bench:
    def __init__(self, cli: list[str], data: Path) -> None:
        self.cli = cli
        self.env = {
            **os.environ,
            "SMARTCITY_DATA_DIR": str(data),
            "SMARTCITY_PASSPHRASE": PASSPHRASE,
        }
        self.missed: list[str] = []

    def run(self, *args: str) -> tuple[float, str]:
        start = time.perf_counter()
        result = subprocess.run(
            [*self.cli, *args],
            env=self.env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"smartcity {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return elapsed, result.stdout

    def report(self, name: str, seconds: float, target: float, detail: str = "") -> None:
        ok = seconds <= target
        if not ok:
            self.missed.append(name)
        print(
            f"{name:<52} {format_time(seconds):>10}  target <= {format_time(target):<8} "
            f"{'ok' if ok else 'MISSED'}  {detail}",
            flush=True,
        )


def format_time(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def bench_search(data: Path, bench: Bench) -> None:
    """In-process: what a keystroke in the search box costs once the office is open."""
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.records import ListFilter, RecordService
    from smartcity_desktop.storage.paths import DataPaths

    ctx = open_context(DataPaths(data))
    try:
        service = RecordService(ctx)
        service.search("pemanasan")  # warm the page cache once, as a running app would be
        per_query: list[float] = []
        table: list[float] = []
        hits: dict[str, int] = {}
        for query in QUERIES:
            per_query += timed(lambda q=query: service.search(q), RUNS)
            hits[query] = len(service.search(query))
            for kind in RecordKind:
                flt = ListFilter(search=query)
                table += timed(
                    lambda k=kind, f=flt: service.table_rows(k, ["title", "status"], f), RUNS
                )
    finally:
        ctx.close()
    detail = ", ".join(f"{q}: {n}" for q, n in hits.items())
    bench.report("search: RecordService.search, median", statistics.median(per_query), 0.05, detail)
    bench.report("search: RecordService.search, max", max(per_query), 0.05)
    bench.report("search: table_rows with a search filter, median", statistics.median(table), 0.05)
    bench.report("search: table_rows with a search filter, max", max(table), 0.05)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, help="folder of a PyInstaller build to time instead")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and print it")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="smartcity-bench-"))
    data = tmp / "data"
    bench = Bench(cli_command(args.frozen), data)
    print(f"command: {' '.join(bench.cli)}\ndata folder: {data}\n", flush=True)
    try:
        bench.run("init", "--role", "desa", "--office", OFFICE, "--operator", "Benchmark")
        seconds, _ = bench.run(
            "sample-data",
            "--problems", str(COUNTS["problem"]),
            "--potentials", str(COUNTS["potential"]),
            "--proposals", str(COUNTS["proposal"]),
        )  # fmt: skip
        bench.report("sample-data 20,000 + 10,000 + 20,000 (no photos)", seconds, 10.0)

        times, outputs = [], []
        for _ in range(RUNS):
            seconds, out = bench.run("stats", "--json")
            times.append(seconds)
            outputs.append(out)
        records = json.loads(outputs[-1])["records"]
        if records != COUNTS:
            sys.exit(f"stats reports {records}, expected {COUNTS}")
        bench.report("stats --json on 50,000 records, median of 5", statistics.median(times), 1.0)

        times = [bench.run("--version")[0] for _ in range(RUNS)]
        bench.report("--version, median of 5", statistics.median(times), 0.5)

        bench_search(data, bench)
        size = (data / "smartcity.sqlite").stat().st_size
        print(f"\ndatabase size: {size / 1e6:.1f} MB")
    finally:
        if args.keep:
            print(f"kept: {data}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if bench.missed:
        print("missed: " + ", ".join(bench.missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
