"""The page each office starts on, and the pages it is shown (issue 12 item 9, issue 7 section 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui.bundle_pages.receive_page import ReceivePage
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.review.completeness_page import CompletenessPage
from smartcity_desktop.gui.review.queue_page import ReviewQueuePage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.gui.review.conftest import make_shell
from tests.services.review_helpers import send

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def open_window(qtbot: Any, ctx: AppContext) -> MainWindow:
    window = MainWindow(make_shell(ctx))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def keys(window: MainWindow) -> list[str]:
    return [s.key for s in window.specs]


@pytest.fixture
def received(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> AppContext:
    """A kecamatan that has imported one village bundle."""
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=5))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    return kecamatan_ctx


def test_a_kecamatan_that_received_nothing_starts_on_terima_data(
    qtbot: Any, kecamatan_ctx: AppContext
) -> None:
    window = open_window(qtbot, kecamatan_ctx)
    assert isinstance(window.current_page(), ReceivePage)
    assert set(window.pages) == {"receive"}  # no empty record list built behind it
    assert window.nav.currentItem().text() == "Terima Data"


def test_a_kecamatan_with_village_data_starts_on_kelengkapan(
    qtbot: Any, received: AppContext
) -> None:
    window = open_window(qtbot, received)
    assert isinstance(window.current_page(), CompletenessPage)
    assert set(window.pages) == {"completeness"}
    assert window.nav.currentItem().text() == "Kelengkapan"


def test_a_kabupaten_starts_on_kelengkapan(qtbot: Any, kabupaten_ctx: AppContext) -> None:
    window = open_window(qtbot, kabupaten_ctx)
    assert isinstance(window.current_page(), CompletenessPage)
    assert set(window.pages) == {"completeness"}


def test_upper_offices_see_their_work_first_and_the_review_pages(
    qtbot: Any, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext
) -> None:
    for ctx in (kecamatan_ctx, kabupaten_ctx):
        window = open_window(qtbot, ctx)
        assert keys(window)[:3] == ["receive", "completeness", "review"]
        assert isinstance(window.show_page("review"), ReviewQueuePage)


def test_a_desa_starts_on_its_problems_and_sees_no_review_pages(
    qtbot: Any, desa_ctx: AppContext
) -> None:
    window = open_window(qtbot, desa_ctx)
    assert keys(window)[0] == "problem"
    assert set(window.pages) == {"problem"}
    assert not {"completeness", "review"} & set(keys(window))
    # Terima Data is there for feedback from the kecamatan, after the desa's own work.
    assert keys(window).index("receive") == keys(window).index("send") + 1


def test_the_start_page_is_chosen_before_the_database_is_attached(
    qtbot: Any, received: AppContext
) -> None:
    """The window paints from the office alone; the kecamatan's row is already Kelengkapan."""
    window = MainWindow(office=received.office)
    qtbot.addWidget(window)
    assert window.nav.currentItem().text() == "Kelengkapan"
    assert window.pages == {}
    window.attach(make_shell(received))
    assert isinstance(window.current_page(), CompletenessPage)
