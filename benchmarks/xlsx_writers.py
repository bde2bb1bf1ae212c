"""Which library writes the analysis XLSX: openpyxl (write-only) or XlsxWriter (constant memory).

    python3 benchmarks/xlsx_writers.py                 # 50,000 rows, 3 runs each
    python3 benchmarks/xlsx_writers.py --rows 200000 --runs 1

Each library writes the same sheet in its streaming mode: a header row, --rows rows of 12 typed
columns as an analysis view has them (texts, integers, a one-decimal float, rupiah with a number
format, a percent), a frozen header, an autofilter and column widths. Each run is a new process so
that peak memory is that run's alone: wall time (median of --runs), and the peak resident memory
of the process (``ru_maxrss``) and the peak Python allocation (tracemalloc, a second run). The
file is opened with openpyxl afterwards to check the row count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = [
    "Kode",
    "Desa",
    "Kecamatan",
    "Dimensi",
    "Judul usulan",
    "Skor",
    "Desa terkait",
    "Penerima manfaat",
    "Biaya (Rp)",
    "Biaya per penerima (Rp)",
    "Tingkat keparahan",
    "Porsi (%)",
]

CHILD = r"""
import json, resource, sys, time, tracemalloc
library, rows, out, traced = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
HEADER = json.loads(sys.argv[5])

def row(n):
    return (
        f"32.16.{n % 23:02d}.{2000 + n % 187}",
        f"Desa Sukamaju {n % 187}",
        f"Kecamatan Cikarang {n % 23}",
        ("living", "economy", "governance", "society", "environment", "branding")[n % 6],
        f"Usulan inovasi nomor {n}: layanan administrasi kependudukan daring",
        round((n * 37 % 1000) / 10, 1),
        n % 40,
        n * 13 % 5000,
        n * 7919 % 900_000_000,
        n * 7919 % 900_000_000 // max(n * 13 % 5000, 1),
        n % 4 + 1,
        (n % 1000) / 10,
    )

if traced:
    tracemalloc.start()
t = time.perf_counter()
if library == "openpyxl":
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Peringkat")
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (14, 24, 24, 12, 60, 8, 8, 10, 18, 18, 8, 8)):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    head = []
    for title in HEADER:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    money, pct = '"Rp" #,##0', '0.0"%"'
    for n in range(rows):
        values = list(row(n))
        c8 = WriteOnlyCell(ws, value=values[8]); c8.number_format = money
        c9 = WriteOnlyCell(ws, value=values[9]); c9.number_format = money
        c11 = WriteOnlyCell(ws, value=values[11]); c11.number_format = pct
        values[8], values[9], values[11] = c8, c9, c11
        ws.append(values)
    ws.auto_filter.ref = f"A1:L{rows + 1}"
    wb.save(out)
else:
    import xlsxwriter
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("Peringkat")
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": '"Rp" #,##0'})
    pct = wb.add_format({"num_format": '0.0"%"'})
    ws.freeze_panes(1, 0)
    for col, width in enumerate((14, 24, 24, 12, 60, 8, 8, 10, 18, 18, 8, 8)):
        ws.set_column(col, col, width)
    ws.write_row(0, 0, HEADER, bold)
    for n in range(rows):
        values = row(n)
        r = n + 1
        ws.write_row(r, 0, values[:8])
        ws.write_number(r, 8, values[8], money)
        ws.write_number(r, 9, values[9], money)
        ws.write_number(r, 10, values[10])
        ws.write_number(r, 11, values[11], pct)
    ws.autofilter(0, 0, rows, 11)
    wb.close()
wall = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps({"wall": wall, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "traced": peak}))
"""


def run(library: str, rows: int, out: Path, traced: bool) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            library,
            str(rows),
            str(out),
            "1" if traced else "0",
            json.dumps(HEADER),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as tmp:
        for library in ("openpyxl", "xlsxwriter"):
            out = Path(tmp) / f"{library}.xlsx"
            runs = [run(library, args.rows, out, traced=False) for _ in range(args.runs)]
            traced = run(library, args.rows, out, traced=True)
            book = load_workbook(out, read_only=True)
            written = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
            book.close()
            assert written == args.rows + 1, (library, written)
            print(
                f"{library:<10} {args.rows} rows x {len(HEADER)} columns: "
                f"{statistics.median(r['wall'] for r in runs):6.2f} s median of {args.runs} "
                f"(min {min(r['wall'] for r in runs):.2f}), "
                f"peak RSS {max(r['rss'] for r in runs) / 2**20:5.0f} MB, "
                f"Python peak {traced['traced'] / 2**20:5.1f} MB, "
                f"file {out.stat().st_size / 2**20:.1f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
