"""Shared fixtures: real data folders with real SQLite databases and real keys.

Initialising an office loads the whole national region list (about a second), so each office role is
initialised once per test session into a template folder and copied for every test that needs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from smartcity_desktop.i18n import set_language  # noqa: E402
from smartcity_desktop.services.context import AppContext, open_context  # noqa: E402
from smartcity_desktop.services.office import init_office  # noqa: E402
from smartcity_desktop.storage.paths import DataPaths  # noqa: E402

PASSPHRASE = "rahasia-desa-2026"
DESA_CODE = "32.16.01.2001"  # Sagara Makmur, Tarumajaya
KECAMATAN_CODE = "32.16.01"
KABUPATEN_CODE = "32.16"

OFFICES = {
    "desa": DESA_CODE,
    "kecamatan": KECAMATAN_CODE,
    "kabupaten": KABUPATEN_CODE,
}


@pytest.fixture(autouse=True)
def _indonesian_by_default() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMARTCITY_DATA_DIR", "SMARTCITY_PASSPHRASE", "SMARTCITY_LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("office-templates")
    templates: dict[str, Path] = {}
    for role, code in OFFICES.items():
        folder = root / role
        init_office(DataPaths(folder), role=role, office_code=code, operator="Operator Uji",
                    passphrase=PASSPHRASE)
        templates[role] = folder
    return templates


def copy_office(templates: dict[str, Path], role: str, target: Path) -> DataPaths:
    shutil.copytree(templates[role], target)
    return DataPaths(target)


@pytest.fixture
def desa_paths(office_templates: dict[str, Path], tmp_path: Path) -> DataPaths:
    return copy_office(office_templates, "desa", tmp_path / "desa")


@pytest.fixture
def desa_ctx(desa_paths: DataPaths) -> Iterator[AppContext]:
    ctx = open_context(desa_paths)
    yield ctx
    ctx.close()


@pytest.fixture
def kecamatan_ctx(office_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(copy_office(office_templates, "kecamatan", tmp_path / "kecamatan"))
    yield ctx
    ctx.close()


@pytest.fixture
def kabupaten_ctx(office_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(copy_office(office_templates, "kabupaten", tmp_path / "kabupaten"))
    yield ctx
    ctx.close()
