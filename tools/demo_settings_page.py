"""Open Pengaturan (or the start-up recovery window) on a throw-away office, to look at it.

python tools/demo_settings_page.py [--recovery] [--confirm] [--portable] [--lang en]
    [--role desa|kecamatan|kabupaten] [--server URL [--password P]]

A desa with sample records and a few backups of each kind; the newest backup is chosen.
``--confirm`` also presses "Pulihkan…" so the confirmation shows what the backup holds;
``--recovery`` damages the database and shows the window the desktop opens at start then;
``--portable`` puts the office where portable mode would (``data`` beside a frozen app's folder
holding ``portable.txt``) and runs as that frozen app would.
``--role`` picks the office (a kecamatan or kabupaten shows the PostgreSQL choice); ``--server``
opens "Hubungkan ke PostgreSQL" filled in from the URL and presses "Uji koneksi".
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.backups import automatic_backup, back_up_now
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths, resolve_data_dir

OFFICE_CODES = {"desa": "32.16.01.2001", "kecamatan": "32.16.01", "kabupaten": "32.16"}


def _test_server(page: object, url: str, password: str) -> None:
    from sqlalchemy.engine import make_url

    box = page.database_box  # type: ignore[attr-defined]
    box.open_dialog()
    dialog = box.dialog
    parsed = make_url(url)
    dialog.host.setText(parsed.host or "")
    dialog.port.setValue(parsed.port or 5432)
    dialog.database.setText(parsed.database or "")
    dialog.user.setText(parsed.username or "")
    dialog.password.setText(password)
    dialog.test_button.click()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recovery", action="store_true")
    parser.add_argument("--confirm", action="store_true")
    parser.add_argument("--portable", action="store_true")
    parser.add_argument("--lang", default="id")
    parser.add_argument("--role", default="desa", choices=sorted(OFFICE_CODES))
    parser.add_argument("--server", metavar="URL")
    parser.add_argument("--password", default="")
    args = parser.parse_args(argv)
    set_language(args.lang)
    root = Path(tempfile.mkdtemp(prefix="smartcity-settings-demo-"))
    paths = DataPaths(root / args.role)
    if args.portable:
        app_folder = root / "FLASHDISK" / "SmartCityDesktop"
        app_folder.mkdir(parents=True)
        (app_folder / "portable.txt").write_text("", encoding="utf-8")
        sys.frozen = True  # type: ignore[attr-defined]  # as PyInstaller's bootloader sets it
        sys.executable = str(app_folder / "smartcity-desktop")
        paths = resolve_data_dir()
    init_office(
        paths,
        role=args.role,
        office_code=OFFICE_CODES[args.role],
        operator="Siti Rahma",
        passphrase="rahasia-demo-1",
    )
    ctx = open_context(paths)
    if args.role == "desa":  # sample records are a village's own
        generate(ctx, SampleRequest(problems=12, potentials=6, proposals=8, seed=3))
    back_up_now(ctx)
    automatic_backup(ctx, "pre-import")
    if args.role == "desa":
        generate(ctx, SampleRequest(problems=3, potentials=1, proposals=1, seed=4))
    automatic_backup(ctx, "daily")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    runner = TaskRunner()
    try:
        if args.recovery:
            from smartcity_desktop.gui.recovery_dialog import RecoveryDialog

            ctx.close()
            with paths.database.open("r+b") as fh:
                fh.write(b"\0" * 100)
            message = f"Berkas {paths.database} bukan basis data SmartCity (bukan SQLite)."
            dialog = RecoveryDialog(paths, runner, Dialogs(), message)
            dialog.show()
            return app.exec()
        shell = Shell(ctx, runner, ChangeHub(), Dialogs())
        window = MainWindow(shell)
        page = window.show_page("settings")
        page.backups.setCurrentRow(0)  # type: ignore[attr-defined]
        if args.confirm:
            QTimer.singleShot(300, page.restore_button.click)  # type: ignore[attr-defined]
        if args.server:
            QTimer.singleShot(300, lambda: _test_server(page, args.server, args.password))
        window.show_for_screen()
        return app.exec()
    finally:
        runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
