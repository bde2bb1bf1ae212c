"""The review queue when another analyst's PC saves the same review first: refused, told, reload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartcity_desktop.gui.review.queue_page import ReviewQueuePage
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.review import Decision, own_review, review_record
from tests.gui.review.conftest import make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def other_pc(village: AppContext) -> Iterator[AppContext]:
    village.person = "ani@PC-ANALIS-1"
    other = open_context(village.paths)
    other.person = "budi@PC-ANALIS-2"
    try:
        yield other
    finally:
        other.close()


@pytest.fixture
def page(qtbot: Any, village: AppContext) -> ReviewQueuePage:
    widget = ReviewQueuePage(make_shell(village))
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_review_saved_meanwhile_elsewhere_is_not_overwritten_and_can_be_reloaded(
    page: ReviewQueuePage, village: AppContext, other_pc: AppContext
) -> None:
    entry = page.current
    assert entry is not None and not page.reload_button.isVisible()
    # Budi saves his verdict on the record Ani has open
    review_record(other_pc, entry.id, Decision("ditolak", reason="duplikat", comment="Sudah ada"))
    page.form.choose_state("diterima")
    page.form.comment.setPlainText("Sudah dicek")

    assert page.save_and_next() is False

    error = page.form.general_error.text()
    assert "diubah oleh budi@PC-ANALIS-2 pukul" in error and "Muat ulang" in error
    assert page.current is entry  # stays on the record
    assert page.reload_button.isVisible()
    view = own_review(village, entry.id)
    assert view is not None and view.state == "ditolak"  # Budi's verdict stands

    page.reload_button.click()
    assert page.form.state == "ditolak"  # the latest review is shown, in the list too
    assert page.table.item(page.row_of[entry.id], 2).text() == "Ditolak"
    assert page.form.comment.toPlainText() == "Sudah ada"
    assert "Isian Anda yang belum tersimpan: Diterima, “Sudah dicek”" in page.message.text()
    assert not page.reload_button.isVisible()
    # having seen it, Ani saves again: her verdict now replaces the one she compared with
    page.form.choose_state("diterima")
    assert page.save_and_next() is True
    view = own_review(village, entry.id)
    assert view is not None and view.state == "diterima" and view.revision == 2


def test_a_selection_with_a_review_changed_elsewhere_saves_nothing(
    page: ReviewQueuePage, village: AppContext, other_pc: AppContext
) -> None:
    chosen = [e.id for e in page.entries[:3]]
    for row in range(3):
        page.table.selectRow(row) if row == 0 else page.table.selectionModel().select(
            page.table.model().index(row, 0),
            page.table.selectionModel().SelectionFlag.Select
            | page.table.selectionModel().SelectionFlag.Rows,
        )
    assert page.selected_ids() == chosen
    review_record(other_pc, chosen[2], Decision("diterima"))
    page.form.choose_state("ditolak")
    page.form.reason.setCurrentIndex(1)

    assert page.apply_to_selection() is False

    assert "Reviu 1 dari 3 catatan terpilih" in page.form.general_error.text()
    assert [own_review(village, i) is None for i in chosen] == [True, True, False]
    page.reload_button.click()
    assert page.table.item(2, 2).text() == "Diterima"
