"""Open Data Serupa or Isu Strategis on a throw-away office with Kabupaten Bekasi sample data.

python tools/demo_analysis_pages.py [similar|issues] [--role kecamatan|kabupaten]
    [--problems N] [--expand] [--lang en]

The kabupaten (32.16) or the kecamatan Tarumajaya (32.16.01) receives, as certified rows written
straight into its database, N sample problems (``services.sample_data``: tidal and river floods,
water shortage, waste, polluted rivers, roads) from every village of its area in the bundled
region list. ``--expand`` opens the first issue's records.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.domain.validation import normalise
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services import sample_data
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.storage.models import Problem, table_of
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.search_index import insert_indexed

PASSPHRASE = "rahasia-demo-1"
CODES = {"kecamatan": "32.16.01", "kabupaten": "32.16"}


def fill(ctx: AppContext, per_village: int) -> None:
    """Sample problems of every village of the office's area, as received certified rows."""
    area = ctx.office.code + "."
    villages = sorted(
        r.code for r in bundled_regions() if r.level == "desa_kelurahan" and r.code.startswith(area)
    )
    now = ctx.clock()
    with ctx.db.transaction() as session:
        for n, desa in enumerate(villages):
            gen = sample_data.SampleGenerator(500 + n, desa)
            rows = []
            for _i in range(per_village):
                values = normalise(RecordKind.PROBLEM, gen.problem())
                rid = gen.uuid()
                rows.append(
                    {
                        "id": rid,
                        "office_code": desa,
                        "revision": 1,
                        "status": "final",
                        "deleted": False,
                        "created_at": now,
                        "updated_at": now,
                        "author": "Operator Desa",
                        "sent_revision": None,
                        "trust_level": "certified",
                        "content_hash": content_hash(
                            "problem", rid, desa, 1, "final", False, values
                        ),
                        **values,
                    }
                )
            insert_indexed(session.connection(), table_of(Problem), rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", default="issues", choices=("similar", "issues"))
    parser.add_argument("--role", choices=tuple(CODES), default="kabupaten")
    parser.add_argument("--problems", type=int, default=4, help="problems per village")
    parser.add_argument("--expand", action="store_true")
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)

    root = Path(tempfile.mkdtemp(prefix="smartcity-analysis-demo-"))
    paths = DataPaths(root / args.role)
    init_office(
        paths,
        role=args.role,
        office_code=CODES[args.role],
        operator="Siti Rahma",
        passphrase=PASSPHRASE,
    )
    ctx = open_context(paths)
    fill(ctx, args.problems)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page(args.page)
    if args.expand:
        shell.runner.wait()
        app.processEvents()
        tree = page.tree  # type: ignore[attr-defined]
        if tree.topLevelItemCount():
            tree.topLevelItem(0).setExpanded(True)
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
