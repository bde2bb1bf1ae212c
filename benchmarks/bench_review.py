"""Kecamatan review: queue steps and bulk review on a village with thousands of records.

    python3 benchmarks/bench_review.py                       # 8,000 records, keeps nothing
    python3 benchmarks/bench_review.py --workdir /tmp/br     # keep the offices for profiling
    python3 benchmarks/bench_review.py --workdir /tmp/br --reuse

Setup (in-process, through the services): a desa (32.16.01.2001) with --problems, --potentials and
--proposals sample records (default 3,000 / 2,000 / 3,000), exported as one signed bundle and
imported by its kecamatan (32.16.01), which pinned the desa's key. Then, at the kecamatan:

1. Queue step (target <= 50 ms): ``queue_step`` to the next record from --steps random positions,
   with no filter, "not yet reviewed" (after a third of the records were reviewed, spread over the
   order, so a step skips reviewed ones), "changed since review" (nothing changed: the step scans
   to the end, the worst case) and one state. Median and max per filter.
2. Bulk review of 1,000 records in one transaction (target <= 1 s): ``review_records`` in-process,
   median of --runs (each run gives another state, so every run writes 1,000 reviews), and the
   command a user runs, ``smartcity review set ID... --state ... --reason ...`` with 1,000 ids, as
   a new process: wall time and peak resident memory.
3. For context: ``smartcity completeness --json`` at the kecamatan, whole process.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import Decision, QueueFilter, queue_step, review_records
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths

DESA, KECAMATAN = "32.16.01.2001", "32.16.01"
PASSPHRASE = "benchmark-sandi-2026"
STEP_TARGET, BULK_TARGET = 0.050, 1.0
STATES = [
    Decision("perlu_perbaikan", reason="foto_belum_ada"),
    Decision("ditolak", reason="sudah_ada_program"),
    Decision("diterima"),
]


def setup(work: Path, args: argparse.Namespace) -> DataPaths:
    kec_paths = DataPaths(work / "kecamatan")
    if args.reuse and kec_paths.database.exists():
        return kec_paths
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    desa_paths = DataPaths(work / "desa")
    for paths, role, code in ((desa_paths, "desa", DESA), (kec_paths, "kecamatan", KECAMATAN)):
        init_office(paths, role=role, office_code=code, operator="Operator", passphrase=PASSPHRASE)
    desa, kec = open_context(desa_paths), open_context(kec_paths)
    try:
        started = time.perf_counter()
        generate(desa, SampleRequest(args.problems, args.potentials, args.proposals, 0, seed=3))
        result = export_bundle(desa, PASSPHRASE, work / "desa.scb")
        trust.pin_office(kec, DESA, office_fingerprint(desa))
        [report] = import_files(kec, list(result.paths))
        assert report.status == "imported", report.findings
        print(
            f"setup: {args.problems + args.potentials + args.proposals} records sent and "
            f"imported in {time.perf_counter() - started:.1f} s"
        )
    finally:
        desa.close()
        kec.close()
    return kec_paths


def all_ids(ctx: AppContext) -> list[str]:
    service = RecordService(ctx)
    return [r[0] for kind in RecordKind for r in service.table_rows(kind, [], ListFilter())]


def report(label: str, seconds: list[float], target: float) -> bool:
    median, worst = statistics.median(seconds), max(seconds)
    ok = median <= target
    print(
        f"{label:<52} median {median * 1000:8.1f} ms  max {worst * 1000:8.1f} ms  "
        f"target {target * 1000:.0f} ms  {'ok' if ok else 'MISSED'}"
    )
    return ok


def bench_queue(ctx: AppContext, ids: list[str], steps: int) -> bool:
    rng = random.Random(5)
    # a third reviewed, spread over the whole order
    review_records(ctx, ids[::3], Decision("diterima"))
    ok = True
    filters = {
        "queue step, no filter": QueueFilter(),
        "queue step, not yet reviewed": QueueFilter(unreviewed=True),
        "queue step, changed since review (none: worst case)": QueueFilter(changed=True),
        "queue step, state diterima": QueueFilter(state="diterima"),
    }
    for label, flt in filters.items():
        times = []
        for _ in range(steps):
            current = rng.choice(ids)
            started = time.perf_counter()
            queue_step(ctx, DESA, current, flt)
            times.append(time.perf_counter() - started)
        ok &= report(label, times, STEP_TARGET)
    return ok


def bench_bulk(ctx: AppContext, ids: list[str], runs: int) -> bool:
    chosen = ids[1::3][:1000]
    times = []
    for run in range(runs):
        started = time.perf_counter()
        change = review_records(ctx, chosen, STATES[run % len(STATES)])
        times.append(time.perf_counter() - started)
        assert change.details["changed"] == len(chosen), change.details
    return report(f"bulk review of {len(chosen)} records, in-process", times, BULK_TARGET)


# A small launcher measures the command: a child's ru_maxrss read from this (large) benchmark
# process would include the RSS copied at fork time.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - started
print(os.waitstatus_to_exitcode(status), elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def run_cli(paths: DataPaths, *args: str) -> tuple[float, int, float]:
    """Wall time, peak RSS (KiB) and CPU seconds of one ``smartcity`` process."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    command = [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(paths.root)]
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if out[0] != "0":
        raise SystemExit(f"smartcity {' '.join(args[:3])} failed")
    return float(out[1]), int(out[2]), float(out[3])


def bench_cli(paths: DataPaths, ids: list[str], runs: int) -> bool:
    chosen = ids[2::3][:1000]
    times, cpu, peak = [], [], 0
    for run in range(runs):
        state = STATES[run % len(STATES)]
        extra = ["--reason", state.reason] if state.reason else []
        elapsed, rss, seconds = run_cli(
            paths, "review", "set", *chosen, "--state", state.state, *extra
        )
        times.append(elapsed)
        cpu.append(seconds)
        peak = max(peak, rss)
    ok = report(f"smartcity review set ({len(chosen)} ids), whole process", times, BULK_TARGET)
    print(f"{'  CPU time (user + system)':<52} median {statistics.median(cpu) * 1000:8.1f} ms")
    print(f"{'  peak resident memory':<52} {peak / 1024:8.1f} MB")
    # Context: the same process start and office opening with almost no work, and completeness.
    for label, command in (
        ("smartcity stats (start-up baseline)", ["stats"]),
        ("smartcity completeness --json", ["completeness", "--json"]),
    ):
        figures = [run_cli(paths, *command) for _ in range(runs)]
        print(
            f"{label:<52} median {statistics.median(f[0] for f in figures) * 1000:8.1f} ms  "
            f"CPU {statistics.median(f[2] for f in figures) * 1000:8.1f} ms"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--problems", type=int, default=3000)
    parser.add_argument("--potentials", type=int, default=2000)
    parser.add_argument("--proposals", type=int, default=3000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    temporary = args.workdir is None
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-review-")) / "w"
    try:
        paths = setup(work, args)
        ctx = open_context(paths)
        try:
            ids = all_ids(ctx)
            print(f"kecamatan holds {len(ids)} village records")
            ok = bench_queue(ctx, ids, args.steps)
            ok &= bench_bulk(ctx, ids, args.runs)
        finally:
            ctx.close()
        ok &= bench_cli(paths, ids, args.runs)
    finally:
        if temporary:
            shutil.rmtree(work.parent, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
