"""The wizard's office search: codes as well as names, a clear "not found", the right highlight,
and no way back while the office is being set up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.gui.wizard import REGION_CODE_ROLE, SetupWizard
from smartcity_desktop.services.gui_support import RegionIndex
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def regions() -> RegionIndex:
    return RegionIndex(bundled_regions())


def _office_page(qtbot: QtBot, regions: RegionIndex, folder: Path, runner: Any = None) -> Any:
    wizard = SetupWizard(
        DataPaths(folder), runner or SyncTaskRunner(), load_regions=lambda: regions
    )
    qtbot.addWidget(wizard)
    wizard.resize(1000, 700)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.next()
    wizard.role_page.buttons["desa"].setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.office_page
    return wizard


def _codes(filtered: Any) -> list[str]:
    return [filtered.list.item(i).data(REGION_CODE_ROLE) for i in range(filtered.list.count())]


def _type(qtbot: QtBot, line: Any, text: str) -> None:
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    qtbot.keyClicks(line, text)


def test_a_full_region_code_finds_the_village(
    qtbot: QtBot, regions: RegionIndex, tmp_path: Path
) -> None:
    wizard = _office_page(qtbot, regions, tmp_path / "d")
    page = wizard.office_page
    _type(qtbot, page.desa.search, "32.16.01.2001")
    assert _codes(page.desa) == ["32.16.01.2001"]
    assert "32.16.01.2001" in page.desa.list.item(0).text()
    qtbot.keyClick(page.desa.search, Qt.Key.Key_Return)  # to the list, first row chosen
    assert page.selected == "32.16.01.2001"
    assert "Sagara Makmur" in page.summary.text()


def test_the_last_part_of_a_code_finds_every_village_with_it(
    qtbot: QtBot, regions: RegionIndex, tmp_path: Path
) -> None:
    wizard = _office_page(qtbot, regions, tmp_path / "d")
    page = wizard.office_page
    _type(qtbot, page.desa.search, "2001")
    codes = _codes(page.desa)
    assert "32.16.01.2001" in codes and len(codes) > 5
    assert all(code.endswith(".2001") for code in codes)
    _type(qtbot, page.kecamatan.search, "32.16.04")
    assert _codes(page.kecamatan) == ["32.16.04"]


def test_nothing_found_is_said(qtbot: QtBot, regions: RegionIndex, tmp_path: Path) -> None:
    wizard = _office_page(qtbot, regions, tmp_path / "d")
    page = wizard.office_page
    _type(qtbot, page.desa.search, "Atlantis")
    assert page.desa.list.count() == 0
    assert page.desa.not_found.isVisible() and "tidak ditemukan" in page.desa.not_found.text()
    _type(qtbot, page.kecamatan.search, "99.99")
    assert page.kecamatan.not_found.isVisible()
    _type(qtbot, page.desa.search, "Sagara")
    assert not page.desa.not_found.isVisible()


def test_the_village_clicked_is_the_one_highlighted(
    qtbot: QtBot, regions: RegionIndex, tmp_path: Path
) -> None:
    wizard = _office_page(qtbot, regions, tmp_path / "d")
    page = wizard.office_page
    _type(qtbot, page.desa.search, "jaya")  # no kecamatan chosen: the whole kabupaten
    codes = _codes(page.desa)
    target = "32.16.04.2001"  # Sukawijaya, Tambelang: not in the first kecamatan
    row = codes.index(target)
    item = page.desa.list.item(row)
    page.desa.list.scrollToItem(item)
    rect = page.desa.list.visualItemRect(item)
    qtbot.mouseClick(page.desa.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(50)
    assert page.selected == target
    assert page.kecamatan.current_code() == "32.16.04"
    highlighted = page.desa.list.selectedItems()
    assert [i.data(REGION_CODE_ROLE) for i in highlighted] == [target]
    assert page.desa.list.currentItem().data(REGION_CODE_ROLE) == target


class _HeldRunner(SyncTaskRunner):
    """Keeps the set-up task waiting so the test can look at the wizard meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = False
        self.held: list[tuple[Any, ...]] = []

    def submit(self, fn: Any, on_success: Any = None, on_error: Any = None, **kw: Any) -> Any:
        if not self.holding:
            return super().submit(fn, on_success, on_error, **kw)
        self.held.append((fn, on_success, on_error, kw))
        return None

    def release(self) -> None:
        fn, on_success, on_error, kw = self.held.pop()
        self.holding = False
        super().submit(fn, on_success, on_error, **kw)


def test_back_is_disabled_while_the_office_is_set_up(
    qtbot: QtBot, regions: RegionIndex, tmp_path: Path
) -> None:
    runner = _HeldRunner()
    wizard = _office_page(qtbot, regions, tmp_path / "d", runner)
    wizard.office_page.choose("32.16.01.2001")
    wizard.next()
    page = wizard.operator_page
    page.operator.setText("Siti Aminah")
    page.passphrase.setText("sawah hijau 2026")
    page.repeat.setText("sawah hijau 2026")
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page
    runner.holding = True
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    if not commit.isVisible():
        commit = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    assert runner.held, "the set-up task was started"
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert not back.isEnabled()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.summary_page
    runner.release()
    assert wizard.currentPage() is wizard.done_page
