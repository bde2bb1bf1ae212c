"""Shared fixtures: real data folders with real SQLite databases and real keys.

Initialising an office loads the whole national region list (about a second), so each office role is
initialised once per test session into a template folder and copied for every test that needs it.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.storage.paths import DataPaths

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


@pytest.fixture(autouse=True, scope="session")
def _scrypt_results_remembered() -> Iterator[None]:
    """Unlocking a key costs scrypt at N=2^17 (about 0.4 s); the tests unlock the same few template
    keys (same passphrase, same salt) hundreds of times. scrypt is a pure function, so its results
    are remembered for the session: every test still derives, seals and unlocks for real, with
    production's parameters, but pays each distinct derivation once. Subprocess runs of the CLI
    pay in full. Production code is not changed or configured by this."""
    from smartcity_desktop.crypto import keys

    remembered = functools.lru_cache(maxsize=256)(keys._derive)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "_derive", remembered)
        yield


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("office-templates")
    templates: dict[str, Path] = {}
    for role, code in OFFICES.items():
        folder = root / role
        init_office(
            DataPaths(folder),
            role=role,
            office_code=code,
            operator="Operator Uji",
            passphrase=PASSPHRASE,
        )
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


def _mount_tmpfs(folder: Path, options: str) -> bool:
    import subprocess

    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _umount(folder: Path) -> None:
    import subprocess

    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to: a read-only tmpfs when running as root, else chmod 555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "ro,size=1m"):
        pytest.skip("cannot make a read-only folder as root here (mount refused)")
    try:
        yield folder
    finally:
        _umount(folder)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, nearly full file system (tmpfs of 16 MiB) for disk-full tests; root only."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount_tmpfs(folder, "size=16m"):
        pytest.skip("needs root and tmpfs to make a small disk")
    try:
        yield folder
    finally:
        _umount(folder)
