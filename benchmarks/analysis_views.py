"""Every registered analysis view on a kabupaten of 200,000 records.

    python3 benchmarks/analysis_views.py                          # set up, measure, clean up
    python3 benchmarks/analysis_views.py --workdir /tmp/bav       # keep the office
    python3 benchmarks/analysis_views.py --workdir /tmp/bav --reuse [--skip-commands]

Setup: a kabupaten office (32.16) and, written straight into its database as received certified
rows, the sample-data records (``services.sample_data.SampleGenerator``: its texts, validation,
costs, dates and proposal links) of every desa and kelurahan of Kabupaten Bekasi from the bundled
region list: 2 problems : 1 potential : 2 proposals, --records in all (200,000: 80,000 problems,
40,000 potentials, 80,000 proposals; about 1,070 records a village), entered over a year.

Measured:

1. in-process, for each view in ``services.analysis.VIEWS``: ``compute`` with no filter, one
   kecamatan, one dimension and a period (a filter change in the desktop), median of --runs.
   Target 300 ms (issue 8). Isu strategis also prints its first computation (every problem's key
   words computed once per process; the desktop does this off the GUI thread).
2. ``smartcity analysis VIEW --json`` for each view as a new process (what a user or a script
   runs): wall and CPU time, peak resident memory (target 500 MB), size of the JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.domain.validation import normalise
from smartcity_desktop.services import stored_words
from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.services.sample_data import SampleGenerator
from smartcity_desktop.storage.models import (
    RECORD_MODELS,
    ProposalLink,
    bulk_insert_raw,
    table_of,
)
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.search_index import insert_indexed

KABUPATEN = "32.16"
PASSPHRASE = "benchmark-sandi-2026"
VIEW_TARGET, MEMORY_TARGET = 0.300, 500 * 1024 * 1024
SHARES = {"problem": 2, "potential": 1, "proposal": 2}


def villages() -> list[str]:
    return sorted(
        r.code
        for r in bundled_regions()
        if r.level == "desa_kelurahan" and r.code.startswith(KABUPATEN + ".")
    )


def _row(
    kind: RecordKind, gen: SampleGenerator, desa: str, values: dict[str, Any], at: dt.datetime
) -> dict[str, Any]:
    values = normalise(kind, values)
    rid = gen.uuid()
    row: dict[str, Any] = {
        "id": rid,
        "office_code": desa,
        "revision": 1,
        "status": "final",
        "deleted": False,
        "created_at": at,
        "updated_at": at,
        "author": "Operator Desa",
        "sent_revision": None,
        "trust_level": "certified",
        "content_hash": content_hash(kind.value, rid, desa, 1, "final", False, values),
    }
    for spec in FIELDS[kind]:
        if spec.type is FieldType.LINKS:
            continue
        value = values[spec.name]
        row[spec.name] = ",".join(value) if spec.type is FieldType.MULTICHOICE else value
    row["_values"] = values
    return row


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
    counts = dict.fromkeys(SHARES, 0)
    first = dt.datetime(2026, 1, 5, 8, 0)
    try:
        with ctx.db.transaction() as session:
            connection = session.connection()
            for n, desa in enumerate(codes):
                village_total = total // len(codes) + (1 if n < total % len(codes) else 0)
                share = sum(SHARES.values())
                sizes = {k: village_total * s // share for k, s in SHARES.items()}
                sizes["problem"] += village_total - sum(sizes.values())
                gen = SampleGenerator(1000 + n, desa)

                def at(i: int) -> dt.datetime:
                    return first + dt.timedelta(hours=(i * 7919) % (360 * 24))

                problems = [
                    _row(RecordKind.PROBLEM, gen, desa, gen.problem(), at(i))
                    for i in range(sizes["problem"])
                ]
                potentials = [
                    _row(RecordKind.POTENTIAL, gen, desa, gen.potential(), at(i))
                    for i in range(sizes["potential"])
                ]
                problem_ids = [r["id"] for r in problems]
                potential_ids = [r["id"] for r in potentials]
                proposals = [
                    _row(
                        RecordKind.PROPOSAL,
                        gen,
                        desa,
                        gen.proposal(problem_ids, potential_ids),
                        at(i),
                    )
                    for i in range(sizes["proposal"])
                ]
                links = [
                    {"proposal_id": p["id"], "target_kind": kind, "target_id": target}
                    for p in proposals
                    for field, kind in (("problem_ids", "problem"), ("potential_ids", "potential"))
                    for target in p["_values"][field]
                ]
                for kind, rows in (
                    ("problem", problems),
                    ("potential", potentials),
                    ("proposal", proposals),
                ):
                    for r in rows:
                        r.pop("_values")
                    insert_indexed(connection, table_of(RECORD_MODELS[kind]), rows)
                    # As the import path does: the records' key words are stored with them, so
                    # that no first computation pays for splitting 80,000 texts once per office.
                    stored_words.store_for(connection, kind, rows)
                    counts[kind] += len(rows)
                bulk_insert_raw(connection, table_of(ProposalLink), links)
    finally:
        ctx.close()
    print(
        f"setup: {sum(counts.values())} records ({counts}) of {len(codes)} villages in "
        f"{time.perf_counter() - started:.1f} s"
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
    if not line or done.returncode != 0:
        raise SystemExit(f"smartcity {' '.join(args)} failed:\n{done.stderr}")
    fields = line[-1].split()
    return wall, int(fields[1]) * 1024, len(done.stdout), float(fields[2])


def ok(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def in_process(paths: DataPaths, runs: int) -> bool:
    missed = False
    ctx = open_context(paths)
    try:
        kecamatan = sorted({code.rsplit(".", 1)[0] for code in villages()})
        filters = [
            ("no filter", AnalysisFilter()),
            ("kecamatan " + kecamatan[0], AnalysisFilter(kecamatan=kecamatan[0])),
            ("dimension living", AnalysisFilter(dimension="living")),
            (
                "period 2026-03..2026-06",
                AnalysisFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 30)),
            ),
        ]
        for name, spec in VIEWS.items():
            t, c = time.perf_counter(), time.process_time()
            spec.compute(ctx, AnalysisFilter())
            print(
                f"   {name}: first computation {(time.perf_counter() - t) * 1000:.0f} ms wall, "
                f"{(time.process_time() - c) * 1000:.0f} ms CPU"
            )
            for label, flt in filters:
                times, cpu = [], []
                for _r in range(runs):
                    t, c = time.perf_counter(), time.process_time()
                    spec.compute(ctx, flt)
                    times.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)
                median = statistics.median(times)
                missed |= median > VIEW_TARGET
                print(
                    f"      {label}: {median * 1000:.0f} ms wall ({statistics.median(cpu) * 1000:.0f}"
                    f" ms CPU), median of {runs} (target {VIEW_TARGET * 1000:.0f} ms) "
                    f"{ok(median, VIEW_TARGET)}"
                )
        print(
            f"   process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        ctx.close()
    return missed


def commands(paths: DataPaths, runs: int) -> bool:
    missed = False
    for name in VIEWS:
        results = [cli(paths, "analysis", name, "--json") for _r in range(runs)]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[3] for r in results)
        rss = max(r[1] for r in results)
        missed |= rss > MEMORY_TARGET
        print(
            f"   smartcity analysis {name} --json: {wall:.2f} s wall, {cpu:.2f} s CPU, median of "
            f"{runs}; peak RSS {rss / 2**20:.0f} MB (target {MEMORY_TARGET / 2**20:.0f} MB) "
            f"{ok(rss, MEMORY_TARGET)}; {results[0][2] / 1024:.0f} kB of JSON"
        )
    base = [cli(paths, "stats") for _r in range(runs)]
    print(
        f"   start-up baseline, smartcity stats: {statistics.median(b[0] for b in base):.2f} s "
        f"wall, {statistics.median(b[3] for b in base):.2f} s CPU"
    )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=1, help="runs of each command")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-commands", action="store_true", help="in-process figures only")
    parser.add_argument("--commands-only", action="store_true", help="the commands only")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-analysis-views-"))
    missed = False
    try:
        paths = setup(work, args.records, args.reuse)
        if not args.commands_only:
            print("\n1. in-process: each view after a filter change")
            missed |= in_process(paths, args.runs)
        if not args.skip_commands:
            print("\n2. smartcity analysis VIEW --json as new processes")
            missed |= commands(paths, args.cli_runs)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
