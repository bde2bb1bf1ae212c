"""Backups and restore on an office with 50,000 records: what they add to the user's commands.

    python3 benchmarks/bench_backups.py [--runs 3] [--keep]

Figures (median of --runs, whole `smartcity` processes unless marked in-process):
- `smartcity backup` (integrity check + online backup);
- the automatic backup before an import, in-process (paid once per import command, whatever the
  number of bundles);
- the page check before the first write of a process, in-process (`Database.ensure_writable`);
- `smartcity sample-data --problems 1`, which now includes that check;
- `smartcity restore BACKUP --yes` (check of the backup, copy, fsync, check of the copy, swap).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "rahasia-bench-01"
TARGETS = {  # seconds
    "smartcity backup": 5.0,
    "backup before an import (in-process)": 2.0,
    "page check before the first write (in-process)": 1.0,
    "smartcity sample-data --problems 1": 3.0,
    "smartcity restore --yes": 10.0,
}


def cli(data: Path, *args: str) -> float:
    env = {**os.environ, "SMARTCITY_PASSPHRASE": PASSPHRASE}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(data), *args],
        check=True,
        env=env,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="smartcity-bench-backups-"))
    data = work / "data"
    try:
        cli(data, "init", "--role", "desa", "--office", "32.16.01.2001", "--operator", "Bench")
        cli(
            data,
            "sample-data",
            "--problems",
            "20000",
            "--potentials",
            "10000",
            "--proposals",
            "20000",
        )
        size = (data / "smartcity.sqlite").stat().st_size
        print(f"database: {size / 1e6:.0f} MB, 50,000 records")
        figures: dict[str, list[float]] = {name: [] for name in TARGETS}

        from smartcity_desktop.services.backups import back_up_before_import, backup_entries
        from smartcity_desktop.services.context import open_context
        from smartcity_desktop.storage.paths import DataPaths

        for run in range(args.runs):
            figures["smartcity backup"].append(cli(data, "backup"))
            ctx = open_context(DataPaths(data))
            try:
                started = time.perf_counter()
                back_up_before_import(ctx)
                figures["backup before an import (in-process)"].append(
                    time.perf_counter() - started
                )
            finally:
                ctx.close()
            ctx = open_context(DataPaths(data))
            try:
                started = time.perf_counter()
                ctx.db.ensure_writable()
                figures["page check before the first write (in-process)"].append(
                    time.perf_counter() - started
                )
            finally:
                ctx.close()
            figures["smartcity sample-data --problems 1"].append(
                cli(
                    data,
                    "sample-data",
                    "--problems",
                    "1",
                    "--potentials",
                    "0",
                    "--proposals",
                    "0",
                    "--seed",
                    str(100 + run),
                )
            )
            backup = backup_entries(DataPaths(data).backups)[0].path
            figures["smartcity restore --yes"].append(cli(data, "restore", str(backup), "--yes"))
        missed = False
        for name, values in figures.items():
            median = statistics.median(values)
            ok = median <= TARGETS[name]
            missed |= not ok
            print(
                f"{name}: median {median:.2f} s (max {max(values):.2f} s), "
                f"target {TARGETS[name]:.1f} s: {'ok' if ok else 'MISSED'}"
            )
        return 1 if missed else 0
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
