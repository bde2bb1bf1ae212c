"""Isu strategis decisions over 200,000 records: a merge, a split and their undo, each followed
by the view's refresh, as an analyst does on the Isu strategis page.

    python3 benchmarks/isu_decisions.py --workdir /tmp/bav [--database-url URL] [--rounds 2]
        [--profile]

Setup: the kabupaten office of ``analysis_views.py`` (``analysis_first.py --workdir W`` makes it;
with --database-url the office reads that server database, the password in PGPASSWORD). The
office gains decisions and their tombstones: use a copy.

A first new process computes the view once (so the clusters are in the kept file, as after the
view was shown before). A second new process then computes the view (read from the file), and
does --rounds rounds of: merge two clusters, view; split one record out of the merged cluster,
view; undo the split, view; undo the merge, view. Printed per step: the decision's own call (the
key check and the row saved) and the view's refresh after it (``compute`` with no filter and with
one kecamatan), wall ms (CPU ms). The target is 500 ms wall for the refresh (issue 11), the
first decision of the process included. --profile prints the costliest functions of each merge
and of the refresh after it (to stderr).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import cProfile, os, pstats, sys, time
from pathlib import Path
from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.similarity import (
    merge_issues, split_issue, withdraw_issue_decision,
)
from smartcity_desktop.storage.paths import DataPaths

root, mode, rounds, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
ctx = open_context(DataPaths(Path(root)))
spec = VIEWS["isu-strategis"]


def timed(call):
    t, c = time.perf_counter(), time.process_time()
    out = call()
    return out, (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000


def refresh(step, decision_ms, profiler=None):
    if profiler is not None:
        profiler.enable()
    found, wall, cpu = timed(lambda: spec.compute(ctx, AnalysisFilter()))
    if profiler is not None:
        profiler.disable()
    kec = sorted({c for r in found.extra["clusters"] for c in r["kecamatan"]})[0]
    _, wall2, cpu2 = timed(lambda: spec.compute(ctx, AnalysisFilter(kecamatan=kec)))
    load = os.getloadavg()[0]
    print(
        f"{step:<24} {decision_ms[0]:7.0f} ({decision_ms[1]:4.0f}) "
        f"{wall:7.0f} ({cpu:4.0f}) {wall2:7.0f} ({cpu2:4.0f})  load {load:.1f}",
        flush=True,
    )
    return found


try:
    if mode == "show":
        _, wall, cpu = timed(lambda: spec.compute(ctx, AnalysisFilter()))
        print(f"view shown (kept file made or read): {wall:.0f} ms ({cpu:.0f})", flush=True)
    else:
        print(f"{'step':<24} {'decision':>14} {'view after':>14} {'kecamatan':>14}")
        found = refresh("view (kept file)", (0, 0))
        for n in range(rounds):
            clusters = found.extra["clusters"]
            auto = [c for c in clusters if c["origin"] == "auto"]
            keys = [auto[2 * n]["key"], auto[2 * n + 1]["key"]]
            profiler = cProfile.Profile() if profile else None
            if profiler is not None:
                profiler.enable()
            merged, wall, cpu = timed(lambda: merge_issues(ctx, keys, f"Gabungan {n}"))
            if profiler is not None:
                profiler.disable()
                print(f"--- merge {n + 1}: the decision", file=sys.stderr)
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
                profiler = cProfile.Profile()
            found = refresh(f"merge {n + 1}", (wall, cpu), profiler)
            if profiler is not None:
                print(f"--- merge {n + 1}: the view after it", file=sys.stderr)
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
            key = f"merge:{merged.ids[0]}"
            record = next(c for c in found.extra["clusters"] if c["key"] == key)["record_ids"][0]
            split, wall, cpu = timed(lambda: split_issue(ctx, key, [record], f"Pisah {n}"))
            found = refresh(f"split {n + 1}", (wall, cpu))
            _, wall, cpu = timed(lambda: withdraw_issue_decision(ctx, split.ids[0]))
            found = refresh(f"undo split {n + 1}", (wall, cpu))
            _, wall, cpu = timed(lambda: withdraw_issue_decision(ctx, merged.ids[0]))
            found = refresh(f"undo merge {n + 1}", (wall, cpu))
finally:
    ctx.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    root = args.workdir / "kabupaten"
    env = dict(os.environ)
    if args.database_url:
        env["SMARTCITY_DATABASE_URL"] = args.database_url
    print(f"office {root}, database {args.database_url or 'SQLite'}", flush=True)
    for mode in ("show", "decide"):
        subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(root),
                mode,
                str(args.rounds),
                str(int(args.profile)),
            ],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
