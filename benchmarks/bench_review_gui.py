"""The review queue page: next record by key press, Enter to save and move on, bulk review.

    python3 benchmarks/bench_review_gui.py                     # 3,000 records, keeps nothing
    python3 benchmarks/bench_review_gui.py --workdir /tmp/brg  # keep the offices
    python3 benchmarks/bench_review_gui.py --workdir /tmp/brg --reuse

Setup as in ``bench_review.py`` (a desa's sample records sent as one signed bundle and imported by
its kecamatan; --problems/--potentials/--proposals, default 1,000 each). Then the Reviu Data page
is built on the kecamatan (offscreen unless QT_QPA_PLATFORM says otherwise) and measured as the
official feels it, from the key press until the page has been repainted:

1. PgDown (next record, target <= 50 ms), --steps times, with no filter and with "belum direviu";
2. "1" then Enter (save the review and show the next record), --steps times;
3. bulk review of 1,000 selected records (target <= 1 s): the button click until the list shows
   the new states.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_review import setup
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.review.queue_page import SHOW_UNREVIEWED, ReviewQueuePage
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.context import open_context

STEP_TARGET, BULK_TARGET = 0.050, 1.0


def report(label: str, seconds: list[float], target: float) -> bool:
    median, worst = statistics.median(seconds), max(seconds)
    ok = median <= target
    print(
        f"{label:<46} median {median * 1000:8.1f} ms  max {worst * 1000:8.1f} ms  "
        f"target {target * 1000:.0f} ms  {'ok' if ok else 'MISSED'}"
    )
    return ok


def timed_keys(app: QApplication, page: ReviewQueuePage, keys: list[Qt.Key]) -> float:
    started = time.perf_counter()
    for key in keys:
        QTest.keyClick(page.table, key)
    page.repaint()
    app.processEvents()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--problems", type=int, default=1000)
    parser.add_argument("--potentials", type=int, default=1000)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    temporary = args.workdir is None
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-review-gui-")) / "w"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        paths = setup(work, args)
        ctx = open_context(paths)
        try:
            shell = Shell(ctx, SyncTaskRunner(), ChangeHub(), Dialogs())
            started = time.perf_counter()
            page = ReviewQueuePage(shell)
            page.resize(1180, 700)
            page.show()
            app.processEvents()
            print(
                f"page built with {len(page.entries)} records listed in "
                f"{(time.perf_counter() - started) * 1000:.0f} ms"
            )
            page.table.setFocus()
            ok = report(
                "PgDown: next record, no filter",
                [timed_keys(app, page, [Qt.Key.Key_PageDown]) for _ in range(args.steps)],
                STEP_TARGET,
            )
            saves = [
                timed_keys(app, page, [Qt.Key.Key_1, Qt.Key.Key_Return]) for _ in range(args.steps)
            ]
            ok &= report("1 + Enter: save and show the next record", saves, STEP_TARGET)
            page.show_filter.setCurrentIndex(page.show_filter.findData(SHOW_UNREVIEWED))
            app.processEvents()
            page.table.setFocus()
            ok &= report(
                "PgDown: next record, belum direviu",
                [timed_keys(app, page, [Qt.Key.Key_PageDown]) for _ in range(args.steps)],
                STEP_TARGET,
            )
            model = page.table.model()
            count = min(1000, page.table.rowCount())
            page.table.selectionModel().select(
                QItemSelection(model.index(0, 0), model.index(count - 1, 2)),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
            page.form.choose_state("perlu_perbaikan")
            page.form.reason.setCurrentIndex(page.form.reason.findData("foto_belum_ada"))
            started = time.perf_counter()
            page.bulk_button.click()
            page.repaint()
            app.processEvents()
            bulk = time.perf_counter() - started
            assert page.message.text().startswith(f"Reviu tersimpan untuk {count} "), (
                page.message.text()
            )
            ok &= report(f"bulk review of {count} selected records", [bulk], BULK_TARGET)
            page.close()
        finally:
            ctx.close()
    finally:
        if temporary:
            shutil.rmtree(work.parent, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
