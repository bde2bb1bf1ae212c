"""Portable mode: ``portable.txt`` beside the frozen app puts the data folder in ``data`` beside it.

The folders here are real; "frozen" is what PyInstaller's bootloader sets on ``sys`` (``frozen`` and
an ``executable`` inside the app folder), set the same way for the tests that need it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_desktop.storage.paths import (
    DATA_DIR_ENV,
    PORTABLE_MARKER,
    DataPaths,
    app_folder,
    data_dir_for,
    default_data_dir,
    portable_marker,
    resolve_data_dir,
)

# No database: where the data folder is.


@pytest.fixture
def usb_app(tmp_path: Path) -> Path:
    """An app folder on a USB stick with the portable marker beside the executables."""
    folder = tmp_path / "FLASHDISK" / "SmartCityDesktop"
    folder.mkdir(parents=True)
    (folder / "smartcity").write_bytes(b"")
    (folder / PORTABLE_MARKER).write_text("", encoding="utf-8")
    return folder


@pytest.fixture
def frozen_in(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make this process look like the frozen app whose executable lives in a given folder."""

    def freeze(folder: Path) -> None:
        monkeypatch.setattr(sys, "frozen", True, raising=False)
        monkeypatch.setattr(sys, "executable", str(folder / "smartcity"))

    return freeze


def test_the_marker_puts_the_data_folder_beside_the_app(usb_app: Path) -> None:
    assert data_dir_for(None, usb_app) == DataPaths((usb_app / "data").resolve())


def test_without_the_marker_the_user_data_folder_is_used(usb_app: Path) -> None:
    (usb_app / PORTABLE_MARKER).unlink()
    assert data_dir_for(None, usb_app) == DataPaths(default_data_dir())


def test_a_folder_named_like_the_marker_is_not_the_marker(usb_app: Path) -> None:
    (usb_app / PORTABLE_MARKER).unlink()
    (usb_app / PORTABLE_MARKER).mkdir()
    assert data_dir_for(None, usb_app) == DataPaths(default_data_dir())


def test_an_explicit_folder_wins_over_the_marker(
    usb_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "pilihan"
    assert data_dir_for(str(chosen), usb_app) == DataPaths(chosen.resolve())
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "dari-env"))
    assert data_dir_for(None, usb_app) == DataPaths((tmp_path / "dari-env").resolve())
    assert data_dir_for(str(chosen), usb_app) == DataPaths(chosen.resolve())


def test_from_source_there_is_no_app_folder(usb_app: Path) -> None:
    assert not getattr(sys, "frozen", False)
    assert app_folder() is None
    # A marker next to the Python interpreter or the checkout changes nothing.
    assert resolve_data_dir() == DataPaths(default_data_dir())


def test_the_frozen_app_reads_the_marker_beside_its_executable(
    usb_app: Path, frozen_in: Callable[[Path], None]
) -> None:
    frozen_in(usb_app)
    assert app_folder() == usb_app.resolve()
    paths = resolve_data_dir()
    assert paths.root == (usb_app / "data").resolve()
    assert portable_marker(paths) == usb_app.resolve() / PORTABLE_MARKER


def test_portable_marker_names_only_the_portable_folder(usb_app: Path, tmp_path: Path) -> None:
    assert portable_marker(DataPaths((usb_app / "data").resolve()), usb_app) == (
        usb_app / PORTABLE_MARKER
    )
    assert portable_marker(DataPaths(tmp_path / "other"), usb_app) is None
    assert portable_marker(DataPaths(default_data_dir()), None) is None  # not frozen
    (usb_app / PORTABLE_MARKER).unlink()
    assert portable_marker(DataPaths((usb_app / "data").resolve()), usb_app) is None
