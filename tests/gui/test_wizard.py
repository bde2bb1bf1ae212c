"""The first-run wizard: a full run creates the office; nothing is written before the last step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard

from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.gui.wizard import SetupWizard
from smartcity_desktop.i18n import current_language
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.gui_support import RegionIndex
from smartcity_desktop.services.office import is_initialised
from smartcity_desktop.services.regions import bundled_regions
from smartcity_desktop.services.settings import get_setting
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "sawah hijau 2026"

# The offscreen platform cannot resize windows to their hints; nothing to do with the code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def regions() -> RegionIndex:
    return RegionIndex(bundled_regions())


@pytest.fixture
def make_wizard(qtbot: Any, regions: RegionIndex) -> Any:
    def make(folder: Path) -> SetupWizard:
        wizard = SetupWizard(DataPaths(folder), SyncTaskRunner(), load_regions=lambda: regions)
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard

    return make


def next_enabled(wizard: SetupWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def to_operator_page(wizard: SetupWizard, role: str = "desa", code: str = "32.16.01.2001") -> None:
    wizard.next()  # language
    wizard.role_page.buttons[role].setChecked(True)
    wizard.next()  # role
    assert wizard.currentPage() is wizard.office_page
    wizard.office_page.choose(code)
    assert wizard.office_page.selected == code
    wizard.next()  # office
    assert wizard.currentPage() is wizard.operator_page


def fill_operator(
    wizard: SetupWizard, passphrase: str = PASSPHRASE, repeat: str | None = None
) -> None:
    page = wizard.operator_page
    page.operator.setText("Siti Aminah")
    page.passphrase.setText(passphrase)
    page.repeat.setText(passphrase if repeat is None else repeat)


def test_full_run_creates_the_office(make_wizard: Any, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    wizard = make_wizard(folder)
    to_operator_page(wizard)
    fill_operator(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page
    assert "Desa Sagara Makmur, Kecamatan Tarumajaya, Kabupaten Bekasi" in (
        wizard.summary_page.details.text()
    )
    assert not folder.exists()  # nothing written before "Siapkan kantor"
    wizard.next()  # the commit button: init_office runs (synchronously in tests)
    assert wizard.currentPage() is wizard.done_page
    result = wizard.result
    assert result is not None and result.office_code == "32.16.01.2001"
    assert is_initialised(DataPaths(folder))
    shown = wizard.done_page.fingerprint.text()
    assert shown.split() == result.fingerprint.split("-")
    assert len(shown.splitlines()) == 2
    assert wizard.choices.passphrase == ""
    ctx = open_context(DataPaths(folder))
    try:
        assert ctx.office.operator == "Siti Aminah"
        assert ctx.office.role == "desa"
    finally:
        ctx.close()


def test_cancel_half_way_leaves_the_folder_empty(make_wizard: Any, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    wizard = make_wizard(folder)
    to_operator_page(wizard)
    fill_operator(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page
    wizard.reject()
    assert wizard.result is None
    assert list(folder.iterdir()) == []


def test_an_existing_office_is_refused(make_wizard: Any, desa_paths: DataPaths) -> None:
    before = desa_paths.database.read_bytes()
    wizard = make_wizard(desa_paths.root)
    to_operator_page(wizard, "desa", "32.16.02.2001")
    fill_operator(wizard)
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page  # stays, with the reason shown
    assert wizard.result is None
    assert "sudah berisi kantor" in wizard.summary_page.failure.text()
    assert desa_paths.database.read_bytes() == before
    assert next_enabled(wizard) or wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


@pytest.mark.parametrize(
    ("passphrase", "repeat", "hint"),
    [
        ("pendek", "pendek", "minimal 10 karakter"),
        (PASSPHRASE, PASSPHRASE + "x", "belum sama"),
        ("", "", ""),
    ],
)
def test_short_or_mismatched_passphrase_blocks_next(
    make_wizard: Any, tmp_path: Path, passphrase: str, repeat: str, hint: str
) -> None:
    wizard = make_wizard(tmp_path / "data")
    to_operator_page(wizard)
    fill_operator(wizard, passphrase, repeat)
    assert not wizard.operator_page.isComplete()
    assert not next_enabled(wizard)
    assert hint in wizard.operator_page.problem.text()
    wizard.next()
    assert wizard.currentPage() is wizard.operator_page
    fill_operator(wizard)
    assert next_enabled(wizard)
    assert wizard.operator_page.strength.value() >= 1


def test_operator_name_is_required(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard(tmp_path / "data")
    to_operator_page(wizard)
    fill_operator(wizard)
    wizard.operator_page.operator.setText("   ")
    assert not next_enabled(wizard)


def test_office_page_needs_a_choice_of_the_right_level(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard(tmp_path / "data")
    wizard.next()
    wizard.next()  # role: desa
    page = wizard.office_page
    assert page.kabupaten.currentData() == "32.16"  # Kabupaten Bekasi by default
    assert page.selected is None and not next_enabled(wizard)
    page.choose("32.16.01")  # a kecamatan is not enough for a desa office
    assert page.selected is None
    page.choose("32.16.01.2001")
    assert next_enabled(wizard)


def test_desa_search_covers_the_whole_kabupaten(
    make_wizard: Any, tmp_path: Path, qtbot: Any
) -> None:
    wizard = make_wizard(tmp_path / "data")
    wizard.next()
    wizard.next()
    page = wizard.office_page
    page.desa.search.setText("sagara")
    texts = [page.desa.list.item(i).text() for i in range(page.desa.list.count())]
    assert texts == ["Desa Sagara Makmur (Tarumajaya)"]
    page.desa.list.setCurrentRow(0)
    assert page.selected == "32.16.01.2001"
    # its kecamatan is shown as chosen once the click that chose the desa is over
    qtbot.waitUntil(lambda: page.kecamatan.current_code() == "32.16.01", timeout=1000)
    assert page.selected == "32.16.01.2001"


def test_another_kabupaten_and_the_kecamatan_role(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard(tmp_path / "data")
    wizard.next()
    wizard.role_page.buttons["kecamatan"].setChecked(True)
    wizard.next()
    page = wizard.office_page
    assert not page.desa.isVisible()
    page.province.setCurrentIndex(page.province.findData("33"))  # Jawa Tengah
    assert page.kabupaten.currentData().startswith("33.")
    page.kecamatan.search.setText(page.kecamatan.list.item(0).text())
    page.kecamatan.list.setCurrentRow(0)
    assert page.selected is not None and page.selected.startswith("33.")
    assert page.selected.count(".") == 2


def test_english_switches_the_wizard(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard(tmp_path / "data")
    wizard.language_page.buttons["en"].setChecked(True)
    wizard.next()
    assert current_language() == "en"
    assert wizard.role_page.title() == "Office role"
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Next >"
    wizard.role_page.buttons["kabupaten"].setChecked(True)
    wizard.next()
    wizard.office_page.choose("32.16")
    wizard.next()
    fill_operator(wizard)
    wizard.next()
    wizard.next()
    assert wizard.result is not None and wizard.result.root_fingerprint
    ctx = open_context(DataPaths(tmp_path / "data"))
    try:
        assert get_setting(ctx, "language") == "en"
    finally:
        ctx.close()


def test_closing_the_last_page_counts_as_finished(make_wizard: Any, tmp_path: Path) -> None:
    wizard = make_wizard(tmp_path / "data")
    to_operator_page(wizard)
    fill_operator(wizard)
    wizard.next()
    wizard.next()
    wizard.reject()
    assert wizard.result is not None
    assert wizard.isHidden()
