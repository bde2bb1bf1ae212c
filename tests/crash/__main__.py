"""``python3 -m tests.crash [--trials N] [--only export,import] [--seed S] [--keep]``.

Prints the trials per operation and every invariant's result; exits 1 if any invariant broke.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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
    remember_key_derivations()
    reports = []
    work_root = args.work_dir or default_work_root()
    work_root_name = work_root or "the temporary folder"
    with work_folder(args.keep, work_root) as work:
        shared = work / "shared"
        prepare_shared(shared)
        for operation in chosen:
            trials = max(4, round(args.trials * operation.share))
            report = run_operation(operation, trials, work, shared, seed, args.jobs)
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
        f"({args.jobs} at a time, in {work_root_name}); {_cpu_seconds():.0f}s of CPU time"
    )
    return 0 if all(r.ok for r in reports) else 1


def remember_key_derivations() -> None:
    """Every trial unlocks a key that was sealed in this process while preparing (same passphrase,
    same salt), and scrypt at N=2^17 costs about 0.4 s of CPU that writes nothing. scrypt is a
    pure function, so its results are remembered here, before any trial is forked: the children
    still seal and unlock for real with production's parameters, and the kills land in the part of
    an operation that writes. Production code is not changed or configured by this."""
    import functools

    from smartcity_desktop.crypto import keys

    keys._derive = functools.lru_cache(maxsize=64)(keys._derive)  # type: ignore[method-assign]


def _cpu_seconds() -> float:
    """User and system time of the harness and every trial: on a busy machine the wall time says
    more about the other load than about the harness, this figure does not."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
