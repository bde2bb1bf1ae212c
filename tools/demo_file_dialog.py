"""Open the app's file dialog (as "Simpan Rekap Desa" does), to look at it.

python tools/demo_file_dialog.py [save|open|folder] [--lang en]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from smartcity_desktop.i18n import _, set_language


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", nargs="?", default="save", choices=("save", "open", "folder"))
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)

    from smartcity_desktop.gui import file_dialogs
    from smartcity_desktop.gui.file_dialogs import Purpose
    from smartcity_desktop.gui.qt_translations import install_qt_translations

    app = QApplication(sys.argv[:1])
    install_qt_translations(args.lang)
    exports = Path(tempfile.mkdtemp(prefix="smartcity-dialog-demo-")) / "exports"
    exports.mkdir()
    (exports / "paket-32160120010001.zip").write_bytes(b"demo")
    (exports / "rekap-desa-3216012001-20261130.pdf").write_bytes(b"demo")
    if args.mode == "save":
        file_dialogs.save_file(
            None,
            _("Simpan Rekap Desa"),
            Purpose.REPORTS,
            exports / "rekap-desa-3216012001-20261201.pdf",
            _("Berkas PDF (*.pdf)"),
        )
    elif args.mode == "open":
        file_dialogs.open_files(None, _("Pilih paket data"), Purpose.BUNDLES, exports, "*.zip")
    else:
        file_dialogs.choose_folder(None, _("Pilih folder tujuan paket"), Purpose.BUNDLES, exports)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
