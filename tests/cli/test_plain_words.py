"""Messages name things as people say them: no internal kind, level or trust names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.cli.test_cmd_bundles import offices
from tests.conftest import PASSPHRASE

__all__ = ["offices"]  # a desa with sample records, a kecamatan and a kabupaten

pytestmark = pytest.mark.postgres_ready

INTERNAL = re.compile(r"\b(problem|potential|proposal|attachment|certified|locally_trusted)\b")


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)


def test_export_counts_in_words_and_an_empty_export_says_so(
    capsys: pytest.CaptureFixture[str],
    offices: dict[str, str],
    tmp_path: Path,
) -> None:
    desa = offices["desa"]
    code, out, _ = run(capsys, "--data-dir", desa, "export", "--out", str(tmp_path / "a.scb"))
    first = out.splitlines()[0]
    assert code == 0 and "5 permasalahan, 2 potensi, 3 usulan inovasi" in first
    assert not INTERNAL.search(first)
    empty = offices["kecamatan"]  # a fresh office without records, sent in full
    code, out, _ = run(
        capsys, "--data-dir", empty, "export", "--full", "--out", str(tmp_path / "b.scb")
    )
    first = out.splitlines()[0]
    assert code == 0 and "tidak berisi catatan" in first and "(0)" not in first


def test_bundles_list_says_the_trust_in_words(
    capsys: pytest.CaptureFixture[str],
    offices: dict[str, str],
    tmp_path: Path,
) -> None:
    desa, kab = offices["desa"], offices["kabupaten"]
    root, req, cert = (str(tmp_path / n) for n in ("root.json", "desa.req", "desa.cert"))
    assert run(capsys, "--data-dir", kab, "keys", "export-root", "--out", root)[0] == 0
    assert run(capsys, "--data-dir", desa, "trust", "add-root", root)[0] == 0
    assert run(capsys, "--data-dir", desa, "keys", "request", "--out", req)[0] == 0
    assert run(capsys, "--data-dir", kab, "keys", "certify", req, "--out", cert)[0] == 0
    assert run(capsys, "--data-dir", desa, "keys", "install", cert)[0] == 0
    bundle = str(tmp_path / "b.scb")
    assert run(capsys, "--data-dir", desa, "export", "--out", bundle)[0] == 0
    assert run(capsys, "--data-dir", kab, "import", bundle)[0] == 0
    code, out, _ = run(capsys, "--data-dir", kab, "bundles", "list")
    assert code == 0 and "bersertifikat" in out and not INTERNAL.search(out)


def test_a_wrong_level_is_named_as_people_say_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "d"),
        "init",
        "--role",
        "kecamatan",
        "--office",
        "32.16.01.2001",
        "--operator",
        "X",
    )
    assert code == 1 and "desa/kelurahan" in err and "desa_kelurahan" not in err


def test_a_new_kabupaten_is_not_told_to_send_its_fingerprint_to_itself(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys,
        "--data-dir",
        str(tmp_path / "k"),
        "init",
        "--role",
        "kabupaten",
        "--office",
        "32.16",
        "--operator",
        "X",
    )
    assert code == 0
    assert "sampaikan ke kabupaten" not in out and "keys export-root" in out
