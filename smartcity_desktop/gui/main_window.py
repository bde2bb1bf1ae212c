"""The main window: navigation on the left, the chosen page on the right, office facts below.

Pages are declared once in ``PAGES`` as factories and built the first time they are shown, so the
window appears at once even with 50,000 records and adding a page (the bundle pages to come) is one
line. Every page receives the same ``Shell``: the context, the task runner, the change hub and the
dialogs, passed explicitly.

The desktop starts in two steps: the window is built from the office alone (``MainWindow(office=...)``)
and painted, then the database is opened and handed over with ``attach``, which builds the first
page. Nothing this module imports at the top loads the database layer, so that first paint does not
wait for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui import analysis
from smartcity_desktop.gui.icons import app_icon, nav_icon
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Change

if TYPE_CHECKING:
    from smartcity_desktop.gui.changes import ExternalChanges
    from smartcity_desktop.services.context import OfficeInfo

log = logging.getLogger(__name__)

PAGE_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
ROLE_NAMES = {
    "desa": N_("Kantor desa/kelurahan"),
    "kecamatan": N_("Kantor kecamatan"),
    "kabupaten": N_("Kantor kabupaten"),
}


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str  # Indonesian; translated when shown
    icon: str  # a Tabler icon shipped in resources/icons/tabler (see gui/icons.py)
    factory: Callable[[Shell], QWidget]
    shortcut: str = ""
    roles: tuple[str, ...] = ()  # offices that see the page; empty: every office


def _record_list(kind: RecordKind) -> Callable[[Shell], QWidget]:
    def make(shell: Shell) -> QWidget:
        from smartcity_desktop.gui.record_list import RecordListPage

        return RecordListPage(shell, kind)

    return make


def _report_page(shell: Shell) -> QWidget:
    from smartcity_desktop.gui.report_page import ReportPage

    return ReportPage(shell)


def _settings_page(shell: Shell) -> QWidget:
    from smartcity_desktop.gui.settings_page import SettingsPage

    return SettingsPage(shell)


def _bundle_page(name: str) -> Callable[[Shell], QWidget]:
    def make(shell: Shell) -> QWidget:
        from smartcity_desktop.gui.bundle_pages import keys_page, receive_page, send_page

        page: type[QWidget] = {
            "send": send_page.SendPage,
            "receive": receive_page.ReceivePage,
            "keys": keys_page.KeysPage,
        }[name]
        return page(shell)  # type: ignore[call-arg]

    return make


def _review_page(name: str) -> Callable[[Shell], QWidget]:
    def make(shell: Shell) -> QWidget:
        from smartcity_desktop.gui.review.completeness_page import CompletenessPage
        from smartcity_desktop.gui.review.queue_page import ReviewQueuePage

        page: type[QWidget] = {"completeness": CompletenessPage, "review": ReviewQueuePage}[name]
        return page(shell)  # type: ignore[call-arg]

    return make


UPPER_OFFICES = ("kecamatan", "kabupaten")
# The navigation, top to bottom. A new page is one more line here (e.g. "Kirim Data").
PAGES: list[PageSpec] = [
    # An upper office's work, in its order: receive the villages' bundles, see who is missing,
    # review. A desa sees none of these, so its navigation starts on its own records.
    PageSpec(
        "receive",
        N_("Terima Data"),
        "inbox",
        _bundle_page("receive"),
        roles=("desa", "kecamatan", "kabupaten"),  # a desa receives feedback
    ),
    PageSpec(
        "completeness",
        N_("Kelengkapan"),
        "list-check",
        _review_page("completeness"),
        roles=UPPER_OFFICES,
    ),
    PageSpec(
        "review",
        N_("Reviu Data"),
        "clipboard-check",
        _review_page("review"),
        roles=UPPER_OFFICES,
    ),
    PageSpec(
        "problem",
        N_("Permasalahan"),
        "alert-triangle",
        _record_list(RecordKind.PROBLEM),
    ),
    PageSpec(
        "potential",
        N_("Potensi"),
        "plant-2",
        _record_list(RecordKind.POTENTIAL),
    ),
    PageSpec(
        "proposal",
        N_("Usulan Inovasi"),
        "bulb",
        _record_list(RecordKind.PROPOSAL),
    ),
    PageSpec(*analysis.SIMILAR_PAGE, roles=analysis.ROLES),
    PageSpec(*analysis.ISSUES_PAGE, roles=analysis.ROLES),
    PageSpec(*analysis.ANALYSIS_PAGE, roles=analysis.ROLES),
    PageSpec("report", N_("Laporan"), "file-text", _report_page),
    # At the kabupaten, Kirim Data holds "Kirim hasil verifikasi ke desa" (feedback bundles).
    PageSpec("send", N_("Kirim Data"), "send", _bundle_page("send")),
    PageSpec(
        "keys",
        N_("Kunci & Kepercayaan"),
        "key",
        _bundle_page("keys"),
    ),
    PageSpec("settings", N_("Pengaturan"), "settings", _settings_page),
]


# Where each office starts: an upper office on its overview of the villages (a kecamatan that
# has received nothing yet on Terima Data, see ``attach``), never on an empty record list.
FIRST_PAGE = {"desa": "problem", "kecamatan": "completeness", "kabupaten": "completeness"}


def pages_for(role: str, pages: list[PageSpec]) -> list[PageSpec]:
    """The pages an office of ``role`` sees, in order. A desa receives only feedback, so its
    Terima Data follows Kirim Data instead of leading the list as it does above the village."""
    shown = [s for s in pages if not s.roles or role in s.roles]
    if role != "desa" or "send" not in [s.key for s in shown]:
        return shown
    receive = [s for s in shown if s.key == "receive"]
    shown = [s for s in shown if s.key != "receive"]
    after_send = [s.key for s in shown].index("send") + 1
    return [*shown[:after_send], *receive, *shown[after_send:]]


class MainWindow(QMainWindow):
    """``MainWindow(shell)`` is ready at once; ``MainWindow(office=...)`` shows the navigation and
    the office while the database opens, and builds pages from ``attach(shell)`` on."""

    def __init__(
        self,
        shell: Shell | None = None,
        pages: list[PageSpec] | None = None,
        *,
        office: OfficeInfo | None = None,
    ) -> None:
        super().__init__()
        if shell is not None:
            office = shell.ctx.office
        if office is None:
            raise ValueError("MainWindow needs a shell or an office")
        self.shell: Shell | None = None
        self.external: ExternalChanges | None = None
        self.office = office
        self.specs = pages_for(office.role, pages if pages is not None else PAGES)
        self.pages: dict[str, QWidget] = {}
        self._after_paint: Callable[[], None] | None = None
        self._given: list[list[str]] = []  # files to open on Terima Data once the data is open
        self.setWindowTitle(f"{office.name} - SmartCity Desktop")
        self.setWindowIcon(app_icon())

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigasi halaman"))
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setObjectName("navigation")
        for n, spec in enumerate(self.specs):
            item = QListWidgetItem(nav_icon(spec.icon), _(spec.label))
            item.setData(PAGE_KEY_ROLE, spec.key)
            item.setToolTip(_("{page} (Ctrl+{n})").format(page=_(spec.label), n=n + 1))
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 18))
            self.nav.addItem(item)
        self.office_label = QLabel(wordWrap=True)
        self.office_label.setObjectName("officeLabel")
        self.office_label.setText(
            f"<b>{office.name}</b><br>{_(ROLE_NAMES.get(office.role, office.role))}<br>{office.code}"
        )

        side = QWidget()
        side.setObjectName("sidebar")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 10, 8, 10)
        side_layout.addWidget(self.office_label)
        side_layout.addSpacing(8)
        side_layout.addWidget(self.nav, 1)
        width = max(self.fontMetrics().horizontalAdvance(_(s.label)) for s in self.specs)
        side.setFixedWidth(max(width + 80, self.fontMetrics().horizontalAdvance("M") * 14))
        side.setStyleSheet(
            "#sidebar { background: #eef2f5; border-right: 1px solid #d5dbdf; }"
            "#navigation { background: transparent; }"
            "#navigation::item { padding: 4px 6px; border-radius: 4px; color: #1c2833; }"
            "#navigation::item:selected { background: #1f618d; color: white; }"
            "#navigation::item:hover:!selected { background: #d6e4ee; }"
        )

        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status_office = QLabel()
        self.status_counts = QLabel()
        self.status_unsent = QLabel()
        for label in (self.status_office, self.status_counts, self.status_unsent):
            label.setContentsMargins(6, 0, 6, 0)
        # On a narrow screen the office name (also in the sidebar) gives way to the counts.
        self.status_office.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_office.setMinimumWidth(0)
        self.statusBar().addWidget(self.status_office, 1)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.statusBar().addPermanentWidget(self.status_unsent)
        self.status_office.setText(
            _("{office} ({code}) · Operator: {operator}").format(
                office=office.name, code=office.code, operator=office.operator
            )
        )
        self.status_office.setToolTip(self.status_office.text())
        self.status_counts.setText(_("Membuka data…"))
        self._stats_pending = False
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(150)  # several changes in a row give one recount
        self._stats_timer.timeout.connect(self.refresh_status)

        self.nav.currentRowChanged.connect(self._show_row)
        self._shortcuts()
        self._start_row = max(self._row_of(FIRST_PAGE.get(office.role, "")), 0)
        self.nav.setCurrentRow(self._start_row)
        if shell is not None:
            self.attach(shell)

    def attach(self, shell: Shell) -> None:
        """Hand over the opened database: the chosen page is built and the counts are read."""
        if shell.ctx.office != self.office:
            raise ValueError("the shell belongs to another office")
        self.shell = shell
        self._show_where_the_data_is(shell)
        shell.hub.changed.connect(self._on_change)
        from smartcity_desktop.gui.changes import ExternalChanges

        # The CLI or a second import may write while the window is open: lists follow.
        self.external = ExternalChanges(shell.ctx, shell.hub, self)
        self.external.noticed.connect(self._external_change)
        self.status_counts.setText(_("Menghitung catatan…"))
        if self.nav.currentRow() == self._start_row and self.office.role == "kecamatan":
            from smartcity_desktop.services.review_desk import bundles_received

            # Nothing received yet: Kelengkapan would only list empty villages.
            if not bundles_received(shell.ctx) and self._row_of("receive") >= 0:
                self.nav.blockSignals(True)
                self.nav.setCurrentRow(self._row_of("receive"))
                self.nav.blockSignals(False)
        self._show_row(max(self.nav.currentRow(), 0))
        self.refresh_status()
        given, self._given = self._given, []
        for files in given:
            self.open_given(files, to_front=False)

    def _show_where_the_data_is(self, shell: Shell) -> None:
        """On a shared server, say which one: several analysts' windows look alike otherwise."""
        from smartcity_desktop.services.database_place import server_of

        server = server_of(shell.ctx)
        if server is None:
            return
        where = _("Basis data: server {server}").format(server=server)
        self.status_office.setText(f"{self.status_office.text()} · {where}")
        self.status_office.setToolTip(self.status_office.text())
        self.setWindowTitle(f"{self.office.name} ({server}) - SmartCity Desktop")

    def after_first_paint(self, fn: Callable[[], None], at_latest_ms: int = 1000) -> None:
        """Call ``fn`` once, on the event-loop turn after the window was first painted (or after
        ``at_latest_ms`` where it is not painted, e.g. started minimised)."""

        def once() -> None:
            if self._after_paint is fn:
                self._after_paint = None
                fn()

        self._after_paint = fn
        self._after_paint_once = once
        QTimer.singleShot(at_latest_ms, self, once)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self._after_paint is not None:
            # The next turn: the painted frame reaches the screen before ``fn`` starts.
            QTimer.singleShot(0, self, self._after_paint_once)

    # --- pages -------------------------------------------------------------------------------

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence.StandardKey.New, self, self.new_record)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        for n in range(min(9, len(self.specs))):
            QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self, lambda n=n: self.nav.setCurrentRow(n))

    def _row_of(self, key: str) -> int:
        return next((n for n, s in enumerate(self.specs) if s.key == key), -1)

    def _show_row(self, row: int) -> None:
        # Before ``attach`` the row is only remembered; the page is built once the data is open.
        if self.shell is not None and 0 <= row < len(self.specs):
            self.show_page(self.specs[row].key)

    def show_page(self, key: str) -> QWidget:
        page = self.pages.get(key)
        if page is None:
            if self.shell is None:
                raise RuntimeError("pages are built once the database is attached")
            spec = next(s for s in self.specs if s.key == key)
            page = spec.factory(self.shell)
            self.pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        row = next(n for n, s in enumerate(self.specs) if s.key == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        return page

    def open_given(self, files: list[str], to_front: bool = True) -> None:
        """Files from the command line or from a second start: checked on Terima Data, as if
        chosen there. Before the data is open they wait, and the window starts on that page."""
        if files and self._row_of("receive") >= 0:
            log.info("opening %d file(s) given from outside on Terima Data", len(files))
            if self.shell is None:
                self._given.append(list(files))
                self.nav.setCurrentRow(self._row_of("receive"))
            else:
                page = self.show_page("receive")
                page.open_given(files)  # type: ignore[attr-defined]
        if to_front:
            self.bring_to_front()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        # Where the window system refuses focus to a background process, the taskbar flashes.
        QApplication.alert(self)

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def new_record(self) -> None:
        page = self.current_page()
        if page is not None and hasattr(page, "new_record"):
            page.new_record()

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None and hasattr(page, "focus_search"):
            page.focus_search()

    # --- status bar --------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        self._stats_timer.start()

    def _external_change(self) -> None:
        # Quiet: a note where the office name stands, no dialog, no focus taken from a form.
        self.statusBar().showMessage(
            _("Data diperbarui: ada perubahan dari program lain (mis. perintah smartcity)."), 8000
        )

    def refresh_status(self) -> None:
        if self.shell is None:
            return
        if self._stats_pending:
            self._stats_timer.start()  # one count at a time; recount after it
            return
        from smartcity_desktop.services.send_status import send_status
        from smartcity_desktop.services.stats import office_stats

        ctx = self.shell.ctx
        self._stats_pending = True
        self.shell.submit(
            lambda _p: {**office_stats(ctx), "send_status": send_status(ctx)},
            self._show_stats,
            self._stats_failed,
            parent=self,
        )

    def _stats_failed(self, exc: BaseException) -> None:
        self._stats_pending = False
        log.warning("status counts failed: %s", exc)
        self.status_counts.setText(_("Jumlah catatan tidak dapat dihitung."))

    def _show_stats(self, stats: dict[str, Any]) -> None:
        from smartcity_desktop.services.gui_support import format_count

        self._stats_pending = False
        records = stats["records"]
        self.status_counts.setText(
            _("Permasalahan: {p} · Potensi: {q} · Usulan: {u}").format(
                p=format_count(records.get("problem", 0)),
                q=format_count(records.get("potential", 0)),
                u=format_count(records.get("proposal", 0)),
            )
        )
        from smartcity_desktop.services.send_status import (
            describe_send_status,
            send_status_tooltip,
        )

        self.status_unsent.setText(describe_send_status(stats["send_status"], self.office.role))
        self.status_unsent.setToolTip(send_status_tooltip(self.office.role))

    # --- window ------------------------------------------------------------------------------

    def show_for_screen(self) -> None:
        """Maximised on small laptop screens (1366x768), a comfortable size elsewhere."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        if area is None or area.width() < 1500 or area.height() < 900:
            if area is not None:
                # Also fills the screen where no window manager honours "maximised".
                self.setGeometry(area)
            self.showMaximized()
        else:
            self.resize(1366, 820)
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            can_close = getattr(page, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        if self.shell is not None:
            self.shell.runner.wait(10_000)  # a backup or report still writing finishes first
        if self.external is not None:
            self.external.stop()
        event.accept()
