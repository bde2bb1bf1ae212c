"""Kelengkapan when another analyst's PC saves the same village verdict first."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from smartcity_desktop.gui.review.completeness_page import COL
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.review import verify_village
from tests.conftest import DESA_CODE
from tests.gui.review.test_completeness_page import open_page, row

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def test_a_village_verdict_saved_meanwhile_elsewhere_is_not_replaced(
    qtbot: Any, village: AppContext
) -> None:
    page = open_page(qtbot, village)
    page.select(DESA_CODE)
    other = open_context(village.paths)
    other.person = "budi@PC-ANALIS-2"
    try:
        verify_village(other, DESA_CODE, "perlu_perbaikan", reason="data_belum_lengkap")
    finally:
        other.close()
    page.verify_state.setCurrentIndex(1)
    page.verify_reason.setCurrentIndex(page.verify_reason.findData("uraian_tidak_jelas"))
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)

    assert "diubah oleh budi@PC-ANALIS-2 pukul" in page.verify_error.text()
    # reloaded: the list shows the verdict saved elsewhere, with its reason
    assert row(page, DESA_CODE)[COL["stage"]] == "Dikembalikan"
    assert "Data belum lengkap" in row(page, DESA_CODE)[COL["note"]]
    # having seen it, saving again replaces it
    page.select(DESA_CODE)
    page.verify_reason.setCurrentIndex(page.verify_reason.findData("uraian_tidak_jelas"))
    QTest.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.verify_error.text() == ""
    assert "Data belum lengkap" not in row(page, DESA_CODE)[COL["note"]]
