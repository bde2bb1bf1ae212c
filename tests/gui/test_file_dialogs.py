"""Every file dialog speaks the app's language and starts in a sensible folder."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
)
from pytestqt.qtbot import QtBot

import smartcity_desktop
from smartcity_desktop.gui import file_dialogs
from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
from smartcity_desktop.gui.bundle_pages.send_page import SendPage
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.file_dialogs import Purpose
from smartcity_desktop.gui.qt_translations import install_qt_translations
from smartcity_desktop.gui.report_page import ReportPage
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext
from tests.gui.bundle_pages.conftest import make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    file_dialogs.forget_folders()
    yield
    file_dialogs.forget_folders()
    install_qt_translations("en")


def _inspect_then_cancel(qtbot: QtBot, seen: dict[str, Any]) -> None:
    """Read the open dialog's labels and folder, then press its cancel button with the mouse."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        seen["directory"] = Path(dialog.directory().absolutePath())
        seen["labels"] = {label.text() for label in dialog.findChildren(QLabel) if label.text()}
        box = dialog.findChild(QDialogButtonBox)
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["native"] = not dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        cancel = next(b for b in box.findChildren(QPushButton) if b.text() == seen["cancel"])
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    QTimer.singleShot(300, look)


def _run(qtbot: QtBot, call: Callable[[], Any], cancel: str = "Batal") -> dict[str, Any]:
    seen: dict[str, Any] = {"cancel": cancel}
    _inspect_then_cancel(qtbot, seen)
    assert not call()  # cancelled: nothing chosen
    return seen


def test_the_save_dialog_is_indonesian_and_starts_in_exports(
    qtbot: QtBot, desa_ctx: AppContext
) -> None:
    install_qt_translations("id")
    page = ReportPage(make_shell(desa_ctx, Dialogs()))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    exports = desa_ctx.paths.exports
    exports.mkdir(parents=True, exist_ok=True)
    seen = _run(
        qtbot,
        lambda: page.shell.dialogs.save_file(
            page, "Simpan Rekap Desa", page.suggested_path(), "Berkas PDF (*.pdf)"
        ),
    )
    assert seen["directory"] == exports
    assert {"Lihat di:", "Nama berkas:", "Jenis berkas:"} <= seen["labels"]
    assert "Simpan" in seen["buttons"] and "Batal" in seen["buttons"]
    assert not seen["native"]
    english = {"Look in:", "File name:", "Files of type:", "Cancel", "Save", "&Save"}
    assert not english & (seen["labels"] | set(seen["buttons"]))


def test_kirim_data_starts_in_exports_not_home(qtbot: QtBot, desa_ctx: AppContext) -> None:
    dialogs = BundleDialogs(Dialogs())
    page = SendPage(make_shell(desa_ctx, dialogs), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    desa_ctx.paths.exports.mkdir(parents=True, exist_ok=True)
    assert page.folder() is None  # nothing chosen yet
    seen: dict[str, Any] = {"cancel": "Batal"}
    _inspect_then_cancel(qtbot, seen)
    page.choose_folder()  # what "Pilih folder…" runs
    assert seen["directory"] == desa_ctx.paths.exports
    assert "Pilih" in seen["buttons"]
    assert "--" not in page.full_check.text()  # no CLI words on the page


def test_a_remembered_folder_is_used_next_time(qtbot: QtBot, tmp_path: Path) -> None:
    used = tmp_path / "flashdisk"
    used.mkdir()
    file_dialogs.remember(Purpose.BUNDLES, used / "paket.zip")
    dialogs = BundleDialogs(Dialogs())
    seen = _run(qtbot, lambda: dialogs.open_files(None, "Pilih paket data", tmp_path))
    assert seen["directory"] == used


def test_english_labels_when_the_app_is_in_english(qtbot: QtBot, tmp_path: Path) -> None:
    set_language("en")
    try:
        seen = _run(
            qtbot,
            lambda: file_dialogs.open_file(None, "t", Purpose.KEYS, tmp_path, "*.json"),
            cancel="Cancel",
        )
    finally:
        set_language("id")
    assert {"Look in:", "File name:", "Files of type:"} <= seen["labels"]
    assert "Open" in seen["buttons"]


def test_standard_buttons_in_indonesian() -> None:
    install_qt_translations("id")
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Yes
    )
    assert {b.text().replace("&", "") for b in box.buttons()} == {"OK", "Batal", "Ya"}
    install_qt_translations("en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.buttons()[0].text() == "Cancel"


def test_every_file_dialog_goes_through_the_one_helper() -> None:
    package = Path(smartcity_desktop.__file__).parent
    offenders = []
    for path in (package / "gui").rglob("*.py"):
        if path.name == "file_dialogs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("get")
                and (isinstance(node.value, ast.Name) and node.value.id == "QFileDialog")
            ):
                offenders.append(f"{path.name}: QFileDialog.{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QFileDialog":
                offenders.append(f"{path.name}: QFileDialog()")
    assert offenders == []
