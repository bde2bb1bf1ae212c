"""Open a village's main window on a throw-away office with sample data (screenshots).

python tools/demo_desa_lists.py [problem|potential|proposal|send] [--lang en] [--bundle]

``--bundle`` makes one bundle first, so that the status shows a bundle made but not yet received.
Passphrase of the demo office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", default="problem")
    parser.add_argument("--lang", default="id")
    parser.add_argument("--bundle", action="store_true")
    args = parser.parse_args()
    set_language(args.lang)
    root = Path(tempfile.mkdtemp(prefix="smartcity-demo-"))
    try:
        paths = DataPaths(root / "desa")
        init_office(
            paths,
            role="desa",
            office_code="32.16.01.2001",
            operator="Siti Rahma",
            passphrase=PASSPHRASE,
        )
        ctx = open_context(paths)
        generate(ctx, SampleRequest(problems=30, potentials=12, proposals=20, seed=4))
        if args.bundle:
            (root / "kiriman").mkdir()
            export_bundle(ctx, PASSPHRASE, root / "kiriman" / "desa-1.scb")
            generate(ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=9))
        app = QApplication.instance() or QApplication(sys.argv)
        window = MainWindow(Shell(ctx, TaskRunner(), ChangeHub(), Dialogs()))
        window.show_page(args.page)
        window.show_for_screen()
        return app.exec()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
