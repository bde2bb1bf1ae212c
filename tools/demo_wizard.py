"""Open the first-run wizard at its office page with a search typed, to look at it.

python tools/demo_wizard.py [SEARCH] [--kecamatan SEARCH] [--lang en]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.i18n import set_language
from smartcity_desktop.storage.paths import DataPaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("search", nargs="?", default="", help="typed into the desa search")
    parser.add_argument("--kecamatan", default="", help="typed into the kecamatan search")
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)

    from PySide6.QtTest import QTest

    from smartcity_desktop.gui.qt_translations import install_qt_translations
    from smartcity_desktop.gui.tasks import SyncTaskRunner
    from smartcity_desktop.gui.wizard import SetupWizard

    app = QApplication(sys.argv[:1])
    install_qt_translations(args.lang)
    folder = Path(tempfile.mkdtemp(prefix="smartcity-wizard-demo-"))
    wizard = SetupWizard(DataPaths(folder / "data"), SyncTaskRunner())
    wizard.show()
    wizard.next()
    wizard.role_page.buttons["desa"].setChecked(True)
    wizard.next()
    page = wizard.office_page
    if args.kecamatan:
        QTest.keyClicks(page.kecamatan.search, args.kecamatan)
    if args.search:
        QTest.keyClicks(page.desa.search, args.search)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
