"""``python3 -m tests.crash [--trials N] [--only export,import] [--seed S] [--keep]``.

Prints the trials per operation and every invariant's result; exits 1 if any invariant broke.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from tests.crash.harness import default_work_root, print_report, run_operation, work_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.crash")
    parser.add_argument("--trials", type=int, default=100, help="kill trials per operation")
    parser.add_argument("--only", default="", help="comma-separated operation names")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the trial folders")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--work-dir", type=Path, default=None, help="default: /dev/shm when it has room"
    )
    args = parser.parse_args(argv)
    if os.name != "posix":
        print("the crash harness needs fork and SIGKILL (POSIX)", file=sys.stderr)
        return 2
    os.environ["SMARTCITY_PASSPHRASE"] = "rahasia-desa-2026"
    os.environ["SMARTCITY_LANG"] = "id"
    os.environ.pop("SMARTCITY_DATA_DIR", None)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)

    from tests.crash.operations import OPERATIONS, preload, prepare_shared

    chosen = [op for op in OPERATIONS if not args.only or op.name in args.only.split(",")]
    started = time.monotonic()
    preload()
    reports = []
    work_root = args.work_dir or default_work_root()
    work_root_name = work_root or "the temporary folder"
    with work_folder(args.keep, work_root) as work:
        shared = work / "shared"
        prepare_shared(shared)
        for operation in chosen:
            report = run_operation(operation, args.trials, work, shared, seed, args.jobs)
            print(
                f"{operation.name}: {report.trials} kill trials in {report.seconds:.1f}s "
                f"({report.killed} killed mid-run)",
                flush=True,
            )
            reports.append(report)
        print_report(reports)
    total = time.monotonic() - started
    print(
        f"\nseed {seed}; {sum(r.trials for r in reports)} kill trials in {total:.1f}s "
        f"({args.jobs} at a time, in {work_root_name})"
    )
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
