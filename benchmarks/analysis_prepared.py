"""The analysis views after an import that prepared them: what preparing costs the import, and
each view's first computation in a new process afterwards.

    python3 benchmarks/analysis_prepared.py --workdir /tmp/bav [--reuse] [--database-url URL]
        [--records 200] [--views isu-strategis,peringkat-usulan]

Setup: the kabupaten office of ``analysis_views.py`` (200,000 records; reused with --reuse),
with its kept reads current (``smartcity analysis prepare`` first, as a PC that has shown the
views). A village of the kabupaten (its own office in ``WORKDIR/desa-bench``, pinned at the
kabupaten) enters --records sample records (2:1:2 problems, potentials, proposals) and exports
them as a bundle. With --database-url the kabupaten's database is that server database (the
password in PGPASSWORD); keep a separate --workdir per database, as the kept files of a data
folder follow one database.

Measured, each in a new process:

1. ``smartcity import BUNDLE``: its wall time, and the part of it that prepared the views (the
   seconds the command prints in its last line);
2. ``smartcity analysis prepare`` right after, the data unchanged (what a scheduled task on
   another PC pays when nothing arrived: every kept read is read back, none built);
3. for each view, its first ``compute`` with no filter in a new process (target 500 ms,
   issue 11), and its worst refresh (median of --runs of three filters), exactly as
   ``analysis_first.py`` measures "data unchanged".

Wall and CPU of the measured process; a server on the same machine works outside that CPU. The
load average is printed: on a shared machine the wall times are pessimistic.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

READY = re.compile(r"\(([\d.]+) (?:detik|seconds)\)")


def _desa(work: Path) -> tuple[Path, str]:
    """The village's office (made once), and its code."""
    from analysis_views import PASSPHRASE, villages  # type: ignore[import-not-found]

    from smartcity_desktop.services.office import init_office
    from smartcity_desktop.storage.paths import DataPaths

    folder = work / "desa-bench"
    code = villages()[0]
    if not (folder / "READY").exists():
        init_office(
            DataPaths(folder),
            role="desa",
            office_code=code,
            operator="Operator Desa",
            passphrase=PASSPHRASE,
        )
        (folder / "READY").touch()
    return folder, code


def _bundle(work: Path, records: int) -> Path:
    """A new bundle of the village: --records new sample records."""
    from analysis_views import PASSPHRASE  # type: ignore[import-not-found]

    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle
    from smartcity_desktop.services.sample_data import SampleRequest, generate
    from smartcity_desktop.storage.paths import DataPaths

    folder, _code = _desa(work)
    out = work / "bundles-bench"
    out.mkdir(exist_ok=True)
    seed = len(list(out.glob("*.scb"))) + 1
    ctx = open_context(DataPaths(folder))
    try:
        share = records // 5
        generate(
            ctx,
            SampleRequest(
                problems=records - 3 * share, potentials=share, proposals=2 * share, seed=seed
            ),
        )
        result = export_bundle(ctx, PASSPHRASE, out / f"bench-{seed}.scb")
    finally:
        ctx.close()
    [path] = result.paths
    return path


def _pin(kabupaten: Path, work: Path, database_url: str | None) -> None:
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.office import office_fingerprint
    from smartcity_desktop.storage.paths import DataPaths

    folder, code = _desa(work)
    desa = open_context(DataPaths(folder))
    kab = open_context(DataPaths(kabupaten), database_url)
    try:
        if trust.current_pin(kab, code) is None:
            trust.pin_office(kab, code, office_fingerprint(desa))
    finally:
        desa.close()
        kab.close()


def main() -> int:
    from analysis_first import CHILD  # type: ignore[import-not-found]
    from analysis_views import PASSPHRASE, setup  # type: ignore[import-not-found]

    from smartcity_desktop.services.analysis import VIEWS
    from smartcity_desktop.storage.location import DATABASE_URL_ENV

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", help="the kabupaten's server database")
    parser.add_argument("--records", type=int, default=200, help="records in the bundle")
    parser.add_argument("--views", help="comma-separated names (default: every view)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = setup(args.workdir, 200_000, args.reuse)
    env = dict(os.environ)
    env.pop(DATABASE_URL_ENV, None)
    env["SMARTCITY_PASSPHRASE"] = PASSPHRASE
    env["SMARTCITY_LANG"] = "en"
    if args.database_url:
        env[DATABASE_URL_ENV] = args.database_url
    names = args.views.split(",") if args.views else list(VIEWS)
    side = "PostgreSQL" if args.database_url else "SQLite"
    command = [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(paths.root)]

    def cli(*argv: str) -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run(
            [*command, *argv], env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
        return wall, done.stdout

    _pin(paths.root, args.workdir, args.database_url)
    cli("analysis", "prepare")  # a PC whose views were current before the bundle came
    bundle = _bundle(args.workdir, args.records)
    wall, out = cli("import", str(bundle))
    found = READY.search(out.splitlines()[-1])
    prepared = float(found.group(1)) if found else float("nan")
    print(f"{side}: import of a bundle of {args.records} records into 200,000")
    print(
        f"  smartcity import: {wall:.2f} s wall, of which preparing the views {prepared:.2f} s "
        f"(load {os.getloadavg()[0]:.1f})"
    )
    # Each step's part, with a second bundle imported in this process.
    from smartcity_desktop.services.analysis.prepare import prepare_reads
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import import_files

    bundle = _bundle(args.workdir, args.records)
    ctx = open_context(paths, args.database_url)
    try:
        started = time.perf_counter()
        [report] = import_files(ctx, [bundle])
        imported = time.perf_counter() - started
        assert report.status == "imported", report.findings
        done = prepare_reads(ctx)
    finally:
        ctx.close()
    steps = ", ".join(f"{k} {v:.2f}" for k, v in done.step_seconds.items())
    print(
        f"  in one process: import {imported:.2f} s, preparing {done.seconds:.2f} s ({steps}; "
        f"load {os.getloadavg()[0]:.1f})"
    )
    wall, out = cli("analysis", "prepare")
    print(
        f"  smartcity analysis prepare, nothing changed since: {wall:.2f} s wall "
        f"({out.strip().splitlines()[-1]})"
    )
    print(f"{side}: after the import, first computation in a new process; worst refresh")
    print(f"{'view':<30} {'first':>15} {'refresh':>15}  load")
    print(f"{'':<30} {'wall/CPU ms':>15} {'wall/CPU ms':>15}")
    missed = False
    for name in names:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, name, str(paths.root), str(args.runs)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr}")
        first_wall, first_cpu, wall, cpu, load = map(float, done.stdout.split()[-5:])
        missed |= first_wall > 0.5
        print(
            f"{name:<30} {first_wall * 1000:>7.0f}/{first_cpu * 1000:<7.0f} "
            f"{wall * 1000:>7.0f}/{cpu * 1000:<7.0f} {load:.1f}",
            flush=True,
        )
    print(f"on {os.cpu_count()} cores")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
