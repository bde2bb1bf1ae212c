"""Open a settings dialog of the proposal views on a throw-away kabupaten, to look at it.

python tools/demo_view_settings.py [bobot|kriteria|padanan] [--lang en]

The kabupaten gets a few crosswalk rows so that the table editor has something to show.
Passphrase of the demo office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.analysis.settings_dialogs import (
    CriteriaDialog,
    CrosswalkDialog,
    WeightsDialog,
)
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.analysis.crosswalk import CrosswalkRow, replace_crosswalk
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.storage.paths import DataPaths

ROWS = [
    CrosswalkRow("1.03", "", "Dinas PUPR", "1.03.10", "Program Penyelenggaraan Jalan"),
    CrosswalkRow("1.03", "", "", "1.03.02", "Program Pengelolaan Sumber Daya Air"),
    CrosswalkRow("", "sampah_limbah", "", "2.11.05", "Program Pengelolaan Persampahan"),
    CrosswalkRow("1.02", "kesehatan", "", "1.02.02", "Program Pemenuhan Upaya Kesehatan"),
    CrosswalkRow("", "", "Diskominfosantik", "2.16.02", "Program Aplikasi Informatika"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dialog", choices=("bobot", "kriteria", "padanan"), nargs="?",
                        default="bobot")  # fmt: skip
    parser.add_argument("--lang", default="id")
    args = parser.parse_args()
    set_language(args.lang)
    root = Path(tempfile.mkdtemp(prefix="demo-view-settings-"))
    app = QApplication(sys.argv)
    try:
        paths = DataPaths(root / "kabupaten")
        init_office(
            paths, role="kabupaten", office_code="32.16", operator="Siti Rahma",
            passphrase="rahasia-demo-1",
        )  # fmt: skip
        ctx = open_context(paths)
        replace_crosswalk(ctx, ROWS)
        shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
        kind = {"bobot": WeightsDialog, "kriteria": CriteriaDialog, "padanan": CrosswalkDialog}
        dialog = kind[args.dialog](shell)
        dialog.show()
        code = app.exec()
        ctx.close()
        return code
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
