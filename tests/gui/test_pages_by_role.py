"""Each office sees the pages that fit its role and is not invited to do another office's work."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.services.context import AppContext
from tests.gui.test_main_window import make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.mark.parametrize("role", ["kecamatan", "kabupaten"])
def test_upper_record_lists_do_not_invite_typing_village_records(
    qtbot: Any, role: str, backend: str, request: pytest.FixtureRequest
) -> None:
    # ``backend``: the office fixture fetched by name below is on it
    ctx: AppContext = request.getfixturevalue(f"{role}_ctx")
    page = RecordListPage(make_shell(ctx), RecordKind.PROBLEM)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    assert not page.new_button.isVisible()
    assert page.reader_hint.isVisible() and "diisi oleh desa" in page.reader_hint.text()
    assert "Terima Data" in page.empty.text() and "Baru" not in page.empty.text()
    page.new_record()  # what Ctrl+N calls
    assert page.editor is None


def test_desa_list_still_invites_a_new_record(qtbot: Any, desa_ctx: AppContext) -> None:
    page = RecordListPage(make_shell(desa_ctx), RecordKind.PROBLEM)
    qtbot.addWidget(page)
    page.show()
    assert page.new_button.isVisible() and not page.reader_hint.isVisible()
    assert "Baru" in page.empty.text()
    page.new_record()
    assert page.editor is not None
    assert page.editor.close_button.isVisible()


@pytest.mark.parametrize(
    ("role", "sends"), [("desa", True), ("kecamatan", True), ("kabupaten", True)]
)
def test_kirim_data_at_every_office(
    qtbot: Any, role: str, sends: bool, request: pytest.FixtureRequest
) -> None:
    ctx: AppContext = request.getfixturevalue(f"{role}_ctx")
    window = MainWindow(make_shell(ctx))
    qtbot.addWidget(window)
    keys = [s.key for s in window.specs]
    assert ("send" in keys) is sends
    labels = [
        window.nav.item(n).data(Qt.ItemDataRole.DisplayRole) for n in range(window.nav.count())
    ]
    assert ("Kirim Data" in labels) is sends
