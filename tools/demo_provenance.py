"""Open a kecamatan's record list, or a received record, on throw-away offices (screenshots).

python tools/demo_provenance.py [list|record] [--kind problem|potential|proposal] [--lang en]

Two villages of Kecamatan Tarumajaya (Sagara Makmur and Segarajaya) each record sample data and
send a bundle; Sagara Makmur then revises one problem and sends a second bundle. The kecamatan pins
both villages' keys and imports the three bundles. ``list`` shows the kecamatan's list with the
desa, kecamatan and trust columns; ``record`` opens the revised problem, read-only, with its
provenance. Passphrase of every demo office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"
KECAMATAN = "32.16.01"
VILLAGES = {"32.16.01.2001": 3, "32.16.01.2002": 11}  # code -> sample seed


def _office(root: Path, role: str, code: str) -> AppContext:
    paths = DataPaths(root / code)
    init_office(paths, role=role, office_code=code, operator="Siti Rahma", passphrase=PASSPHRASE)
    return open_context(paths)


def prepare(root: Path) -> tuple[AppContext, str]:
    """The kecamatan with both villages' bundles imported, and the revised problem's id."""
    outbox = root / "kiriman"
    outbox.mkdir()
    kecamatan = _office(root, "kecamatan", KECAMATAN)
    bundles: list[Path] = []
    revised = ""
    for code, seed in VILLAGES.items():
        desa = _office(root, "desa", code)
        generate(desa, SampleRequest(problems=14, potentials=6, proposals=8, seed=seed))
        bundles += export_bundle(desa, PASSPHRASE, outbox / f"{code}-1.scb").paths
        if not revised:
            service = RecordService(desa)
            record = service.records(RecordKind.PROBLEM)[0]
            values = {**record.values, "title": record.values["title"] + " (diperbarui)"}
            service.update(RecordKind.PROBLEM, record.id, values)
            revised = record.id
            bundles += export_bundle(desa, PASSPHRASE, outbox / f"{code}-2.scb").paths
        pin_office(kecamatan, code, office_fingerprint(desa), "demo")
        desa.close()
    for bundle in bundles:
        import_files(kecamatan, [bundle])
    return kecamatan, revised


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("view", nargs="?", default="list", choices=("list", "record"))
    parser.add_argument("--kind", default="problem", choices=[k.value for k in RecordKind])
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)
    root = Path(tempfile.mkdtemp(prefix="smartcity-provenance-demo-"))
    ctx, revised = prepare(root)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page("problem" if args.view == "record" else args.kind)
    assert isinstance(page, RecordListPage)
    if args.view == "record":
        page.open_record(revised)
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
