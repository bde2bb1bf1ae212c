"""Forwarding: a kecamatan's forward bundle, and the kabupaten's import of nested bundles.

    python3 benchmarks/bench_forwarding.py --workdir W           # set up (kept) and measure
    python3 benchmarks/bench_forwarding.py --workdir W --reuse   # rerun on the prepared offices

1. A kecamatan (32.16.01) that imported one bundle from each of its 8 villages, each with 2,000
   sample records and ~50 MB of photos (village pinned): ``smartcity forward --out FILE`` as a new
   process, wall time, CPU time and peak RSS (target 10 s).
2. The 187 certified desa bundles of 200 records of bench_exchange.py part 3, grouped by kecamatan
   into 23 kecamatan bundles (each signed by its kecamatan's own key, pinned at the kabupaten),
   all 23 in one ``smartcity import`` at the kabupaten: every nested signature, trust decision and
   row verified and written (targets 30 s, peak RSS 300 MB).

Setup is in-process through the services, with the helpers of bench_exchange.py. The machine may
be loaded: the CPU time of the measured process is printed beside its wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_exchange import (
    KABUPATEN,
    KECAMATAN,
    PASSPHRASE,
    Child,
    Table,
    attach_photos,
    base_photos,
    copy_office,
    fmt_s,
    info,
    new_office,
    opened,
    prepare_regency,
    run_child,
    use_parsed_regions,
)

from smartcity_desktop import __version__
from smartcity_desktop.bundles.writer import Sender, write_bundle
from smartcity_desktop.crypto.keys import SigningKey, fingerprint
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.exchange import export_bundle, import_files, ledger
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office

VILLAGES = 8
VILLAGE_SAMPLE = (800, 400, 800)  # 2,000 records


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_child(args: Sequence[str], log: Path) -> tuple[Child, float]:
    before = cpu_seconds_of_children()
    child = run_child(args, log)
    return child, cpu_seconds_of_children() - before


# --- part 1: the kecamatan's forward ---------------------------------------------------------


def prepare_kecamatan(work: Path, args: argparse.Namespace) -> Path:
    root = work / "forward"
    kecamatan = root / "kecamatan"
    ready = root / "READY"
    if args.reuse and ready.exists():
        print(f"forward: reusing {root}", flush=True)
        return kecamatan
    use_parsed_regions()
    started = time.perf_counter()
    if not (kecamatan / "smartcity.sqlite").exists():  # else resume an interrupted setup
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        new_office(kecamatan, "kecamatan", KECAMATAN)
    kec = opened(kecamatan)
    try:
        done = {row["sender"] for row in ledger(kec)}
    finally:
        kec.close()
    bases = base_photos(args.distinct_photos)
    codes = sorted(
        r.code
        for r in bundled_regions()
        if r.code.startswith(KECAMATAN + ".") and r.level == "desa_kelurahan"
    )[:VILLAGES]
    for n, code in enumerate(codes):
        if code in done:
            continue
        folder = root / code
        shutil.rmtree(folder, ignore_errors=True)
        new_office(folder, "desa", code)
        desa = opened(folder)
        try:
            generate(desa, SampleRequest(*VILLAGE_SAMPLE, photos=0, seed=500 + n))
            fingerprint_text = office_fingerprint(desa)
        finally:
            desa.close()
        attach_photos(folder, bases, args.photo_mb * 1_000_000, first=n * 10_000)
        desa = opened(folder)
        try:
            bundle = export_bundle(desa, PASSPHRASE, root / f"{code}.scb", full=True).paths[0]
        finally:
            desa.close()
        kec = opened(kecamatan)
        try:
            pin_office(kec, code, fingerprint_text)
            [report] = import_files(kec, [bundle], receipts=False)
            if report.status != "imported":
                sys.exit(f"village {code}: {report.findings}")
        finally:
            kec.close()
        info(f"village {code}: {bundle.stat().st_size / 1e6:.0f} MB imported at the kecamatan")
        shutil.rmtree(folder)
        bundle.unlink()  # the kecamatan keeps its own copy
    ready.write_text("ok\n")
    info(f"setup {fmt_s(time.perf_counter() - started)}")
    return kecamatan


def bench_forward(work: Path, args: argparse.Namespace, table: Table) -> None:
    print(f"\n1. kecamatan {KECAMATAN}: `smartcity forward` of {VILLAGES} villages", flush=True)
    kecamatan = prepare_kecamatan(work, args)
    scratch = work / "forward-run"
    copy_office(kecamatan, scratch)
    out = work / "forward-out.scb"
    out.unlink(missing_ok=True)
    for kept in (scratch / "received").iterdir():  # from the page cache, like a warm machine
        kept.read_bytes()
    child, cpu = timed_child(
        ["--data-dir", str(scratch), "forward", "--out", str(out)], work / "forward-log"
    )
    if child.returncode != 0:
        sys.exit(f"smartcity forward failed:\n{child.stdout}\n{child.stderr}")
    info(
        f"{out.stat().st_size / 1e6:.0f} MB written: wall {fmt_s(child.seconds)}, "
        f"CPU {fmt_s(cpu)}, peak RSS {child.peak_rss_mb:.0f} MB"
    )
    table.check(
        f"1. forward of {VILLAGES} villages (wall)", child.seconds, 10.0, "s", at_least=False
    )
    shutil.rmtree(scratch)
    out.unlink()


# --- part 2: the kabupaten's import of nested bundles ----------------------------------------


def forward_bundles(work: Path, kabupaten: Path, desa_bundles: list[Path]) -> list[Path]:
    """23 kecamatan bundles nesting the desa bundles of their villages; each kecamatan's key is
    pinned at the kabupaten template."""
    folder = work / "regency" / "forwarded"
    ready = folder / "READY"
    if ready.exists():
        return sorted(folder.glob("*.scb"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    by_kecamatan: dict[str, list[Path]] = defaultdict(list)
    for bundle in desa_bundles:
        by_kecamatan[bundle.stem.rsplit(".", 1)[0]].append(bundle)
    kab = opened(kabupaten)
    try:
        for code, nested in sorted(by_kecamatan.items()):
            key = SigningKey.generate()
            pin_office(kab, code, fingerprint(key.public.raw))
            write_bundle(
                folder / f"{code}.scb",
                sender=Sender(code, "kecamatan", key, None),
                sequence=1,
                records={},
                app_version=f"SmartCity Desktop {__version__}",
                schema_version=SCHEMA_VERSION,
                forwarded=nested,
            )
    finally:
        kab.close()
    ready.write_text("ok\n")
    return sorted(folder.glob("*.scb"))


def bench_regency(work: Path, args: argparse.Namespace, table: Table) -> None:
    print(f"\n2. kabupaten {KABUPATEN}: one `smartcity import` of nested bundles", flush=True)
    kabupaten, desa_bundles = prepare_regency(work, args)
    outer = forward_bundles(work, kabupaten, desa_bundles)
    info(
        f"{len(outer)} kecamatan bundles nesting {len(desa_bundles)} desa bundles, "
        f"{sum(p.stat().st_size for p in outer) / 1e6:.1f} MB"
    )
    scratch = work / "regency-nested-import"
    copy_office(kabupaten, scratch)
    for bundle in outer:
        bundle.read_bytes()
    child, cpu = timed_child(
        ["--data-dir", str(scratch), "import", *map(str, outer)], work / "regency-nested-log"
    )
    if child.returncode != 0:
        sys.exit(f"smartcity import failed:\n{child.stdout[-3000:]}\n{child.stderr}")
    ctx = opened(scratch)
    try:
        rows = ledger(ctx)
    finally:
        ctx.close()
    nested = [r for r in rows if r["forwarded_by"]]
    certified = sum(1 for r in nested if r["trust"] == "certified")
    if len(nested) != len(desa_bundles) or certified != len(desa_bundles):
        sys.exit(f"nested: {len(nested)} imported, {certified} certified")
    info(
        f"{len(rows)} bundles in the ledger ({len(nested)} nested, all certified): wall "
        f"{fmt_s(child.seconds)}, CPU {fmt_s(cpu)}, peak RSS {child.peak_rss_mb:.0f} MB"
    )
    table.check(
        "2. import of 23 bundles nesting 187 (wall)", child.seconds, 30.0, "s", at_least=False
    )
    table.check("2. peak RSS of that import", child.peak_rss_mb, 300, "MB", at_least=False)
    shutil.rmtree(scratch)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where to prepare offices (kept)")
    parser.add_argument("--reuse", action="store_true", help="skip setup already in --workdir")
    parser.add_argument("--photo-mb", type=int, default=50, help="photos per village")
    parser.add_argument("--distinct-photos", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="setup processes")
    parser.add_argument("--skip", choices=("forward", "regency"), action="append", default=[])
    args = parser.parse_args(argv)
    if args.reuse and args.workdir is None:
        parser.error("--reuse needs --workdir")
    temp = None if args.workdir else tempfile.mkdtemp(prefix="smartcity-bench-forwarding-")
    work = (args.workdir or Path(temp or ".")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}\ncpu_count: {os.cpu_count()}, load: {os.getloadavg()}")
    table = Table()
    try:
        if "forward" not in args.skip:
            bench_forward(work, args, table)
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
