"""``smartcity-desktop``: the desktop application's entry point.

Start-up order matters: the data folder is locked first (one application per folder), then checked
(a corrupt or newer database is refused with its own message, never a traceback), set up through the
wizard if it holds no office yet, and only then opened. Logging to the data folder starts once an
office exists, so a wizard cancelled half-way leaves the folder as it found it.

Bundles named on the command line (``smartcity-desktop PATH``, which is what a double-click in the
file manager or Explorer runs) open on Terima Data, checked as if chosen there; nothing is imported
before the user clicks Impor. A second start on a folder already open hands its files to that
window and brings it to the front (gui/single_instance.py).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from smartcity_desktop import __version__
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import Dialogs, error_text, install_excepthook, message_box
from smartcity_desktop.gui.qt_translations import install_qt_translations
from smartcity_desktop.i18n import LANGUAGES, _, current_language, set_language
from smartcity_desktop.storage.paths import DataPaths, resolve_data_dir

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED = 0, 1
APP_NAME = "SmartCity Desktop"
# For benchmarks/installers.py: "painted" ends the app once the main window is first painted,
# "loaded" once the data is open and the first page's work is done. Not for everyday use.
EXIT_AFTER_START_ENV = "SMARTCITY_EXIT_AFTER_START"


QT_VALUE_OPTIONS = frozenset(
    {
        "-platform",
        "-platformpluginpath",
        "-platformtheme",
        "-plugin",
        "-qwindowgeometry",
        "-qwindowicon",
        "-qwindowtitle",
        "-style",
        "-stylesheet",
        "-session",
        "-display",
        "-geometry",
        "-title",
    }
)


# storage/postgres.py's ServerLoginError: the server refused the login (or wanted a password).
SERVER_LOGIN_CODE = "storage.server_login"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="smartcity-desktop", description=APP_NAME)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("folder data kantor (bawaan: folder data pengguna)"),
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "files",
        nargs="*",
        metavar="BERKAS",
        help=_("paket (.scb) atau bagian paket yang dibuka di halaman Terima Data"),
    )
    # Qt's own options (-style fusion, -reverse...) pass through to QApplication. They start with
    # one dash; they are set aside first, with the value of those taking one, or argparse would
    # take that value (or a file after them) for theirs.
    argv = list(argv or [])
    qt_args: list[str] = []
    ours: list[str] = []
    while argv:
        arg = argv.pop(0)
        if arg.startswith("-") and not arg.startswith("--") and arg not in ("-h",):
            qt_args.append(arg)
            if arg in QT_VALUE_OPTIONS and argv:
                qt_args.append(argv.pop(0))
        else:
            ours.append(arg)
    args, rest = parser.parse_known_intermixed_args(ours)
    args.qt_args = qt_args + rest
    return args


def show_startup_error(message: str, title: str | None = None) -> None:
    message_box(
        None, QMessageBox.Icon.Critical, title or _("SmartCity Desktop tidak dapat dibuka"), message
    )


def already_running_message(paths: DataPaths) -> str:
    return _(
        "SmartCity Desktop sudah terbuka untuk folder data ini:\n{folder}\n\n"
        "Gunakan jendela yang sudah terbuka (lihat di taskbar). Jika aplikasi baru saja ditutup, "
        "tunggu sebentar lalu coba lagi."
    ).format(folder=paths.root)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *args.qt_args])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    install_qt_translations(current_language())
    from smartcity_desktop.gui.icons import app_icon

    app.setWindowIcon(app_icon())  # every window and the taskbar entry
    try:
        paths = resolve_data_dir(args.data_dir)
    except Exception as exc:  # platformdirs failing is rare, but must not end in a traceback
        show_startup_error(error_text(exc))
        return EXIT_REFUSED
    from smartcity_desktop.services.given_files import absolute_paths

    return run(paths, absolute_paths(args.files))


class Inbox:
    """Files to open on Terima Data: those of the command line, then those handed over by later
    starts. They wait while the wizard or the start runs, and go to the window once it exists."""

    def __init__(self, files: Sequence[str] = ()) -> None:
        self.pending: list[list[str]] = [list(files)] if files else []
        self.window: Any = None

    def add(self, files: list[str]) -> None:
        log.info("a second start handed over %d file(s)", len(files))
        if self.window is None:
            if files:
                self.pending.append(list(files))
            return
        self.window.open_given(files)

    def attach(self, window: Any) -> None:
        self.window = window
        for files in self.pending:
            window.open_given(files, to_front=False)
        self.pending.clear()


def run(paths: DataPaths, files: Sequence[str] = ()) -> int:
    """Everything after argument parsing; tests call this with a temporary folder."""
    from smartcity_desktop.gui.single_instance import HandOverServer, InstanceLock, hand_over

    created = not paths.root.exists()
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        show_startup_error(
            _("Folder data {folder} tidak dapat dibuat: {reason}").format(
                folder=paths.root, reason=exc.strerror or exc
            )
        )
        return EXIT_REFUSED
    lock = InstanceLock(paths)
    if not lock.try_acquire():
        owner = lock.owner()
        if hand_over(paths, list(files), owner.pid if owner else None):
            return EXIT_OK
        show_startup_error(already_running_message(paths), _("Sudah terbuka"))
        return EXIT_REFUSED
    inbox = Inbox(files)
    server = HandOverServer(paths)
    server.received.connect(inbox.add)
    server.listen()
    try:
        return _run_locked(paths, inbox)
    finally:
        server.close()
        lock.release()
        if created:
            _remove_if_empty(paths.root)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only succeeds when nothing was written: a cancelled first run


def _run_locked(paths: DataPaths, inbox: Inbox) -> int:
    from smartcity_desktop.gui.tasks import TaskRunner

    runner = TaskRunner()
    # An existing database is checked by open_context; the office module (keys, the national
    # region list) is only needed when there is no office yet.
    if not paths.database.exists():
        from smartcity_desktop.services.office import is_initialised

        needs_setup = not is_initialised(paths)
    else:
        needs_setup = False
    if needs_setup:
        from smartcity_desktop.gui.wizard import SetupWizard

        wizard = SetupWizard(paths, runner)
        if not wizard.exec() or wizard.result is None:
            runner.wait()
            return EXIT_OK
    return open_and_show(paths, runner, inbox)


def open_and_show(paths: DataPaths, runner: object, inbox: Inbox | None = None) -> int:
    """Paint first, then load: the window is built from a quick read-only look at the database
    (office and language) and painted; the database proper (SQLAlchemy, the models, a migration if
    one is due) is opened on the event-loop turn after. A file that cannot be used is refused
    before any window appears; where the quick look cannot tell, the database is opened first."""
    from smartcity_desktop.gui.main_window import MainWindow
    from smartcity_desktop.gui.tasks import TaskRunner
    from smartcity_desktop.services.context import peek_office
    from smartcity_desktop.services.logging_setup import configure_logging

    assert isinstance(runner, TaskRunner)
    log_path = configure_logging(paths.logs)
    start = _Start(paths, runner, Dialogs(log_path))
    try:
        try:
            peek = peek_office(paths)
            if peek is None:
                ctx = start.open()
                office, language = ctx.office, _saved_language(ctx)
            else:
                office, language = peek.office, peek.language
        except UserError as exc:
            if offer_recovery(paths, runner, start.dialogs, exc):
                start.finish()
                return open_and_show(paths, TaskRunner(), inbox)
            asked = ask_server_password(paths, exc)
            if asked is not None:
                start.finish()
                return open_and_show(paths, TaskRunner(), inbox) if asked else EXIT_REFUSED
            show_startup_error(exc.message)
            return EXIT_REFUSED
        set_language(language if language in LANGUAGES else "id")
        install_qt_translations(current_language())
        install_excepthook(start.dialogs)
        window = MainWindow(office=office)
        if inbox is not None:
            inbox.attach(window)
        exit_after = os.environ.get(EXIT_AFTER_START_ENV, "")

        def after_paint() -> None:
            if exit_after == "painted":
                QApplication.instance().quit()  # type: ignore[union-attr]
                return
            start.load(window)
            if exit_after == "loaded":
                quit_when_idle(runner)

        window.after_first_paint(after_paint)
        window.show_for_screen()
        return int(QApplication.instance().exec())  # type: ignore[union-attr]
    finally:
        start.finish()


def offer_recovery(paths: DataPaths, runner: Any, dialogs: Dialogs, exc: UserError) -> bool:
    """A damaged database at start: offer the backups. True once one was restored."""
    from smartcity_desktop.gui.recovery_dialog import DAMAGE_CODES, RecoveryDialog
    from smartcity_desktop.services.backups import backup_entries

    if exc.code not in DAMAGE_CODES or not backup_entries(paths.backups):
        return False
    dialog = RecoveryDialog(paths, runner, dialogs, exc.message)
    return bool(dialog.exec()) and dialog.result_ is not None


def ask_server_password(paths: DataPaths, exc: UserError) -> bool | None:
    """The office's server refused the login at start (no password known on this PC, or a wrong
    one kept): ask for it. True when one was typed, False when the user closed the question, None
    when the trouble is something else."""
    if exc.code != SERVER_LOGIN_CODE:
        return None
    from smartcity_desktop.gui.server_password import ServerPasswordDialog
    from smartcity_desktop.services import database_choice
    from smartcity_desktop.services.context import office_location

    try:
        location = office_location(paths)
    except UserError:
        return None
    url = location.url
    if url is None or not url.username or url.password is not None:
        return None  # nothing to ask: SQLite, no user name, or the password was given with the URL
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
    dialog = ServerPasswordDialog(where, exc.message, database_choice.password_store_available())
    if not dialog.exec():
        return False
    database_choice.typed_at_start(
        url, dialog.password.text(), remember=dialog.remember.isChecked()
    )
    return True


def _saved_language(ctx: Any) -> str:
    from smartcity_desktop.services.settings import get_setting

    return get_setting(ctx, "language")


class _Start:
    """The database side of the start: opened once, closed once, never after the loop ended."""

    def __init__(self, paths: DataPaths, runner: Any, dialogs: Dialogs) -> None:
        self.paths, self.runner, self.dialogs = paths, runner, dialogs
        self.ctx: Any = None
        self.finished = False

    def open(self) -> Any:
        from smartcity_desktop.services.context import open_context

        if self.ctx is None:
            from smartcity_desktop.services.database_choice import opened

            self.ctx = open_context(self.paths)
            opened(self.ctx)  # a password typed at start was accepted: kept if asked
        return self.ctx

    def load(self, window: Any) -> None:
        """The second step: open the database and give it to the painted window."""
        from smartcity_desktop.gui.changes import ChangeHub
        from smartcity_desktop.gui.shell import Shell

        if self.finished:
            return
        try:
            ctx = self.open()
        except UserError as exc:
            # Rare here (the file was checked before the window): a failed migration, a full
            # disk. The window goes first, so the message stands instead of it, as at start.
            window.hide()
            show_startup_error(exc.message)
            QApplication.instance().exit(EXIT_REFUSED)  # type: ignore[union-attr]
            return
        window.attach(Shell(ctx, self.runner, ChangeHub(), self.dialogs))
        check_database_in_background(window.shell, window)
        clean_leftovers_in_background(self.runner, ctx.paths, ctx.db.engine)
        log.info("desktop started for %s", ctx.office.code)

    def finish(self) -> None:
        self.finished = True
        self.runner.wait(30_000)
        if self.ctx is not None:
            self.ctx.close()


def quit_when_idle(runner: Any, poll_ms: int = 50) -> None:
    """Quit once no task has run for a few polls: the first page is filled, the start-up checks
    are done (the ``loaded`` measuring mode)."""
    from PySide6.QtCore import QTimer

    quiet = [0]

    def poll() -> None:
        quiet[0] = 0 if runner.busy else quiet[0] + 1
        if quiet[0] >= 4:
            QApplication.instance().quit()  # type: ignore[union-attr]
        else:
            QTimer.singleShot(poll_ms, poll)

    QTimer.singleShot(poll_ms, poll)


DAILY_CHECK_MS = 60 * 60 * 1000  # an app left open for days still makes its daily backup


def clean_leftovers_in_background(runner: Any, paths: DataPaths, engine: Any = None) -> None:
    """Remove what interrupted work left (services/cleanup.py): once now, at start, and after
    every task from now on, on the worker thread. ``engine``: the office's database (on a server,
    the orphaned photos are its rows)."""
    from smartcity_desktop.services.cleanup import clean_quietly

    runner.submit(lambda _progress: clean_quietly(paths, time.time(), engine))
    runner.after_each = lambda started: clean_quietly(paths, started, engine)


def check_database_in_background(shell: Any, window: Any = None) -> None:
    """Read every page once after the window is up: damage is reported within seconds of opening
    (pointing to the backups) without making every start wait for the whole file to be read. Then
    the daily backup, if the newest backup is a day old; and again every hour while open."""
    from PySide6.QtCore import QTimer

    ctx = shell.ctx

    def check(_progress: object) -> None:
        ctx.db.check_integrity(ctx.paths.backups)
        daily_backup(_progress)

    def daily_backup(_progress: object) -> None:
        from smartcity_desktop.services.backups import daily_backup_if_due

        try:
            made = daily_backup_if_due(ctx)
        except UserError as exc:  # a full disk: the work goes on; the log says why
            log.warning("daily backup not made: %s", exc)
            return
        if made is not None:
            log.info("daily backup made: %s", made.name)

    def damaged(exc: BaseException) -> None:
        log.error("integrity check failed: %s", exc)
        shell.dialogs.error(None, exc)

    shell.runner.submit(check, on_error=damaged)
    if window is not None:
        timer = QTimer(window)
        timer.setInterval(DAILY_CHECK_MS)
        timer.timeout.connect(lambda: shell.runner.submit(daily_backup))
        timer.start()


if __name__ == "__main__":
    sys.exit(main())
