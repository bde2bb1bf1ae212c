"""A kecamatan's record lists with 50,000 received records: origin columns, filters, memory.

    python benchmarks/bench_provenance_list.py [--workdir DIR [--reuse]] [--runs 3]

Setup (in-process, through the services): the eight villages of Kecamatan Tarumajaya each record
2,500 problems, 1,250 potentials and 2,500 proposals with ``sample_data``, export one full signed
bundle each, and the kecamatan pins their keys and imports the eight bundles: 50,000 records owned
by eight desa offices. ``--workdir`` keeps the offices; ``--reuse`` measures them again.

Figures, as in ``bench_gui.py`` (whose measuring code this reuses): start-up and peak resident
memory with all three lists filled, measured in fresh processes of the real app; then, in this
process, search keystrokes, sorting (including by desa, kecamatan and trust mark, which sort by the
name shown), filtering by desa, and opening a received record's read-only form with its provenance.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_gui  # the shared measuring code, next to this script

PASSPHRASE = "benchmark-passphrase-2026"
KECAMATAN = "32.16.01"
VILLAGES = [
    f"32.16.01.{n}" for n in ("1007", "2001", "2002", "2003", "2004", "2005", "2006", "2008")
]
PER_VILLAGE = {"problems": 2500, "potentials": 1250, "proposals": 2500}
TARGETS = {"keystroke_ms": 100.0, "sort_ms": 300.0, "open_form_ms": 150.0, "rss_mb": 300.0}


def make_offices(root: Path) -> Path:
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle, import_files
    from smartcity_desktop.services.office import init_office, office_fingerprint
    from smartcity_desktop.services.sample_data import SampleRequest, generate
    from smartcity_desktop.services.trust import pin_office
    from smartcity_desktop.storage.paths import DataPaths

    kecamatan_dir = root / "kecamatan"
    init_office(
        DataPaths(kecamatan_dir),
        role="kecamatan",
        office_code=KECAMATAN,
        operator="Operator Benchmark",
        passphrase=PASSPHRASE,
    )
    kecamatan = open_context(DataPaths(kecamatan_dir))
    bundles: list[Path] = []
    for n, code in enumerate(VILLAGES):
        paths = DataPaths(root / code)
        init_office(
            paths, role="desa", office_code=code, operator="Operator Desa", passphrase=PASSPHRASE
        )
        desa = open_context(paths)
        generate(desa, SampleRequest(**PER_VILLAGE, seed=100 + n))
        bundles += export_bundle(desa, PASSPHRASE, root / f"{code}.scb", full=True).paths
        pin_office(kecamatan, code, office_fingerprint(desa), "benchmark")
        desa.close()
    t0 = time.perf_counter()
    for report in import_files(kecamatan, bundles):
        if report.status != "imported":
            raise SystemExit(f"import failed: {report.name} {report.status}")
    print(f"eight village bundles imported in {time.perf_counter() - t0:.1f} s")
    kecamatan.close()
    return kecamatan_dir


def origin_figures(folder: Path) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.gui.changes import ChangeHub
    from smartcity_desktop.gui.errors import Dialogs
    from smartcity_desktop.gui.forms.provenance_panel import ProvenancePanel
    from smartcity_desktop.gui.main_window import MainWindow, Shell
    from smartcity_desktop.gui.record_list import RecordListPage
    from smartcity_desktop.gui.tasks import TaskRunner
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.provenance import record_provenance
    from smartcity_desktop.storage.paths import DataPaths

    app = QApplication.instance() or QApplication(sys.argv[:1])
    ctx = open_context(DataPaths(folder))
    runner = TaskRunner()
    window = MainWindow(Shell(ctx, runner, ChangeHub(), Dialogs()))
    window.resize(1366, 768)
    window.show()
    figures: dict[str, list[float]] = {
        "origin_sort_ms": [],
        "desa_filter_ms": [],
        "open_ms": [],
        "provenance_ms": [],
    }
    try:
        page = window.show_page("problem")
        assert isinstance(page, RecordListPage)
        bench_gui.wait_for(app, lambda: page.model.total > 0, 60)
        for name in ("origin_desa", "origin_kecamatan", "trust_level"):
            col = page.model.column_of(name)
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                t0 = time.perf_counter()
                page.table.sortByColumn(col, order)
                page.table.viewport().repaint()
                figures["origin_sort_ms"].append((time.perf_counter() - t0) * 1000)
        desa = page.desa_filter
        assert desa is not None
        for code in (*VILLAGES[:4], None):
            t0 = time.perf_counter()
            desa.setCurrentIndex(desa.findData(code) if code else 0)
            page.table.viewport().repaint()
            figures["desa_filter_ms"].append((time.perf_counter() - t0) * 1000)
        for row in (0, 17, 500):
            record_id = page.model.record_id(row)
            t0 = time.perf_counter()
            editor = page.open_record(record_id)
            assert editor is not None and getattr(editor, "provenance_panel", None) is not None
            editor.repaint()
            figures["open_ms"].append((time.perf_counter() - t0) * 1000)
            QApplication.processEvents()
            assert page.can_close()
        # The share of opening a form that provenance adds: gathering it and building its panel.
        for row in range(0, 2000, 40):
            record_id = page.model.record_id(row)
            assert record_id is not None
            t0 = time.perf_counter()
            panel = ProvenancePanel(record_provenance(ctx, RecordKind.PROBLEM, record_id))
            panel.show()
            QApplication.processEvents()
            figures["provenance_ms"].append((time.perf_counter() - t0) * 1000)
            panel.deleteLater()
    finally:
        runner.wait()
        window.close()
        ctx.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-provenance-") as tmp:
        root = args.workdir or Path(tmp)
        folder = root / "kecamatan"
        if not (args.reuse and folder.exists()):
            root.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            make_offices(root)
            print(f"kecamatan with 8 villages' records made in {time.perf_counter() - t0:.1f} s")
        runs = [
            bench_gui.timed_process(bench_gui.APP_WINDOW, str(folder)) for _ in range(args.runs)
        ]
        figures = bench_gui.interactive(folder)
        figures.update(origin_figures(folder))

    missed = []

    def line(name: str, value: float, unit: str, target: float | None, note: str = "") -> None:
        ok = target is None or value <= target
        if not ok:
            missed.append(name)
        verdict = "" if target is None else ("ok  " if ok else "MISS")
        goal = "" if target is None else f"(target <= {target:g} {unit})"
        print(f"{verdict:4} {name:46} {value:8.1f} {unit:3} {goal} {note}")

    print(f"\nrecords listed at the kecamatan: {runs[0]['rows']}")
    line(
        "start-up to main window painted (median)",
        statistics.median(r["elapsed"] for r in runs),
        "s",
        None,
    )
    keys = figures["keystroke_ms"]
    line(
        "search: keystroke to list repainted, median",
        statistics.median(keys),
        "ms",
        TARGETS["keystroke_ms"],
        f"(max {max(keys):.0f} ms, {len(keys)} keys)",
    )
    line("sort a column of 20,000, worst", max(figures["sort_ms"]), "ms", TARGETS["sort_ms"])
    line(
        "sort by desa, kecamatan or trust mark, worst",
        max(figures["origin_sort_ms"]),
        "ms",
        TARGETS["sort_ms"],
    )
    line("filter by dimension, worst", max(figures["filter_ms"]), "ms", None)
    line("filter by desa, worst", max(figures["desa_filter_ms"]), "ms", None)
    line(
        "open a received problem's form with provenance, median",
        statistics.median(figures["open_ms"]),
        "ms",
        TARGETS["open_form_ms"],
        f"(max {max(figures['open_ms']):.0f} ms)",
    )
    provenance = figures["provenance_ms"]
    line(
        "of which provenance (service + panel), median",
        statistics.median(provenance),
        "ms",
        None,
        f"(max {max(provenance):.0f} ms, {len(provenance)} records)",
    )
    line(
        "peak resident memory, 50,000 listed",
        max(r["rss_mb"] for r in runs),
        "MB",
        TARGETS["rss_mb"],
    )
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
