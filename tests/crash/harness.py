"""The crash harness: kill real operations with SIGKILL at random moments and check what is left.

Each operation in ``operations.OPERATIONS`` is one entry: how to prepare a small real office once,
the CLI command to run, and the invariants to check afterwards. For every trial the prepared folder
is copied, the command runs in a forked child process (the parent has already imported the app, so
a trial costs the operation itself and not Python's start-up), and the parent kills the child
with SIGKILL after a delay drawn from the operation's real duration, measured first on uncut runs.
The delays are stratified over that duration, so every phase of the operation gets its share of
kills. Then the invariants are checked on what the kill left, as the next start would find it.

Run: ``python3 -m tests.crash --trials 100`` (CI runs it; see .ci/run). POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import select
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

# Invariant names, in the order the report shows them.
INTEGRITY = "integrity"
ALL_OR_NOTHING = "all or nothing"
NO_REUSED_NUMBER = "no reused number"
SENT_ONLY_IF_DELIVERED = "sent only if in a complete bundle"
FINAL_NAMES_VERIFY = "final names verify"
NEXT_START = "next start works"
INVARIANTS = (
    INTEGRITY,
    ALL_OR_NOTHING,
    NO_REUSED_NUMBER,
    SENT_ONLY_IF_DELIVERED,
    FINAL_NAMES_VERIFY,
    NEXT_START,
)


@dataclass(frozen=True)
class Trial:
    folder: Path  # a fresh copy of the operation's prepared folder
    index: int
    shared: Path  # read-only material shared by all trials (receivers, expectations)


# An invariant's verdict: None when it held, else what was found.
Verdicts = dict[str, str | None]


@dataclass(frozen=True)
class Operation:
    """One entry of the table. ``prepare`` fills an empty folder once per run (it may use the
    shared folder); ``command`` gives the CLI arguments of trial n; ``check`` inspects what a trial
    left and returns a verdict for each invariant that applies to this operation."""

    name: str
    prepare: Callable[[Path, Path], None]  # (prepared folder, shared folder)
    command: Callable[[Trial], list[str]]
    check: Callable[[Trial], Verdicts]
    # Its trials as a share of ``--trials`` (at least 4): the chain operations repeat the write
    # paths of export and import, with their own all-or-nothing, in a fraction of the time.
    share: float = 1.0


@dataclass
class OperationReport:
    name: str
    durations: list[float] = field(default_factory=list)  # uncut runs, seconds
    trials: int = 0
    killed: int = 0  # the child was still running when the kill came
    held: dict[str, int] = field(default_factory=dict)
    broken: dict[str, list[str]] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # copy / run / check, summed seconds
    seconds: float = 0.0

    @property
    def duration(self) -> float:
        return statistics.median(self.durations) if self.durations else 0.0

    def record(self, trial: Trial, verdicts: Verdicts) -> None:
        for name, problem in verdicts.items():
            if problem is None:
                self.held[name] = self.held.get(name, 0) + 1
            else:
                self.broken.setdefault(name, []).append(f"trial {trial.index}: {problem}")

    def timed(self, phase: str, seconds: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds

    def merge(self, other: OperationReport) -> None:
        self.durations += other.durations
        self.trials += other.trials
        self.killed += other.killed
        for name, n in other.held.items():
            self.held[name] = self.held.get(name, 0) + n
        for name, problems in other.broken.items():
            self.broken.setdefault(name, []).extend(problems)
        for phase, seconds in other.phases.items():
            self.timed(phase, seconds)

    @property
    def ok(self) -> bool:
        return not self.broken


def run_operation(
    operation: Operation, trials: int, work: Path, shared: Path, seed: int, jobs: int = 1
) -> OperationReport:
    """Prepare once, then run the trials in ``jobs`` forked workers (each forks its trials)."""
    report = OperationReport(operation.name)
    started = time.monotonic()
    prepared = work / f"{operation.name}-prepared"
    prepared.mkdir()
    operation.prepare(prepared, shared)
    shares = [list(range(w, trials, jobs)) for w in range(jobs)]
    if jobs == 1:
        report.merge(_worker(operation, prepared, work, shared, shares[0], trials, seed, 1))
    else:
        workers = []
        for w, indices in enumerate(shares):
            result = work / f"{operation.name}-worker-{w}.pickle"
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    part = _worker(
                        operation, prepared, work, shared, indices, trials, seed + w, jobs
                    )
                    result.write_bytes(pickle.dumps(part))
                    code = 0
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            workers.append((pid, result))
        for pid, result in workers:
            _pid, status = os.waitpid(pid, 0)
            if status != 0 or not result.exists():
                raise RuntimeError(f"{operation.name}: a worker failed (status {status})")
            report.merge(pickle.loads(result.read_bytes()))
    report.seconds = time.monotonic() - started
    return report


def _worker(
    operation: Operation,
    prepared: Path,
    work: Path,
    shared: Path,
    indices: list[int],
    total: int,
    seed: int,
    step: int,
) -> OperationReport:
    report = OperationReport(operation.name)
    rng = random.Random(f"{seed}-{operation.name}")
    # Measured in this worker, under the same load as its trials.
    for n in range(2):
        trial = _copy_trial(prepared, work / f"{operation.name}-uncut-{indices[0]}-{n}", -1, shared)
        elapsed, _killed, code = _run_child(operation.command(trial), trial.folder, None)
        if code != 0:
            log = (trial.folder / "child.log").read_text(errors="replace")
            raise RuntimeError(f"{operation.name}: the uncut run failed ({code}):\n{log}")
        report.record(trial, operation.check(trial))
        report.durations.append(elapsed)
        shutil.rmtree(trial.folder)

    # Stratified delays: trial i is killed somewhere in the i-th slice of the measured duration
    # (a little past the end too, where the kill may find the operation already finished).
    span = report.duration * 1.05
    for i in indices:
        _trial(operation, prepared, work, shared, i, span * (i + rng.random()) / total, report)
    # Runs vary under load, and a kill that came after the end proves little: top up with kills
    # inside the shorter part of the span until this worker's share of kills landed mid-run.
    extra = total + indices[0]  # distinct from the other workers' trial numbers
    while report.killed < len(indices) and extra < 3 * total:
        _trial(operation, prepared, work, shared, extra, rng.uniform(0, 0.8) * span, report)
        extra += step
    return report


def _trial(
    operation: Operation,
    prepared: Path,
    work: Path,
    shared: Path,
    index: int,
    delay: float,
    report: OperationReport,
) -> None:
    clock = time.monotonic()
    trial = _copy_trial(prepared, work / f"{operation.name}-{index}", index, shared)
    report.timed("copy", time.monotonic() - clock)
    elapsed, killed, _code = _run_child(operation.command(trial), trial.folder, delay)
    report.timed("run", elapsed)
    report.trials += 1
    report.killed += killed
    clock = time.monotonic()
    try:
        verdicts = operation.check(trial)
    except Exception:
        verdicts = {"check crashed": traceback.format_exc(limit=5)}
    report.timed("check", time.monotonic() - clock)
    report.record(trial, verdicts)
    if not any(v is not None for v in verdicts.values()):
        shutil.rmtree(trial.folder, ignore_errors=True)


def _copy_trial(prepared: Path, folder: Path, index: int, shared: Path) -> Trial:
    shutil.copytree(prepared, folder, symlinks=True)
    return Trial(folder, index, shared)


def _run_child(argv: list[str], folder: Path, kill_after: float | None) -> tuple[float, bool, int]:
    """Run the CLI with ``argv`` in a forked child; kill it after ``kill_after`` seconds if it is
    still running. Returns (seconds, whether it was killed, exit code or -9)."""
    sys.stdout.flush()
    sys.stderr.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(argv, folder / "child.log")
    killed = False
    if kill_after is not None and not _wait_for_exit(pid, kill_after):
        os.kill(pid, signal.SIGKILL)
        killed = True
    _pid, status = os.waitpid(pid, 0)
    elapsed = time.monotonic() - started
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return elapsed, killed and code == -signal.SIGKILL, code


def _wait_for_exit(pid: int, timeout: float) -> bool:
    """Whether the child ended within ``timeout`` seconds (it is not reaped here)."""
    if hasattr(os, "pidfd_open"):
        fd = os.pidfd_open(pid)
        try:
            readable, _w, _x = select.select([fd], [], [], timeout)
            return bool(readable)
        finally:
            os.close(fd)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.001)
    return False


def _child(argv: list[str], log: Path) -> NoReturn:
    code = 70
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        from smartcity_desktop.cli.main import main

        code = main(argv)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def print_report(reports: Sequence[OperationReport], out: object = None) -> None:
    write = print if out is None else (lambda text: print(text, file=out))  # type: ignore[arg-type]
    names = [n for n in INVARIANTS if any(n in r.held or n in r.broken for r in reports)]
    extra = sorted({n for r in reports for n in r.broken if n not in INVARIANTS})
    write("")
    write("Crash harness: SIGKILL at a random moment of each operation, then the invariants.")
    write(
        f"{'operation':<10} {'trials':>6} {'killed mid-run':>14} {'op time':>8} {'harness':>8}"
        "   (summed: copy / run / check)"
    )
    for r in reports:
        phases = " / ".join(f"{r.phases.get(p, 0.0):.0f}s" for p in ("copy", "run", "check"))
        write(
            f"{r.name:<10} {r.trials:>6} {r.killed:>14} {r.duration * 1000:>6.0f}ms"
            f" {r.seconds:>7.1f}s   ({phases})"
        )
    write("")
    write("Invariant results (held / checked; uncut baseline runs included):")
    for r in reports:
        cells = []
        for name in [*names, *extra]:
            held = r.held.get(name, 0)
            broken = len(r.broken.get(name, []))
            if held or broken:
                cells.append(f"{name}: {held}/{held + broken}{'' if not broken else ' FAILED'}")
        write(f"  {r.name}: " + "; ".join(cells))
    for r in reports:
        for name, problems in r.broken.items():
            write(f"BROKEN {r.name} / {name} ({len(problems)}):")
            for problem in problems[:5]:
                write("    " + problem.replace("\n", "\n    "))


def default_work_root() -> Path | None:
    """A memory file system when it has room: a kill loses nothing that fsync would have kept
    (the kernel holds the written pages either way), and trials stop waiting on the disk."""
    shm = Path("/dev/shm")
    try:
        usage = shutil.disk_usage(shm)
    except OSError:
        return None
    return shm if usage.free > 1 << 30 and os.access(shm, os.W_OK) else None


@contextlib.contextmanager
def work_folder(keep: bool, root: Path | None = None) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="smartcity-crash-", dir=root))
    try:
        yield folder
    finally:
        if keep:
            print(f"trial folders kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
