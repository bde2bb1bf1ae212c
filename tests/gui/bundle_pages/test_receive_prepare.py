"""Terima Data prepares the analysis views after an import, in the background and cancellable
(services/analysis/prepare.py): the status says truthfully whether they were prepared, and a
cancel leaves the imported data as it is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.receive_page import ReceivePage
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.services import kept_files
from smartcity_desktop.services.analysis import prepare
from smartcity_desktop.services.analysis.kept_rows import forget_kept
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.similarity import forget_models
from tests.conftest import DESA_CODE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell
from tests.gui.bundle_pages.test_receive_page import bundle

__all__ = ["bundle"]

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def _problems(ctx: AppContext) -> int:
    found = RecordService(ctx).records("problem", ListFilter(status="final", office_code=DESA_CODE))
    return len(found)


def _gated_page(
    qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, TaskRunner, ReceivePage]:
    """The page with the real runner (a worker thread), its preparation's first step waiting
    until the test sets the gate: the preparation is seen running before it builds anything."""
    gate = threading.Event()

    def wait_for_the_test(_ctx: AppContext, _tick: object) -> None:
        assert gate.wait(30)

    monkeypatch.setattr(prepare, "STEPS", (("gate", "usulan", wait_for_the_test), *prepare.STEPS))
    runner = TaskRunner()
    page = ReceivePage(Shell(ctx, runner, ChangeHub(), dialogs), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    return gate, runner, page


def test_after_an_import_the_views_are_prepared(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    forget_kept()
    forget_models()
    page = ReceivePage(make_shell(kecamatan_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.check_files([bundle])
    page.start_import()
    assert not dialogs.errors
    assert page.prepare_status.isVisibleTo(page)
    assert page.prepare_status.text().startswith("Tampilan analisis siap (")
    assert not page.running and not page.preparing and not page.progress.isVisibleTo(page)
    root = kecamatan_ctx.paths.root
    assert all(kept_files.path_of(root, n).is_file() for n in ("proposals", "gaps"))
    assert page.receipt_button.isVisibleTo(page)


def test_cancel_skips_the_preparation_and_keeps_the_import(
    qtbot: QtBot,
    kecamatan_ctx: AppContext,
    dialogs: FakeDialogs,
    bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Cancelled before the preparation built anything.
    gate, runner, page = _gated_page(qtbot, kecamatan_ctx, dialogs, monkeypatch)
    page.resize(900, 500)
    page.show()
    page.check_files([bundle])
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30_000)
    page.start_import()
    qtbot.waitUntil(lambda: page.preparing, timeout=30_000)
    qtbot.waitUntil(lambda: page.progress.maximum() == 1000, timeout=30_000)
    assert page.progress.isVisible() and page.progress.text().startswith(
        "Menyiapkan tampilan analisis…"
    )
    assert page.cancel_button.isVisible() and page.cancel_button.isEnabled()
    assert page.prepare_status.text() == "Menyiapkan tampilan analisis…"
    assert _problems(kecamatan_ctx) == 3  # the import has committed already

    page.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert runner.wait(30_000)
    assert "dibatalkan; data yang diimpor tetap tersimpan" in page.prepare_status.text()
    assert not dialogs.errors
    assert _problems(kecamatan_ctx) == 3
    assert not kept_files.path_of(kecamatan_ctx.paths.root, "proposals").exists()
    assert page.choose_button.isEnabled()


def test_choosing_the_next_bundle_stops_the_preparation(
    qtbot: QtBot,
    kecamatan_ctx: AppContext,
    dialogs: FakeDialogs,
    bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate, runner, page = _gated_page(qtbot, kecamatan_ctx, dialogs, monkeypatch)
    page.check_files([bundle])
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30_000)
    page.start_import()
    qtbot.waitUntil(lambda: page.preparing, timeout=30_000)
    assert page.choose_button.isEnabled()
    dialogs.files_answer = [bundle]
    page.choose_files()
    gate.set()
    # The preparation stopped, then the chosen file was checked: imported already.
    qtbot.waitUntil(lambda: "Sudah pernah diimpor" in page.results.text(), timeout=30_000)
    assert runner.wait(30_000)
    assert not page.preparing and not dialogs.errors
    assert not kept_files.path_of(kecamatan_ctx.paths.root, "proposals").exists()
    assert _problems(kecamatan_ctx) == 3


def test_a_desa_prepares_nothing(qtbot: QtBot, desa_ctx: AppContext, dialogs: FakeDialogs) -> None:
    page = ReceivePage(make_shell(desa_ctx, dialogs), dialogs)
    qtbot.addWidget(page)
    page.imported = [object()]
    page._prepare_views()
    assert not page.running and not page.prepare_status.isVisibleTo(page)


def test_files_given_during_the_import_are_checked_after_it(
    qtbot: QtBot,
    kecamatan_ctx: AppContext,
    dialogs: FakeDialogs,
    bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bundle opened from outside (a double-click, a second start) while the import runs waits
    # for it; the preparation that follows the import must not lose it.
    gate, runner, page = _gated_page(qtbot, kecamatan_ctx, dialogs, monkeypatch)
    page.check_files([bundle])
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30_000)
    page.start_import()
    page.open_given([str(bundle)])  # the import's result cannot have arrived yet
    assert page.waiting == [bundle]
    # The preparation has begun (it may already have stopped for the waiting file).
    qtbot.waitUntil(lambda: bool(page.prepare_status.text()), timeout=30_000)
    qtbot.wait(50)  # the waiting files' turn (a timer after the import's result)
    gate.set()
    qtbot.waitUntil(lambda: "Sudah pernah diimpor" in page.results.text(), timeout=30_000)
    assert runner.wait(30_000)
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)
    assert not page.preparing and not dialogs.errors and page.waiting == []
    assert _problems(kecamatan_ctx) == 3
