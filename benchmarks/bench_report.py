"""Time to build the village recap PDF ("Rekap Desa") from a sample office.

    python benchmarks/bench_report.py                  # 500 records (target: <= 5 s)
    python benchmarks/bench_report.py --records 5000   # scaling check, no target
    python benchmarks/bench_report.py --keep           # leave the data folder and PDFs for a look

Records are split 40 % problems, 20 % potentials, 40 % proposals, as villages tend to write them.
Each size is built three times; the median is reported, with pages, file size and records/s.
Exits 1 if the 500-record target is missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.reports import build_desa_recap
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.paths import DataPaths

TARGET_RECORDS = 500
TARGET_SECONDS = 5.0


def bench(size: int, root: Path, runs: int) -> float:
    paths = DataPaths(root / f"office-{size}")
    init_office(
        paths,
        role="desa",
        office_code="32.16.01.2001",
        operator="Benchmark",
        passphrase="rahasia-desa-2026",
    )
    ctx = open_context(paths)
    try:
        generate(ctx, SampleRequest(size * 2 // 5, size // 5, size - size * 3 // 5, 0, seed=1))
        update_settings(ctx, {"kepala_desa_name": "H. Ahmad Suryana"})
        out = root / f"rekap-{size}.pdf"
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            build_desa_recap(ctx, out)
            times.append(time.perf_counter() - start)
    finally:
        ctx.close()
    median = statistics.median(times)
    pages = len(PdfReader(out).pages)
    print(
        f"{size:>6} records: {median:6.2f} s median of {runs} "
        f"(min {min(times):.2f}, max {max(times):.2f}), {pages} pages, "
        f"{out.stat().st_size / 1e6:.2f} MB, {size / median:,.0f} records/s"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="*", default=[TARGET_RECORDS])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-report-"))
    ok = True
    try:
        for size in args.records:
            seconds = bench(size, root, args.runs)
            if size == TARGET_RECORDS:
                ok = seconds <= TARGET_SECONDS
                print(
                    f"target {TARGET_RECORDS} records <= {TARGET_SECONDS:.0f} s: "
                    f"{'ok' if ok else 'MISSED'}"
                )
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
