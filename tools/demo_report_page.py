"""Open the Laporan page on throw-away offices, to look at it (screenshots, manual checks).

python tools/demo_report_page.py [--role desa|kecamatan|kabupaten] [--lang en]

At the kecamatan, one village (Sagara Makmur) has sent a bundle that is reviewed and verified;
the deadline has passed, so the other villages are late. Passphrase: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.completeness import set_deadline
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import Decision, review_records, verify_village
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"
CODES = {"desa": "32.16.01.2001", "kecamatan": "32.16.01", "kabupaten": "32.16"}


def _office(root: Path, role: str) -> DataPaths:
    paths = DataPaths(root / role)
    init_office(
        paths, role=role, office_code=CODES[role], operator="Siti Rahma", passphrase=PASSPHRASE
    )
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", default="kecamatan", choices=sorted(CODES))
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)
    root = Path(tempfile.mkdtemp(prefix="smartcity-demo-"))
    desa = open_context(_office(root, "desa"))
    generate(desa, SampleRequest(problems=6, potentials=3, proposals=4, seed=3))
    ctx = desa
    if args.role != "desa":
        ctx = open_context(_office(root, args.role))
        pin_office(ctx, desa.office.code, office_fingerprint(desa))
        (root / "out").mkdir()
        result = export_bundle(desa, PASSPHRASE, root / "out" / "desa-1.scb")
        import_files(ctx, list(result.paths))
        if args.role == "kecamatan":
            ids = [
                r.id
                for kind in RecordKind
                for r in RecordService(ctx).records(kind, ListFilter(office_code=desa.office.code))
            ]
            review_records(ctx, ids, Decision("diterima"))
            verify_village(ctx, desa.office.code, "diterima")
            set_deadline(ctx, dt.date.today() - dt.timedelta(days=3))
        desa.close()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    window.show_page("report")
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
