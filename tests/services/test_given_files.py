"""Files handed to the desktop from outside: bundles and parts pass, anything else is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.given_files import absolute_paths, given_files
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def bundle(desa_ctx: AppContext, tmp_path: Path) -> Path:
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=3))
    out = tmp_path / "usb"
    out.mkdir()
    return export_bundle(desa_ctx, PASSPHRASE, out).paths[0]


def test_a_bundle_passes(bundle: Path) -> None:
    found = given_files([str(bundle)])
    assert found.files == [bundle] and found.problems == []


def test_a_missing_file_is_named_in_indonesian(tmp_path: Path) -> None:
    missing = tmp_path / "hilang.scb"
    found = given_files([missing])
    assert found.files == []
    [problem] = found.problems
    assert problem.startswith(f"Berkas {missing} tidak ditemukan.")
    assert "Pilih berkas" in problem


def test_a_folder_is_not_a_bundle(tmp_path: Path) -> None:
    [problem] = given_files([tmp_path]).problems
    assert problem.startswith(f"{tmp_path} adalah folder, bukan paket SmartCity.")


def test_another_file_is_not_a_bundle_and_the_good_ones_still_pass(
    tmp_path: Path, bundle: Path
) -> None:
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    found = given_files([str(photo), str(bundle)])
    assert found.files == [bundle]
    [problem] = found.problems
    assert problem.startswith("Berkas foto.jpg bukan paket SmartCity.")
    assert "tidak ada yang diimpor" in problem


def test_paths_are_made_absolute_where_the_start_happened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert absolute_paths(["a.scb", "", str(tmp_path / "b.scb")]) == [
        str(tmp_path / "a.scb"),
        str(tmp_path / "b.scb"),
    ]
