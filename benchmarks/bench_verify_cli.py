"""`smartcity verify` as the user runs it: a whole process, start-up included.

    python benchmarks/bench_verify_cli.py --workdir /tmp/bv            # sets up, keeps the offices
    python benchmarks/bench_verify_cli.py --workdir /tmp/bv --reuse    # rerun without setting up
    python benchmarks/bench_verify_cli.py --runs 9 --photo-mb 300

Figures (medians of ``--runs`` rounds; each round runs every command once, back to back, so a busy
machine slows them alike):
- `smartcity verify` of a tiny bundle (4 records) at its kecamatan: the fixed cost (target 0.3 s);
- `smartcity verify` of a ~300 MB photo bundle (real JPEGs) and `python -m bagit --validate` on the
  bag unpacked from that very bundle (target: verify faster than bagit);
- `python -c pass` and `python -m bagit --version`, for context: what any Python process, and
  bagit's own start-up, cost on this machine right now.

Each command's CPU seconds (user + system, all threads, from ``getrusage`` of the children) are
printed beside its wall time: on a shared machine the wall times grow with the load, the CPU times
much less. The load average is printed before and after. The offices are real (`init_office`, a
pinned village key); both files are read once before timing so that every run reads from the page
cache, and a first untimed round writes the ``.pyc`` files an installed package has (the commands
run without ``PYTHONDONTWRITEBYTECODE``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_exchange as bx

from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office

TINY_TARGET_S = 0.3


def prepare(work: Path, photo_mb: int, reuse: bool) -> tuple[Path, Path, Path, Path]:
    """(kecamatan folder, tiny bundle, photo bundle, unpacked bag of the photo bundle)."""
    desa, kecamatan = work / "desa", work / "kecamatan"
    tiny, photos, unpacked = work / "tiny.scb", work / "photos.scb", work / "unpacked"
    ready = work / "READY"
    if reuse and ready.exists():
        return kecamatan, tiny, photos, next(unpacked.iterdir())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    bx.use_parsed_regions()
    bx.new_office(desa, "desa", bx.DESA)
    ctx = bx.opened(desa)
    try:
        generate(ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=1))
        export_bundle(ctx, bx.PASSPHRASE, tiny)
        fingerprint = office_fingerprint(ctx)
    finally:
        ctx.close()
    count = bx.attach_photos(desa, bx.base_photos(20), photo_mb * 1_000_000, first=0)
    ctx = bx.opened(desa)
    try:
        export_bundle(ctx, bx.PASSPHRASE, photos)  # the photos, attached since the tiny one
    finally:
        ctx.close()
    bx.new_office(kecamatan, "kecamatan", bx.KECAMATAN)
    ctx = bx.opened(kecamatan)
    try:
        pin_office(ctx, bx.DESA, fingerprint)
    finally:
        ctx.close()
    with zipfile.ZipFile(photos) as archive:
        archive.extractall(unpacked)
    ready.write_text(f"{count} photos\n")
    return kecamatan, tiny, photos, next(unpacked.iterdir())


# As a user's installed copy runs: with compiled .pyc files.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def seconds(command: list[str], expect: int = 0) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its threads) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, check=False, env=ENV)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != expect:
        sys.exit(f"{command} exited {result.returncode}: {result.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-verify-cli"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--photo-mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kecamatan, tiny, photos, bag = prepare(args.workdir, args.photo_mb, args.reuse)
    cli = [*bx.cli_command(), "--data-dir", str(kecamatan), "verify"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "bagit --version": [sys.executable, "-m", "bagit", "--version"],
        "verify tiny": [*cli, str(tiny)],
        "verify photos": [*cli, str(photos)],
        "bagit": [sys.executable, "-m", "bagit", "--validate", str(bag)],
    }
    _warm([photos, *sorted(p for p in bag.rglob("*") if p.is_file())])
    for command in commands.values():  # once outside the timing: caches, .pyc files
        seconds(command)
    load_before = load()
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(max(1, args.runs)):
        for name, command in commands.items():
            wall, cpu = seconds(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    size_mb = photos.stat().st_size / 1e6
    print(f"load average before: {load_before}; after: {load()}")
    print(f"photo bundle: {size_mb:.0f} MB; {args.runs} rounds, whole processes, medians (min)")
    print(f"  {'':<18} {'wall s':>14}   {'CPU s':>14}")
    for name in commands:
        wall, cpu = walls[name], cpus[name]
        print(
            f"  {name:<18} {statistics.median(wall):7.3f} ({min(wall):.3f})"
            f"   {statistics.median(cpu):7.3f} ({min(cpu):.3f})"
        )
    median = {name: statistics.median(values) for name, values in walls.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpus.items()}
    tiny_s, verify_s, bagit_s = median["verify tiny"], median["verify photos"], median["bagit"]
    ok_tiny = tiny_s <= TINY_TARGET_S
    ok_bagit = verify_s < bagit_s
    print(
        f"verify of a tiny bundle: {tiny_s:.3f} s wall, {cpu_median['verify tiny']:.3f} s CPU "
        f"({cpu_median['verify tiny'] - cpu_median['python -c pass']:.3f} s above python -c pass)"
        f" (target <= {TINY_TARGET_S} s) {'ok' if ok_tiny else 'MISSED'}"
    )
    print(
        f"verify / bagit on {size_mb:.0f} MB: {verify_s / bagit_s:.2f} wall, "
        f"{cpu_median['verify photos'] / cpu_median['bagit']:.2f} CPU "
        f"(target < 1 wall) {'ok' if ok_bagit else 'MISSED'}"
    )
    return 0 if ok_tiny and ok_bagit else 1


def _warm(paths: list[Path]) -> None:
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass


if __name__ == "__main__":
    sys.exit(main())
