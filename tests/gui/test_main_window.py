"""The main window: lazy pages, navigation, shortcuts and the status bar fed by the change hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.main_window import PAGES, MainWindow, PageSpec, Shell
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.gui.report_page import ReportPage
from smartcity_desktop.gui.settings_page import SettingsPage
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate

# PySide6 6.12 on Python 3.11 drops a reference to None on every void call; see the function.

# The offscreen platform cannot resize windows to their hints; nothing to do with the code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class FakeDialogs:
    """Records what would have been shown; never blocks a test on a modal window."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.infos: list[tuple[str, str]] = []
        self.save_answer: Path | None = None
        self.confirm_answer = True
        self.log_path = None

    def error(self, parent: Any, exc: BaseException, title: str | None = None) -> None:
        self.errors.append(exc)

    def info(self, parent: Any, title: str, text: str) -> None:
        self.infos.append((title, text))

    def confirm(self, parent: Any, title: str, text: str, yes: str, no: str) -> bool:
        return self.confirm_answer

    def save_file(self, parent: Any, title: str, suggested: Path, file_filter: str) -> Path | None:
        return self.save_answer


def make_shell(ctx: AppContext) -> Shell:
    return Shell(ctx, SyncTaskRunner(), ChangeHub(), FakeDialogs())  # type: ignore[arg-type]


@pytest.fixture
def shell(desa_ctx: AppContext) -> Shell:
    return make_shell(desa_ctx)


@pytest.fixture
def window(qtbot: Any, shell: Shell) -> Iterator[MainWindow]:
    win = MainWindow(shell)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win


def test_starts_on_problems_and_builds_other_pages_only_when_shown(window: MainWindow) -> None:
    assert isinstance(window.current_page(), RecordListPage)
    assert window.current_page().kind is RecordKind.PROBLEM
    assert set(window.pages) == {"problem"}
    assert window.nav.count() == len(window.specs)
    # Pages meant for other roles are hidden (a desa receives feedback: Terima Data is shown).
    assert sorted(s.key for s in window.specs) == sorted(
        s.key for s in PAGES if not s.roles or "desa" in s.roles
    )


def test_navigation_switches_pages(window: MainWindow) -> None:
    expected = {
        "potential": RecordListPage,
        "proposal": RecordListPage,
        "report": ReportPage,
        "settings": SettingsPage,
    }
    for key, page_type in expected.items():
        row = next(n for n, s in enumerate(window.specs) if s.key == key)
        window.nav.setCurrentRow(row)
        assert isinstance(window.current_page(), page_type)
        assert window.pages[key] is window.current_page()
    window.show_page("problem")
    assert window.nav.currentRow() == 0
    # Showing a page again reuses it.
    page = window.show_page("settings")
    assert window.show_page("settings") is page


def test_adding_a_page_is_one_spec(qtbot: Any, shell: Shell) -> None:
    made: list[QWidget] = []

    def factory(_shell: Shell) -> QWidget:
        made.append(QLabel("Kirim Data"))
        return made[-1]

    extra = PageSpec("send", "Kirim Data", "send", factory)
    every_office = [s for s in PAGES if not s.roles]
    win = MainWindow(shell, [*every_office[:3], extra])
    qtbot.addWidget(win)
    assert win.nav.item(3).text() == "Kirim Data"
    assert not made
    win.nav.setCurrentRow(3)
    assert win.current_page() is made[0]


def test_status_bar_shows_office_counts_and_unsent(qtbot: Any, desa_ctx: AppContext) -> None:
    generate(desa_ctx, SampleRequest(problems=12, potentials=5, proposals=7, seed=2))
    win = MainWindow(make_shell(desa_ctx))
    qtbot.addWidget(win)
    assert "Desa Sagara Makmur" in win.status_office.text()
    assert "32.16.01.2001" in win.status_office.text()
    assert "Operator Uji" in win.status_office.text()
    assert win.status_counts.text() == "Permasalahan: 12 · Potensi: 5 · Usulan: 7"
    assert win.status_unsent.text().startswith("Belum masuk paket: 24 perubahan")


def test_status_bar_follows_the_change_hub(qtbot: Any, window: MainWindow, shell: Shell) -> None:
    assert "Permasalahan: 0" in window.status_counts.text()
    # A brand-new office has sent nothing; it must not say so.
    assert window.status_unsent.text() == "Belum ada data final untuk dikirim"
    change = RecordService(shell.ctx).create(
        RecordKind.PROBLEM,
        {
            "title": "Banjir rob di RW 02",
            "description": "Air laut masuk ke permukiman setiap bulan purnama.",
            "dimension": "environment",
            "sub_element": "proteksi_lingkungan",
            "severity": "berat",
        },
        finalise=True,
    )
    shell.hub.publish(change)
    qtbot.waitUntil(lambda: "Permasalahan: 1 " in window.status_counts.text())
    assert window.status_unsent.text() == (
        "Belum masuk paket: 1 perubahan · belum pernah membuat paket"
    )


def test_unchanged_saves_are_not_broadcast(qtbot: Any, shell: Shell) -> None:
    seen: list[Change] = []
    shell.hub.changed.connect(seen.append)
    shell.hub.publish(Change(Action.UPDATED, frozenset({"problem"}), details={"unchanged": True}))
    shell.hub.publish(Change(Action.UPDATED, frozenset({"problem"})))
    assert len(seen) == 1


def test_shortcuts_new_record_and_search(qtbot: Any, window: MainWindow) -> None:
    page = window.current_page()
    assert isinstance(page, RecordListPage)
    opened: list[str | None] = []
    page.open_record = lambda record_id: opened.append(record_id)  # type: ignore[method-assign]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [None]
    window.nav.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    settings = next(n for n, s in enumerate(window.specs) if s.key == "settings")
    qtbot.keyClick(
        window, Qt.Key(Qt.Key.Key_1.value + settings), Qt.KeyboardModifier.ControlModifier
    )
    assert isinstance(window.current_page(), SettingsPage)
    # Ctrl+N on a page without records does nothing rather than failing.
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [None]


def test_navigation_has_accessible_names(window: MainWindow) -> None:
    assert window.nav.accessibleName()
    page = window.current_page()
    assert isinstance(page, RecordListPage)
    for widget in (
        page.search,
        page.dimension,
        page.status,
        page.urusan,
        page.new_button,
        page.table,
    ):
        assert widget.accessibleName(), widget


def test_painted_from_the_office_alone_then_attached(qtbot: Any, shell: Shell) -> None:
    office = shell.ctx.office
    win = MainWindow(office=office)
    qtbot.addWidget(win)
    loads: list[bool] = []
    win.after_first_paint(lambda: loads.append(True))
    win.resize(1366, 768)
    win.show()
    assert office.name in win.windowTitle() and office.name in win.office_label.text()
    assert win.nav.count() == len(win.specs) and win.nav.currentRow() == 0
    assert win.pages == {} and win.status_counts.text() == "Membuka data…"
    qtbot.waitUntil(lambda: loads == [True])
    win.nav.setCurrentRow(1)  # chosen while loading: remembered, built once attached
    assert win.pages == {}
    win.attach(shell)
    assert set(win.pages) == {"potential"}
    assert win.current_page().kind is RecordKind.POTENTIAL
    assert win.status_counts.text().startswith("Permasalahan:")
    qtbot.wait(20)
    assert loads == [True]  # once, however often the window paints
