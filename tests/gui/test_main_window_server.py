"""The main window of a kabupaten whose database is on a PostgreSQL server: the status bar and the
title name the server, and another PC's write refreshes the window as another program's does."""

from __future__ import annotations

import time
from typing import Any

import pytest

from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.paths import DataPaths
from tests.gui.test_main_window import make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_the_status_bar_and_title_say_where_the_data_is(
    qtbot: Any, backend: str, kabupaten_ctx: AppContext
) -> None:
    win = MainWindow(make_shell(kabupaten_ctx))
    qtbot.addWidget(win)
    text = win.status_office.text()
    assert "Kabupaten Bekasi" in text
    url = kabupaten_ctx.db.url
    if backend == "postgresql":
        assert url is not None
        where = f"{url.host}:{url.port}/{url.database}"
        assert f"Basis data: server {where}" in text
        assert where in win.windowTitle()
        assert "postgres@" not in text and "postgres@" not in win.windowTitle()
    else:
        assert "Basis data" not in text
        assert win.windowTitle() == "Kabupaten Bekasi - SmartCity Desktop"


def test_another_pcs_write_refreshes_the_window(
    qtbot: Any, kabupaten_ctx: AppContext, kabupaten_paths: DataPaths
) -> None:
    shell = make_shell(kabupaten_ctx)
    win = MainWindow(shell)
    qtbot.addWidget(win)
    assert win.external is not None
    seen: list[Change] = []
    shell.hub.changed.connect(seen.append)
    other = open_context(kabupaten_paths)
    try:
        update_settings(other, {"backup.keep_count": "9"})
    finally:
        other.close()
    deadline = time.monotonic() + 5
    while not win.external.check():
        assert time.monotonic() < deadline, "the other PC's write was not noticed"
        qtbot.wait(50)
    assert [c.action for c in seen] == [Action.EXTERNAL]
    win.external.stop()
