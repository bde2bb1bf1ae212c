"""Bundle write/verify benchmark; every figure is a ratio to a baseline measured in the same run.

    python benchmarks/bench_bundle_verify.py            # 10,000 records + ~300 MB of photos
    python benchmarks/bench_bundle_verify.py --runs 9   # more rounds (the median is compared)
    python benchmarks/bench_bundle_verify.py --big      # also peak RSS verifying a ~1 GB bundle

Targets: verify >= 0.5x raw SHA-256 throughput, faster than `bagit` validating the unpacked bag,
write <= 5 s, >= 10,000 records/s, peak RSS verifying 1 GB <= 250 MB.

Fairness: `bagit` validates the bag unpacked from the very bundle that is verified (same bytes),
both are read once before timing so both come from the page cache, and each round times raw
SHA-256, verify and bagit back to back, so a busy machine slows all three alike; the medians are
compared. CPU seconds (all threads) are shown too: verify hashes on several threads, bagit on one.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import bagit

from smartcity_desktop.bundles import reader
from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.bundles.writer import AttachmentFile, Sender, write_bundle
from smartcity_desktop.crypto.keys import SigningKey

OFFICE = "32.16.01.2001"
CHUNK = 1 << 20


def records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"problem-{i:06d}",
            "office_code": OFFICE,
            "revision": 1,
            "title": f"Jalan desa rusak di RT {i % 17:02d}",
            "bidang": "infrastruktur",
            "description": "Jalan berlubang sepanjang 200 meter, sulit dilalui saat hujan. " * 3,
            "severity": i % 4,
            "created": "2026-03-01T08:00:00Z",
        }
        for i in range(count)
    ]


def make_photos(folder: Path, total_bytes: int, size: int = 3 << 20) -> list[AttachmentFile]:
    photos = []
    for index in range(max(1, total_bytes // size)):
        data = b"\xff\xd8\xff\xe0" + os.urandom(size - 4)
        path = folder / f"photo-{index:04d}.jpg"
        path.write_bytes(data)
        photos.append(AttachmentFile(hashlib.sha256(data).hexdigest(), path))
    return photos


def build(folder: Path, name: str, record_count: int, photo_bytes: int) -> tuple[Path, float]:
    photos = make_photos(folder, photo_bytes)
    rows = records(record_count)
    rows_by_kind = {
        "problem": rows,
        "attachment": [
            {"id": f"a{i}", "office_code": OFFICE, "sha256": p.sha256} for i, p in enumerate(photos)
        ],
    }
    started = time.perf_counter()
    write_bundle(
        folder / name,
        sender=Sender(OFFICE, "desa", SigningKey.generate()),
        sequence=1,
        records=rows_by_kind,
        app_version="bench",
        schema_version=1,
        attachments=photos,
    )
    elapsed = time.perf_counter() - started
    for photo in photos:
        photo.path.unlink()
    return folder / name, elapsed


def raw_sha256_seconds(path: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return time.perf_counter() - started


def warm(paths: list[Path]) -> None:
    """Read every file once so that every timed run reads from the page cache."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(CHUNK):
                pass


def timed(action: Any) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads) of ``action()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def verify_ok(path: Path) -> None:
    result = verify_bundle(path)
    assert result.ok, result.problems


def peak_rss_mb(path: Path) -> float:
    code = (
        "import resource, sys; from pathlib import Path;"
        "from smartcity_desktop.bundles.reader import verify_bundle;"
        "r = verify_bundle(Path(sys.argv[1])); assert r.ok, r.problems;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", action="store_true", help="also measure RSS on a ~1 GB bundle")
    parser.add_argument("--photo-mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (median compared)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        path, write_s = build(folder, "bench.scb", 10_000, args.photo_mb << 20)
        size_mb = path.stat().st_size / 1e6
        unpacked = folder / "unpacked"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(unpacked)  # our own fresh file, only for the comparison
        (bag_folder,) = unpacked.iterdir()
        warm([path, *sorted(p for p in bag_folder.rglob("*") if p.is_file())])
        verify_ok(path)  # first run outside the timing: imports, lazily built tables
        rounds: list[tuple[float, tuple[float, float], tuple[float, float]]] = []
        for _ in range(max(1, args.runs)):
            sha_s = raw_sha256_seconds(path)
            verify = timed(lambda: verify_ok(path))
            bag = timed(lambda: bagit.Bag(str(bag_folder)).validate(processes=1))
            rounds.append((sha_s, verify, bag))

        records_path, records_s = build(folder, "records.scb", 10_000, 0)
        print(f"bundle: {size_mb:.0f} MB, 10,000 records + {args.photo_mb} MB of photos")
        print(f"verify threads: {reader.HASH_THREADS} (cpu_count {os.cpu_count()})")
        print("round  raw SHA-256 s  verify s (cpu)   bagit s (cpu)   verify/bagit")
        for number, (sha_s, (v_s, v_cpu), (b_s, b_cpu)) in enumerate(rounds, 1):
            print(
                f"{number:5d}  {sha_s:12.3f}  {v_s:7.3f} ({v_cpu:.3f})  "
                f"{b_s:6.3f} ({b_cpu:.3f})  {v_s / b_s:11.2f}"
            )
        sha_s = statistics.median(r[0] for r in rounds)
        verify_s = statistics.median(r[1][0] for r in rounds)
        bagit_s = statistics.median(r[2][0] for r in rounds)
        print(f"medians of {len(rounds)} rounds:")
        print(f"raw SHA-256:   {size_mb / sha_s:8.0f} MB/s  {sha_s:.3f} s")
        print(
            f"verify:        {size_mb / verify_s:8.0f} MB/s  {verify_s:.3f} s  "
            f"throughput ratio to raw SHA-256 {sha_s / verify_s:.2f} (target >= 0.5)"
        )
        print(
            f"bagit:         {size_mb / bagit_s:8.0f} MB/s  {bagit_s:.3f} s  "
            f"verify/bagit time {verify_s / bagit_s:.2f} (target < 1)"
        )
        print(f"write:         {write_s:8.2f} s  (target <= 5 s)")
        print(f"record write:  {10_000 / records_s:8.0f} records/s (target >= 10,000)")
        records_path.unlink()
        if args.big:
            path.unlink()
            big, _ = build(folder, "big.scb", 10_000, 1000 << 20)
            size = big.stat().st_size / 1e9
            print(f"peak RSS verifying {size:.2f} GB: {peak_rss_mb(big):.0f} MB (target <= 250)")


if __name__ == "__main__":
    main()
