"""Open the bundle pages on throw-away offices, to look at them (screenshots, manual checks).

python tools/demo_bundle_pages.py [send|receive|keys] [--role ROLE]
    [--check] [--import] [--tampered] [--lang en]

A desa with sample records exports a bundle; a kecamatan pins the desa's key; a kabupaten exists
for the keys page. ``--check`` loads the desa's bundle into Terima Data (and ``--tampered`` a
damaged copy next to it); ``--import`` imports it. Passphrase of every demo office: rahasia-demo-1.
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
from smartcity_desktop.services.office import init_office, office_fingerprint
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
    parser.add_argument("page", nargs="?", default="receive", choices=("send", "receive", "keys"))
    parser.add_argument("--role", choices=tuple(CODES))
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--import", dest="do_import", action="store_true")
    parser.add_argument("--tampered", action="store_true")
    parser.add_argument(
        "--abandoned", action="store_true", help="an export interrupted after the first (send)"
    )
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)
    role = args.role or ("kecamatan" if args.page == "receive" else "desa")

    root = Path(tempfile.mkdtemp(prefix="smartcity-bundle-demo-"))
    desa = open_context(_office(root, "desa"))
    generate(desa, SampleRequest(problems=12, potentials=6, proposals=8, photos=3, seed=3))
    outbox = root / "kiriman"
    outbox.mkdir()
    files = list(export_bundle(desa, PASSPHRASE, outbox).paths)
    generate(desa, SampleRequest(problems=2, potentials=1, proposals=1, seed=9))
    if args.abandoned:  # as if the app died while writing bundle 2: the next start closes it
        from smartcity_desktop.services.exchange import export_journal

        export_journal.reserve(desa, key_id="demo", full=False, counts={}, folder=outbox)
        export_journal.abandon_pending(desa)
    if args.tampered:
        bad = outbox / "rusak.scb"
        data = bytearray(files[0].read_bytes())
        data[len(data) // 2] ^= 0x01
        bad.write_bytes(bytes(data))
        files.append(bad)
    if role == "desa":
        ctx = desa
    else:
        ctx = open_context(_office(root, role))
        pin_office(ctx, CODES["desa"], office_fingerprint(desa), "demo")
        desa.close()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page(args.page)
    if args.page == "send":
        page.set_folder(outbox)  # type: ignore[attr-defined]
    if args.page == "receive" and (args.check or args.do_import):
        page.check_files(files)  # type: ignore[attr-defined]
        shell.runner.wait()
        app.processEvents()  # deliver the queued result before importing (demo only)
        if args.do_import:
            page.start_import()  # type: ignore[attr-defined]
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
