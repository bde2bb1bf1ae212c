"""Exchange between real offices: export, import, peak memory, a whole regency in one import.

    python3 benchmarks/bench_exchange.py                          # parts 1 and 3
    python3 benchmarks/bench_exchange.py --big                    # also part 2 (~1 GB of photos)
    python3 benchmarks/bench_exchange.py --workdir W --reuse      # rerun on the prepared offices

1. One village (32.16.01.2001) with 10,000 records (4,000 problems, 2,000 potentials, 4,000
   proposals) and ~300 MB of photos: ``export_bundle`` (target <= 5 s) and ``import_files`` into
   its kecamatan, which has pinned the village (<= 5 s); the same 10,000 records without photos
   exported and imported on their own (>= 10,000 records/s each). In-process, median of --runs.
2. (--big) ``smartcity verify`` and ``smartcity import`` of a ~1 GB bundle as subprocesses: peak
   resident memory of each (<= 250 MB), read with ``os.wait4`` by a small launcher process.
3. Kabupaten Bekasi (32.16): one office per real desa/kelurahan code (187), each with its own key,
   certified by the kabupaten (export-root, add-root, request, certify, install), 200 sample
   records each, exported; all 187 bundles imported in ONE ``smartcity import`` call into the
   kabupaten (<= 30 s).

Offices are set up in-process through the services API (``init_office``, ``generate``,
``attach_prepared``, ``export_bundle`` and the trust services), never by copying one office and
changing its identity. The national region list is parsed once per process and handed to
``init_office`` by patching ``services.office.bundled_regions`` inside this process only; each
office still stores the whole list, as ``smartcity init`` does. Regency offices are set up on
--jobs worker processes.

Photos: --distinct-photos real 1600x1200 JPEGs from ``sample_data.make_photo``, shrunk by
``prepare_bytes`` as the app does (~330 KB each); every attachment is one of them with a JPEG
comment segment (FF FE) naming its number inserted after the start marker, so every file is a
distinct valid JPEG. They are attached through ``AttachmentService.attach_prepared``.

Every timed import works on a fresh copy of a prepared receiving office, so runs do not see each
other's ledger. Ratios are to the raw SHA-256 time of the same bundle file, measured in the same
run (the bundle is in the page cache for both). --workdir keeps the prepared offices and bundles;
--reuse skips whatever part of the setup is already there.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import office as office_service
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files, ledger
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.services.sample_data import SampleRequest, generate, make_photo
from smartcity_desktop.services.trust import (
    add_root,
    certify_request,
    export_root,
    install_certificate,
    pin_office,
    write_request,
)
from smartcity_desktop.storage.media import PreparedFile, prepare_bytes
from smartcity_desktop.storage.models import RECORD_MODELS, Attachment
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "benchmark-rahasia-2026"
DESA = "32.16.01.2001"
KECAMATAN = "32.16.01"
KABUPATEN = "32.16"
VILLAGE = SampleRequest(problems=4000, potentials=2000, proposals=4000, seed=1)
RECORDS = VILLAGE.problems + VILLAGE.potentials + VILLAGE.proposals
REGENCY_SAMPLE = (80, 40, 80)  # 200 records per desa, in the same proportions
CHUNK = 1 << 20


# --- helpers -------------------------------------------------------------------------------------


def cli_command() -> list[str]:
    installed = shutil.which("smartcity")
    return [installed] if installed else [sys.executable, "-m", "smartcity_desktop.cli.main"]


def use_parsed_regions() -> None:
    """Parse the national list once for this process instead of once per ``init_office``."""
    if getattr(office_service.bundled_regions, "bench_cached", False):
        return
    regions = bundled_regions()

    def cached() -> list[Any]:
        return regions

    cached.bench_cached = True  # type: ignore[attr-defined]
    office_service.bundled_regions = cached  # type: ignore[assignment]


def new_office(folder: Path, role: str, code: str) -> str:
    init_office(
        DataPaths(folder), role=role, office_code=code, operator="Benchmark", passphrase=PASSPHRASE
    )
    return code


def opened(folder: Path) -> AppContext:
    return open_context(DataPaths(folder))


def copy_office(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


def sha256_seconds(path: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return time.perf_counter() - started


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


@dataclass
class Child:
    returncode: int
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


# A small Python process starts the CLI and reports its peak RSS: measured from this (large)
# benchmark process, a child's ru_maxrss would include this process's RSS copied at fork time.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "proc = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_child(args: Sequence[str], log: Path) -> Child:
    """Run one CLI call; wall time and the peak RSS of exactly that process."""
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
            check=False,
        )
        seconds = time.perf_counter() - started
    return Child(
        proc.returncode,
        seconds,
        int(rss.read_text()) / 1024,  # KiB on Linux
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
    )


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.missed: list[str] = []

    def check(self, name: str, value: float, target: float, unit: str, *, at_least: bool) -> None:
        ok = value >= target if at_least else value <= target
        if not ok:
            self.missed.append(name)
        shown = fmt_s(value) if unit == "s" else f"{value:,.0f} {unit}"
        goal = fmt_s(target) if unit == "s" else f"{target:,.0f} {unit}"
        self.rows.append(
            (name, shown, (">= " if at_least else "<= ") + goal, "OK" if ok else "MISSED")
        )

    def print(self) -> None:
        widths = [
            max(len(r[i]) for r in [("measure", "value", "target", ""), *self.rows])
            for i in range(4)
        ]
        print()
        head = ("measure", "value", "target", "result")
        for row in [head, tuple("-" * w for w in widths), *self.rows]:
            print(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")


def info(text: str) -> None:
    print(f"  {text}", flush=True)


# --- photos --------------------------------------------------------------------------------------


def base_photos(count: int) -> list[PreparedFile]:
    return [prepare_bytes(make_photo(1000 + i, i), f"foto-{i:03d}.jpg") for i in range(count)]


def variant(base: PreparedFile, number: int) -> PreparedFile:
    """The same photo with a JPEG comment segment naming ``number``: a distinct, valid JPEG."""
    text = f"SmartCity benchmark photo {number:08d}".encode()
    segment = b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text
    data = base.data[:2] + segment + base.data[2:]
    name = f"foto-{number:05d}.jpg"
    return PreparedFile(data, name, base.media_type, base.width, base.height)


def attach_photos(folder: Path, bases: list[PreparedFile], total_bytes: int, first: int) -> int:
    """Attach photos until about ``total_bytes``; returns how many were attached."""
    per_photo = statistics.mean(len(b.data) for b in bases)
    count = max(1, math.ceil(total_bytes / per_photo))
    ctx = opened(folder)
    try:
        with ctx.db.session() as session:
            targets = [
                (RecordKind(kind), rid)
                for kind in ("problem", "potential", "proposal")
                for rid in session.scalars(select(RECORD_MODELS[kind].id).order_by("id"))
            ]
        service = AttachmentService(ctx)
        for n in range(count):
            kind, rid = targets[(n * 7919) % len(targets)]
            service.attach_prepared(kind, rid, variant(bases[n % len(bases)], first + n))
    finally:
        ctx.close()
    return count


def attachment_bytes(folder: Path) -> tuple[int, int]:
    ctx = opened(folder)
    try:
        with ctx.db.session() as session:
            count, size = session.execute(
                select(func.count(), func.coalesce(func.sum(Attachment.size), 0))
            ).one()
    finally:
        ctx.close()
    return int(count), int(size)


# --- part 1 and 2: one village and its kecamatan -------------------------------------------------


@dataclass
class Village:
    records: Path  # the desa with 10,000 records and no photos
    photos: Path  # the same office (a copy of it) with ~300 MB of photos attached
    kecamatan: Path  # the kecamatan, village pinned, nothing imported


def prepare_village(work: Path, args: argparse.Namespace) -> Village:
    root = work / "village"
    village = Village(root / "desa-records", root / "desa-photos", root / "kecamatan")
    ready = root / "READY"
    if args.reuse and ready.exists():
        print(f"village: reusing {root}", flush=True)
        return village
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    use_parsed_regions()
    started = time.perf_counter()
    new_office(village.records, "desa", DESA)
    ctx = opened(village.records)
    try:
        generate(ctx, VILLAGE)
        fingerprint = office_fingerprint(ctx)
    finally:
        ctx.close()
    copy_office(village.records, village.photos)  # the same office: same key, same records
    bases = base_photos(args.distinct_photos)
    count = attach_photos(village.photos, bases, args.photo_mb * 1_000_000, first=0)
    new_office(village.kecamatan, "kecamatan", KECAMATAN)
    ctx = opened(village.kecamatan)
    try:
        pin_office(ctx, DESA, fingerprint)
    finally:
        ctx.close()
    ready.write_text("ok\n")
    info(f"setup {fmt_s(time.perf_counter() - started)}: {RECORDS:,} records, {count} photos")
    return village


def timed_export(folder: Path, out: Path) -> tuple[float, Path, dict[str, int]]:
    ctx = opened(folder)
    try:
        started = time.perf_counter()
        result = export_bundle(ctx, PASSPHRASE, out, full=True)
        seconds = time.perf_counter() - started
    finally:
        ctx.close()
    return seconds, result.paths[0], result.counts


def timed_import(template: Path, scratch: Path, bundle: Path, expected: int) -> float:
    copy_office(template, scratch)
    ctx = opened(scratch)
    try:
        started = time.perf_counter()
        (report,) = import_files(ctx, [bundle])
        seconds = time.perf_counter() - started
    finally:
        ctx.close()
    new = report.action_counts()["new"]
    if report.status != "imported" or new != expected:
        sys.exit(f"import of {bundle.name}: {report.status}, {new} new, {report.findings}")
    shutil.rmtree(scratch)
    return seconds


def bench_village(work: Path, village: Village, args: argparse.Namespace, table: Table) -> None:
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    photos_n, photos_size = attachment_bytes(village.photos)
    print(
        f"\n1. village {DESA} -> kecamatan {KECAMATAN}: {RECORDS:,} records + {photos_n} photos "
        f"({photos_size / 1e6:.0f} MB), median of {args.runs}",
        flush=True,
    )
    results: dict[str, list[float]] = {}
    bundles: dict[str, Path] = {}
    for run in range(args.runs):
        for name, folder in (("photos", village.photos), ("records", village.records)):
            out = scratch / f"{name}-{run}.scb"
            seconds, path, counts = timed_export(folder, out)
            results.setdefault(f"export {name}", []).append(seconds)
            expected = sum(counts.values())
            seconds = timed_import(village.kecamatan, scratch / "kecamatan", path, expected)
            results.setdefault(f"import {name}", []).append(seconds)
            previous = bundles.get(name)
            if previous is not None:
                previous.unlink()
            bundles[name] = path
    median = {k: statistics.median(v) for k, v in results.items()}
    for key, values in results.items():
        info(f"{key:<16} runs: {', '.join(fmt_s(v) for v in values)}")
    for name, bundle in bundles.items():
        sha = sha256_seconds(bundle)
        size = bundle.stat().st_size
        info(
            f"{name} bundle {size / 1e6:.0f} MB; raw SHA-256 of it {fmt_s(sha)}; "
            f"export {median[f'export {name}'] / sha:.1f}x, import {median[f'import {name}'] / sha:.1f}x "
            "that time"
        )
    table.check(
        "1. export 10,000 records + photos", median["export photos"], 5.0, "s", at_least=False
    )
    table.check(
        "1. import into kecamatan (pinned)", median["import photos"], 5.0, "s", at_least=False
    )
    table.check(
        "1. export, records only", RECORDS / median["export records"], 10_000, "records/s",
        at_least=True,
    )  # fmt: skip
    table.check(
        "1. import, records only", RECORDS / median["import records"], 10_000, "records/s",
        at_least=True,
    )  # fmt: skip
    # The same 300 MB bundle through the CLI, for the whole-process view (no target).
    copy_office(village.kecamatan, scratch / "kecamatan")
    child = run_child(
        ["--data-dir", str(scratch / "kecamatan"), "import", str(bundles["photos"])],
        scratch / "cli-import",
    )
    if child.returncode != 0:
        sys.exit(f"smartcity import failed:\n{child.stdout}\n{child.stderr}")
    info(
        f"smartcity import of the photo bundle (whole process): {fmt_s(child.seconds)}, "
        f"peak RSS {child.peak_rss_mb:.0f} MB"
    )
    shutil.rmtree(scratch)


def bench_big(work: Path, village: Village, args: argparse.Namespace, table: Table) -> None:
    root = work / "big"
    desa = root / "desa"
    ready = root / "READY"
    print(f"\n2. ~{args.big_mb / 1000:.1f} GB bundle: peak RSS of smartcity verify / import")
    if not (args.reuse and ready.exists()):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        started = time.perf_counter()
        copy_office(village.records, desa)
        bases = base_photos(args.distinct_photos)
        count = attach_photos(desa, bases, args.big_mb * 1_000_000, first=100_000)
        info(f"setup {fmt_s(time.perf_counter() - started)}: {count} photos")
        ready.write_text("ok\n")
    bundle_dir = root / "bundle"
    shutil.rmtree(bundle_dir, ignore_errors=True)
    bundle_dir.mkdir()
    seconds, bundle, counts = timed_export(desa, bundle_dir / "big.scb")
    info(
        f"export: {bundle.stat().st_size / 1e9:.2f} GB, {counts['attachment']} photos, "
        f"{fmt_s(seconds)} (no target)"
    )
    scratch = root / "kecamatan"
    copy_office(village.kecamatan, scratch)
    for command in ("verify", "import"):
        child = run_child(["--data-dir", str(scratch), command, str(bundle)], root / command)
        if child.returncode != 0:
            sys.exit(f"smartcity {command} failed:\n{child.stdout}\n{child.stderr}")
        info(f"smartcity {command}: {fmt_s(child.seconds)}, peak RSS {child.peak_rss_mb:.0f} MB")
        table.check(
            f"2. peak RSS, smartcity {command} ~1 GB", child.peak_rss_mb, 250, "MB", at_least=False
        )
    shutil.rmtree(scratch)
    shutil.rmtree(bundle_dir)


# --- part 3: the regency -------------------------------------------------------------------------


def regency_desa_codes() -> list[str]:
    return sorted(
        r.code
        for r in bundled_regions()
        if r.code.startswith(KABUPATEN + ".") and r.level == "desa_kelurahan"
    )


def _desa_init(job: tuple[str, str, str]) -> tuple[str, float]:
    """Worker: a new desa office that installs the regency root and writes its request."""
    code, folder, root_file = job
    use_parsed_regions()
    started = time.perf_counter()
    new_office(Path(folder), "desa", code)
    ctx = opened(Path(folder))
    try:
        add_root(ctx, Path(root_file))
        write_request(ctx, PASSPHRASE, Path(folder) / "request.json")
    finally:
        ctx.close()
    return code, time.perf_counter() - started


def _desa_fill(job: tuple[str, str, str, int]) -> tuple[str, str]:
    """Worker: install the certificate, add sample records, export the bundle."""
    code, folder, bundles, seed = job
    ctx = opened(Path(folder))
    try:
        install_certificate(ctx, Path(folder) / "certificate.json")
        problems, potentials, proposals = REGENCY_SAMPLE
        generate(ctx, SampleRequest(problems, potentials, proposals, seed=seed))
        result = export_bundle(ctx, PASSPHRASE, Path(bundles) / f"{code}.scb", full=True)
    finally:
        ctx.close()
    return code, str(result.paths[0])


def prepare_regency(work: Path, args: argparse.Namespace) -> tuple[Path, list[Path]]:
    root = work / "regency"
    kabupaten, bundles = root / "kabupaten", root / "bundles"
    ready = root / "READY"
    if args.reuse and ready.exists():
        print(f"regency: reusing {root}", flush=True)
        return kabupaten, sorted(bundles.glob("*.scb"))
    shutil.rmtree(root, ignore_errors=True)
    (root / "desa").mkdir(parents=True)
    bundles.mkdir()
    use_parsed_regions()
    codes = regency_desa_codes()
    started = time.perf_counter()
    new_office(kabupaten, "kabupaten", KABUPATEN)
    root_file = root / "root-key.json"
    kab = opened(kabupaten)
    try:
        export_root(kab, root_file)
    finally:
        kab.close()
    folders = {code: root / "desa" / code for code in codes}
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(args.jobs) as pool:
        init_times = [
            s for _, s in pool.imap_unordered(
                _desa_init, [(c, str(f), str(root_file)) for c, f in folders.items()]
            )
        ]  # fmt: skip
        after_init = time.perf_counter()
        kab = opened(kabupaten)
        try:
            for folder in folders.values():
                certify_request(
                    kab, PASSPHRASE, folder / "request.json", folder / "certificate.json"
                )
        finally:
            kab.close()
        after_certify = time.perf_counter()
        jobs = [(c, str(f), str(bundles), 1000 + i) for i, (c, f) in enumerate(folders.items())]
        for _ in pool.imap_unordered(_desa_fill, jobs):
            pass
    done = time.perf_counter()
    ready.write_text("ok\n")
    info(
        f"setup {fmt_s(done - started)} on {args.jobs} processes: {len(codes)} desa offices "
        f"(init + add-root + request {fmt_s(after_init - started)}, "
        f"median {fmt_s(statistics.median(init_times))} per office), "
        f"certify {fmt_s(after_certify - after_init)}, "
        f"install + sample-data + export {fmt_s(done - after_certify)}"
    )
    return kabupaten, sorted(bundles.glob("*.scb"))


def bench_regency(work: Path, args: argparse.Namespace, table: Table) -> None:
    print(f"\n3. regency {KABUPATEN}: every desa bundle in one `smartcity import`", flush=True)
    kabupaten, bundles = prepare_regency(work, args)
    per_desa = sum(REGENCY_SAMPLE)
    size = sum(b.stat().st_size for b in bundles)
    info(f"{len(bundles)} bundles of {per_desa} records, {size / 1e6:.1f} MB in all, certified")
    scratch = work / "regency-import"
    copy_office(kabupaten, scratch)
    for bundle in bundles:  # from the page cache, as for part 1
        sha256_seconds(bundle)
    child = run_child(
        ["--data-dir", str(scratch), "import", *map(str, bundles)], work / "regency-import-log"
    )
    if child.returncode != 0:
        sys.exit(
            f"smartcity import failed ({child.returncode}):\n{child.stdout[-3000:]}\n{child.stderr}"
        )
    ctx = opened(scratch)
    try:
        rows = ledger(ctx)
        with ctx.db.session() as session:
            records = sum(
                session.scalar(select(func.count()).select_from(RECORD_MODELS[k])) or 0
                for k in ("problem", "potential", "proposal")
            )
    finally:
        ctx.close()
    certified = sum(1 for r in rows if r["trust"] == "certified")
    if len(rows) != len(bundles) or certified != len(bundles) or records != per_desa * len(bundles):
        sys.exit(f"regency import: {len(rows)} bundles ({certified} certified), {records} records")
    info(
        f"imported {len(rows)} bundles, {records:,} records: {fmt_s(child.seconds)}, "
        f"{records / child.seconds:,.0f} records/s, {child.seconds / len(rows) * 1000:.0f} ms per "
        f"bundle, peak RSS {child.peak_rss_mb:.0f} MB"
    )
    table.check(
        f"3. one import of {len(bundles)} desa bundles", child.seconds, 30.0, "s", at_least=False
    )
    shutil.rmtree(scratch)


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, help="where to prepare offices (kept); else a temp dir"
    )
    parser.add_argument("--reuse", action="store_true", help="skip setup already in --workdir")
    parser.add_argument(
        "--big", action="store_true", help="also part 2: peak RSS on a ~1 GB bundle"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed rounds for part 1 (median)")
    parser.add_argument("--photo-mb", type=int, default=300, help="photos in the part 1 bundle")
    parser.add_argument("--big-mb", type=int, default=1000, help="photos in the part 2 bundle")
    parser.add_argument("--distinct-photos", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="setup processes")
    parser.add_argument("--skip", choices=("village", "regency"), action="append", default=[])
    args = parser.parse_args(argv)
    if args.reuse and args.workdir is None:
        parser.error("--reuse needs --workdir")
    temp = None if args.workdir else tempfile.mkdtemp(prefix="smartcity-bench-exchange-")
    work = (args.workdir or Path(temp or ".")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"command: {' '.join(cli_command())}\nwork folder: {work}\ncpu_count: {os.cpu_count()}")
    table = Table()
    try:
        if "village" not in args.skip or args.big:
            village = prepare_village(work, args)
            if "village" not in args.skip:
                bench_village(work, village, args, table)
            if args.big:
                bench_big(work, village, args, table)
        if "regency" not in args.skip:
            bench_regency(work, args, table)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    table.print()
    if table.missed:
        print("missed: " + ", ".join(table.missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
