"""Pengaturan: office details and language are saved; a backup writes a file and is listed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui.main_window import Shell
from smartcity_desktop.gui.settings_page import SettingsPage
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.gui_support import fingerprint_groups
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.settings import get_settings
from smartcity_desktop.storage.errors import DiskFullError
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import copy_office
from tests.gui.test_main_window import make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def shell(desa_ctx: AppContext) -> Shell:
    return make_shell(desa_ctx)


@pytest.fixture
def page(qtbot: Any, shell: Shell) -> SettingsPage:
    widget = SettingsPage(shell)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_saves_office_details(page: SettingsPage, shell: Shell) -> None:
    seen: list[Change] = []
    shell.hub.changed.connect(seen.append)
    page.head_name.setText("  H. Ahmad Sobari ")
    page.address.setText("Jl. Raya Sagara No. 1, Tarumajaya")
    page.save_button.click()
    values = get_settings(shell.ctx)
    assert values["kepala_desa_name"] == "H. Ahmad Sobari"
    assert values["office_address"] == "Jl. Raya Sagara No. 1, Tarumajaya"
    assert [c.action for c in seen] == [Action.SETTINGS]
    assert page.saved_label.text() == "Tersimpan."


def test_language_applies_after_restart(qtbot: Any, page: SettingsPage, shell: Shell) -> None:
    page.language.setCurrentIndex(page.language.findData("en"))
    page.save()
    assert get_settings(shell.ctx)["language"] == "en"
    assert "buka kembali" in page.saved_label.text()
    again = SettingsPage(shell)
    qtbot.addWidget(again)
    assert again.language.currentData() == "en"
    assert again.head_name.text() == ""


def test_shows_the_data_folder_and_fingerprint(page: SettingsPage, shell: Shell) -> None:
    assert page.folder_label.text() == str(shell.ctx.paths.root)
    assert page.fingerprint.text().split() == fingerprint_groups(office_fingerprint(shell.ctx))


def test_backup_now_writes_a_file_and_lists_it(page: SettingsPage, shell: Shell) -> None:
    backups = shell.ctx.paths.backups
    before = set(backups.glob("*.sqlite")) if backups.exists() else set()
    page.backup_button.click()
    after = set(backups.glob("*.sqlite"))
    made = after - before
    assert len(made) == 1
    path = made.pop()
    assert path.stat().st_size > 0
    assert page.backup_status.text() == f"Cadangan dibuat: {path.name}"
    items = [page.backups.item(i).text() for i in range(page.backups.count())]
    assert len(items) == len(after)
    assert any("manual" in text for text in items)
    assert page.backup_button.isEnabled()


def test_a_failed_backup_is_shown(
    page: SettingsPage, shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_a: Any, **_k: Any) -> None:
        raise DiskFullError("Penyimpanan penuh.")

    monkeypatch.setattr(type(shell.ctx.db), "backup", full)
    page.backup_now()
    assert [str(e) for e in shell.dialogs.errors] == ["Penyimpanan penuh."]  # type: ignore[attr-defined]
    assert page.backup_button.isEnabled()
    assert page.backup_status.text() == "Cadangan gagal dibuat."


def test_shows_that_portable_mode_is_on(
    qtbot: Any, office_templates: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "FLASHDISK" / "SmartCityDesktop"
    paths = copy_office(office_templates, "desa", app / "data")
    (app / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "smartcity-desktop"))
    ctx = open_context(DataPaths(paths.root.resolve()))
    try:
        widget = SettingsPage(make_shell(ctx))
        qtbot.addWidget(widget)
        widget.show()
        assert widget.folder_label.text() == str((app / "data").resolve())
        assert widget.portable_label.isVisible()
        assert widget.portable_label.text().startswith("Mode portabel: folder data berada di")
        assert "karena ada berkas portable.txt." in widget.portable_label.text()
    finally:
        ctx.close()


def test_portable_note_hidden_for_the_user_data_folder(page: SettingsPage) -> None:
    assert not page.portable_label.isVisible()
