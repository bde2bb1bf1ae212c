"""Open Analisis on a throw-away kabupaten (or kecamatan) office with sample village data.

python tools/demo_analysis_views.py [VIEW] [--role kecamatan|kabupaten] [--per-village N]
    [--tab N] [--drill] [--lang en]

VIEW is a name from ``smartcity analysis list`` (default: the first view). Every desa and
kelurahan of Kabupaten Bekasi in the bundled region list (187 in 23 kecamatan; the 8 of
Tarumajaya for a kecamatan) gets problems, potentials and proposals from ``services.sample_data``
(proposals linked to their village's problems and potentials), written straight into the
office's database as received rows: a varying number per village (about N), two in three
certified, the rest locally trusted, entered over the last twelve months. ``--tab`` shows another
table of the view; ``--drill`` opens the records behind the first cell of the busiest row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
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
from smartcity_desktop.storage.models import (
    Potential,
    Problem,
    Proposal,
    ProposalLink,
    bulk_insert_raw,
    table_of,
)
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.search_index import insert_indexed

PASSPHRASE = "rahasia-demo-1"
CODES = {"kecamatan": "32.16.01", "kabupaten": "32.16"}
MODELS = {
    RecordKind.PROBLEM: Problem,
    RecordKind.POTENTIAL: Potential,
    RecordKind.PROPOSAL: Proposal,
}


def _row(
    kind: RecordKind, rid: str, desa: str, values: dict[str, Any], when: Any, trust: str
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": rid,
        "office_code": desa,
        "revision": 1,
        "status": "final",
        "deleted": False,
        "created_at": when,
        "updated_at": when,
        "author": "Operator Desa",
        "sent_revision": None,
        "trust_level": trust,
        "content_hash": content_hash(kind.value, rid, desa, 1, "final", False, values),
    }
    for spec in FIELDS[kind]:
        if spec.type is FieldType.LINKS:
            continue
        value = values[spec.name]
        row[spec.name] = ",".join(value) if spec.type is FieldType.MULTICHOICE else value
    return row


def fill(ctx: AppContext, per_village: int) -> int:
    area = ctx.office.code + "."
    villages = sorted(
        r.code for r in bundled_regions() if r.level == "desa_kelurahan" and r.code.startswith(area)
    )
    rng = random.Random(8)
    now = ctx.clock()
    rows: dict[RecordKind, list[dict[str, Any]]] = {k: [] for k in MODELS}
    links: list[dict[str, Any]] = []
    for n, desa in enumerate(villages):
        gen = sample_data.SampleGenerator(700 + n, desa)
        count = max(1, round(per_village * rng.uniform(0.2, 1.8)))
        made: dict[RecordKind, list[str]] = {k: [] for k in MODELS}
        for kind, share in (
            (RecordKind.PROBLEM, 1.0),
            (RecordKind.POTENTIAL, 0.5),
            (RecordKind.PROPOSAL, 0.7),
        ):
            for _i in range(max(1, round(count * share))):
                if kind is RecordKind.PROBLEM:
                    raw = gen.problem()
                elif kind is RecordKind.POTENTIAL:
                    raw = gen.potential()
                else:
                    raw = gen.proposal(made[RecordKind.PROBLEM], made[RecordKind.POTENTIAL])
                values = normalise(kind, raw)
                rid = gen.uuid()
                when = now - dt.timedelta(days=rng.randint(0, 360))
                trust = "certified" if rng.random() < 0.67 else "locally_trusted"
                rows[kind].append(_row(kind, rid, desa, values, when, trust))
                made[kind].append(rid)
                if kind is RecordKind.PROPOSAL:
                    links += [
                        {"proposal_id": rid, "target_kind": target_kind, "target_id": target}
                        for field, target_kind in (
                            ("problem_ids", "problem"),
                            ("potential_ids", "potential"),
                        )
                        for target in values.get(field) or []
                    ]
    with ctx.db.transaction() as session:
        connection = session.connection()
        for kind, model in MODELS.items():
            insert_indexed(connection, table_of(model), rows[kind])
        bulk_insert_raw(connection, table_of(ProposalLink), links)
    return sum(len(r) for r in rows.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("view", nargs="?", help="a view name (smartcity analysis list)")
    parser.add_argument("--role", choices=tuple(CODES), default="kabupaten")
    parser.add_argument("--per-village", type=int, default=12)
    parser.add_argument("--tab", type=int, default=0)
    parser.add_argument("--drill", action="store_true")
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)

    root = Path(tempfile.mkdtemp(prefix="smartcity-analysis-views-"))
    paths = DataPaths(root / args.role)
    init_office(
        paths,
        role=args.role,
        office_code=CODES[args.role],
        operator="Siti Rahma",
        passphrase=PASSPHRASE,
    )
    ctx = open_context(paths)
    print(f"{fill(ctx, args.per_village)} records", file=sys.stderr)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page: Any = window.show_page("analysis")
    if args.view:
        page.select_view(args.view)
    shell.runner.wait()
    app.processEvents()
    if args.tab:
        page.tabs.setCurrentIndex(args.tab)
    window.show_for_screen()
    if args.drill and page.panes:
        view = page.panes[page.tabs.currentIndex()].view
        model = view.result_model
        busiest = max(range(model.rowCount() - 1), key=lambda r: str(model.rows[r].values[-1]))
        view.drill_requested.emit(busiest, 1)
        shell.runner.wait()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
