"""What the installed app costs: folder and package size, start-up against the source, memory.

    python3 benchmarks/installers.py [--frozen dist/SmartCityDesktop] [--deb dist/smartcity-desktop_*.deb]
                                     [--workdir DIR [--reuse]] [--runs 5]

Build first (installer/build.sh, installer/linux/build_deb.py). An office with 50,000 records is
made with the frozen ``smartcity init`` and ``smartcity sample-data`` (20,000 problems, 10,000
potentials, 20,000 proposals); ``--workdir`` keeps it and ``--reuse`` measures on it again.

Start-up is timed end to end, from launching the process to its exit, for the frozen
``smartcity-desktop`` and for ``python3 -m smartcity_desktop`` from this checkout, on that office,
both with SMARTCITY_EXIT_AFTER_START=painted (the app ends on the turn after the main window's first
paint) and alternately, each after one unmeasured warm-up start. Memory is the frozen app's peak
resident set with SMARTCITY_EXIT_AFTER_START=loaded (the data opened, the first list of 20,000
problems filled, the start-up integrity check done), read with os.wait4. Runs offscreen unless
QT_QPA_PLATFORM says otherwise. Exits 1 when a target is missed.
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

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "benchmark-passphrase-2026"
MB = 1_000_000
TARGETS = {"folder_mb": 150.0, "deb_mb": 60.0, "start_ratio": 1.5, "rss_mb": 300.0}


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Sum of file sizes (what a download or a copy moves) and the disk blocks they take."""
    apparent = blocks = 0
    for path in folder.rglob("*"):
        st = path.lstat()
        apparent += st.st_size if not path.is_dir() else 0
        blocks += st.st_blocks * 512
    return apparent, blocks


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCITY_", "PYTHON"))}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def make_office(frozen: Path, folder: Path) -> None:
    env = clean_env(SMARTCITY_DATA_DIR=str(folder), SMARTCITY_PASSPHRASE=PASSPHRASE)
    cli = str(frozen / "smartcity")
    init = [cli, "init", "--role", "desa", "--office", "32.16.01.2001", "--operator", "Benchmark"]
    subprocess.run(init, env=env, check=True, capture_output=True)
    subprocess.run(
        [
            cli,
            "sample-data",
            "--problems",
            "20000",
            "--potentials",
            "10000",
            "--proposals",
            "20000",
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def timed_start(command: list[str], mode: str, extra_env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch to exit, and the process's peak RSS in MB."""
    env = clean_env(SMARTCITY_EXIT_AFTER_START=mode, **extra_env)
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    # wait4 gives this child's own peak (a child forked from this small process starts from this
    # process's pages, far below the app's peak).
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} ended with {proc.returncode}:\n{err}")
    return elapsed, usage.ru_maxrss * 1024 / MB  # ru_maxrss is in KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, default=REPO / "dist" / "SmartCityDesktop")
    parser.add_argument("--deb", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    frozen: Path = args.frozen
    if not (frozen / "smartcity-desktop").exists():
        raise SystemExit(f"no frozen build in {frozen}: run installer/build.sh")
    deb = args.deb or next(iter(sorted((REPO / "dist").glob("smartcity-desktop_*.deb"))), None)

    missed = False

    def line(name: str, value: float, unit: str, target: float | None, note: str = "") -> None:
        nonlocal missed
        verdict = "" if target is None else ("ok  " if value <= target else "MISS")
        missed |= verdict == "MISS"
        goal = "" if target is None else f"(target <= {target:g} {unit})"
        print(f"{verdict:4} {name:52} {value:8.2f} {unit:3} {goal} {note}")

    apparent, blocks = folder_bytes(frozen)
    line("frozen folder, sum of file sizes", apparent / MB, "MB", TARGETS["folder_mb"])
    line("frozen folder, disk blocks used", blocks / MB, "MB", None)
    if deb is not None:
        line(f"compressed .deb ({deb.name})", deb.stat().st_size / MB, "MB", TARGETS["deb_mb"])
    else:
        print("     no .deb in dist/ (installer/linux/build_deb.py): not measured")

    tmp = None
    if args.workdir is None:
        tmp = tempfile.mkdtemp(prefix="bench-installers-")
        workdir = Path(tmp)
    else:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
    office = workdir / "office"
    try:
        if not (args.reuse and (office / "smartcity.sqlite").exists()):
            if office.exists():
                shutil.rmtree(office)
            t0 = time.perf_counter()
            make_office(frozen, office)
            print(f"     office with 50,000 records made in {time.perf_counter() - t0:.0f} s")
        frozen_cmd = [str(frozen / "smartcity-desktop"), "--data-dir", str(office)]
        source_cmd = [sys.executable, "-m", "smartcity_desktop", "--data-dir", str(office)]
        source_env = {"PYTHONPATH": str(REPO)}
        timed_start(frozen_cmd, "painted", {})  # warm-up: the files into the page cache
        timed_start(source_cmd, "painted", source_env)
        frozen_s, source_s = [], []
        for _ in range(args.runs):
            frozen_s.append(timed_start(frozen_cmd, "painted", {})[0])
            source_s.append(timed_start(source_cmd, "painted", source_env)[0])
        loaded = [timed_start(frozen_cmd, "loaded", {}) for _ in range(max(1, args.runs // 2))]
        source_loaded = timed_start(source_cmd, "loaded", source_env)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    f_med, s_med = statistics.median(frozen_s), statistics.median(source_s)
    spread = f"(min {min(frozen_s):.2f}, max {max(frozen_s):.2f}; {args.runs} runs)"
    line("frozen start to main window painted, median", f_med, "s", None, spread)
    spread = f"(min {min(source_s):.2f}, max {max(source_s):.2f}; {args.runs} runs)"
    line("source start to main window painted, median", s_med, "s", None, spread)
    line("frozen / source start", f_med / s_med, "x", TARGETS["start_ratio"])
    line(
        "frozen start to data loaded, median",
        statistics.median(t for t, _ in loaded),
        "s",
        None,
        f"(source: {source_loaded[0]:.2f} s)",
    )
    line(
        "frozen peak RSS, 50,000 records, first list filled",
        max(r for _, r in loaded),
        "MB",
        TARGETS["rss_mb"],
        f"(source: {source_loaded[1]:.0f} MB)",
    )
    print(f"     platform: {clean_env()['QT_QPA_PLATFORM']}, load average: {os.getloadavg()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
