"""A bundle of 200,000 rows (the most one bundle may hold): `smartcity verify` and `smartcity import`.

    python3 benchmarks/bench_big_bundle.py                         # set up, measure, clean up
    python3 benchmarks/bench_big_bundle.py --workdir W             # keep the offices and bundle
    python3 benchmarks/bench_big_bundle.py --workdir W --reuse     # measure again on them

A desa office (32.16.01.2001) gets 80,000 problems, 40,000 potentials and 80,000 proposals (the
proposals link problems and potentials of the same bundle) through `smartcity sample-data`, and
`smartcity export --full` writes them as one bundle. Its kecamatan (32.16.01) pins the desa's key.
Then `smartcity verify BUNDLE` and `smartcity import BUNDLE` run as the user runs them, each on a
fresh copy of the kecamatan, and the wall time and the peak resident memory of that very process
are printed against the targets:

    verify: peak memory <= 300 MB
    import: peak memory <= 300 MB, wall time <= 30 s

Every step runs the CLI of the checkout on PYTHONPATH (or the installed `smartcity`), so the same
script measures another checkout: `PYTHONPATH=/path/to/other python3 benchmarks/bench_big_bundle.py
--workdir W --reuse` reuses the bundle and runs that checkout's verify and import. Peak memory is
`ru_maxrss` read with `os.wait4` by a small launcher process (from this process, a child's
ru_maxrss would include whatever this process held at fork time). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PASSPHRASE = "benchmark-rahasia-2026"
DESA = "32.16.01.2001"
KECAMATAN = "32.16.01"
COUNTS = {"problems": 80_000, "potentials": 40_000, "proposals": 80_000}
TARGET_MB = 300.0
TARGET_IMPORT_S = 30.0
# `python -m` puts the working folder first on sys.path: run the CLI from a folder without a
# checkout in it, so that PYTHONPATH decides which checkout is measured.
NEUTRAL_CWD = tempfile.gettempdir()

# Starts the CLI and writes its peak RSS (KiB on Linux) and CPU seconds (user + system).
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "proc = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "open(sys.argv[1], 'w').write(f'{usage.ru_maxrss} {cpu}')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def cli_command() -> list[str]:
    if os.environ.get("PYTHONPATH"):  # a checkout: run its own CLI, not the installed one
        return [sys.executable, "-m", "smartcity_desktop.cli.main"]
    installed = shutil.which("smartcity")
    return [installed] if installed else [sys.executable, "-m", "smartcity_desktop.cli.main"]


@dataclass
class Child:
    returncode: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def run_child(args: Sequence[str], log: Path) -> Child:
    env = {**os.environ, "SMARTCITY_PASSPHRASE": PASSPHRASE}
    out, err, rss = (log.with_suffix(s) for s in (".out", ".err", ".rss"))
    with out.open("wb") as fh_out, err.open("wb") as fh_err:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(rss), *cli_command(), *args],
            stdout=fh_out,
            stderr=fh_err,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=NEUTRAL_CWD,
            check=False,
        )
        seconds = time.perf_counter() - started
    peak_kib, cpu = rss.read_text().split()
    return Child(
        proc.returncode,
        seconds,
        float(cpu),
        int(peak_kib) / 1024,
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
    )


def cli(*args: str) -> str:
    env = {**os.environ, "SMARTCITY_PASSPHRASE": PASSPHRASE}
    result = subprocess.run(
        [*cli_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=NEUTRAL_CWD,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"smartcity {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def prepare(work: Path, reuse: bool) -> tuple[Path, Path]:
    """The kecamatan (desa pinned, nothing imported) and the 200,000-row bundle."""
    desa, kecamatan, bundle = work / "desa", work / "kecamatan", work / "bundle" / "desa.scb"
    ready = work / "READY"
    if reuse and ready.exists():
        print(f"reusing {work}", flush=True)
        return kecamatan, bundle
    for path in (desa, kecamatan, bundle.parent, ready):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    bundle.parent.mkdir(parents=True)
    started = time.perf_counter()
    cli("--data-dir", str(desa), "init", "--role", "desa", "--office", DESA, "--operator", "Bench")
    cli(
        "--data-dir",
        str(desa),
        "sample-data",
        *(f"--{name}={count}" for name, count in COUNTS.items()),
    )
    filled = time.perf_counter()
    cli("--data-dir", str(desa), "export", "--full", "--out", str(bundle))
    exported = time.perf_counter()
    fingerprint = cli("--data-dir", str(desa), "keys", "fingerprint").split()[-1]
    cli(
        "--data-dir", str(kecamatan), "init", "--role", "kecamatan", "--office", KECAMATAN,
        "--operator", "Bench",
    )  # fmt: skip
    cli("--data-dir", str(kecamatan), "trust", "pin", DESA, fingerprint)
    ready.write_text("ok\n")
    print(
        f"setup {fmt_s(time.perf_counter() - started)} (sample-data {fmt_s(filled - started)}, "
        f"export {fmt_s(exported - filled)}); bundle {bundle.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )
    return kecamatan, bundle


def measure(work: Path, kecamatan: Path, bundle: Path, *, as_json: bool) -> list[str]:
    missed: list[str] = []
    rows: list[tuple[str, str, str, bool]] = []
    expected = sum(COUNTS.values())
    for command in ("verify", "import"):
        scratch = work / f"scratch-{command}"
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(kecamatan, scratch)
        with bundle.open("rb") as fh:  # from the page cache, for both commands alike
            while fh.read(1 << 20):
                pass
        args = ["--data-dir", str(scratch), command, *(["--json"] if as_json else []), str(bundle)]
        child = run_child(args, work / command)
        if child.returncode != 0:
            sys.exit(f"smartcity {command} failed:\n{child.stdout[-3000:]}\n{child.stderr}")
        if as_json:
            (report,) = json.loads(child.stdout)
            if sum(report["actions"].values()) != expected:
                sys.exit(f"smartcity {command}: {report['status']}, {report['actions']}")
        if command == "import":
            stats = json.loads(cli("--data-dir", str(scratch), "stats", "--json"))
            if sum(stats["records"].values()) != expected:
                sys.exit(f"smartcity import: {stats['records']} records stored")
        shutil.rmtree(scratch)
        name = f"smartcity {command}{' --json' if as_json else ''}"
        print(
            f"{name}: wall {fmt_s(child.seconds)}, CPU {fmt_s(child.cpu_seconds)}, "
            f"peak {child.peak_mb:.0f} MB",
            flush=True,
        )
        ok = child.peak_mb <= TARGET_MB
        rows.append((f"{name}: peak memory", f"{child.peak_mb:.0f} MB", f"{TARGET_MB:.0f} MB", ok))
        if command == "import":
            ok_time = child.seconds <= TARGET_IMPORT_S
            rows.append((f"{name}: wall time", fmt_s(child.seconds), "30 s", ok_time))
    print()
    for name, value, target, ok in rows:
        print(f"{name:<38} {value:>9}  target <= {target:<7} {'ok' if ok else 'MISSED'}")
        if not ok:
            missed.append(name)
    return missed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the offices and the bundle here")
    parser.add_argument("--reuse", action="store_true", help="reuse a prepared --workdir")
    parser.add_argument(
        "--json", action="store_true", help="run verify and import with --json (every figure)"
    )
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-big-bundle-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"CLI: {' '.join(cli_command())} (PYTHONPATH={os.environ.get('PYTHONPATH', '')})")
    # Other work on the machine slows every figure; the load says how much to allow for.
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}, CPUs: {os.cpu_count()}")
    try:
        kecamatan, bundle = prepare(work, args.reuse)
        missed = measure(work, kecamatan, bundle, as_json=args.json)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if missed:
        print(f"\nMISSED: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
