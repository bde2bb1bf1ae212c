"""``trust pin --bundle``, ``--replace`` and ``trust unpin`` as a script or an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.conftest import DESA_CODE, PASSPHRASE, copy_office, office_paths
from tests.services.test_trust_pins import typo

pytestmark = pytest.mark.postgres_ready


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def offices(
    request: pytest.FixtureRequest,
    backend: str,
    office_templates: dict[str, Path],
    tmp_path: Path,
) -> dict[str, str]:
    """A desa (on SQLite, as every desa) and a kecamatan on the test's backend."""
    return {
        "desa": str(copy_office(office_templates, "desa", tmp_path / "desa").root),
        "kecamatan": str(office_paths(request, backend, "kecamatan", tmp_path / "kecamatan").root),
    }


def _fingerprint(capsys: pytest.CaptureFixture[str], folder: str) -> str:
    code, out, _ = run(capsys, "--data-dir", folder, "keys", "fingerprint")
    assert code == 0
    return out.strip().splitlines()[-1]


def _pins(capsys: pytest.CaptureFixture[str], folder: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--data-dir", folder, "trust", "list", "--json")
    assert code == 0
    pins: list[dict[str, object]] = json.loads(out)["pins"]
    return pins


def test_pin_with_the_bundle_at_hand_catches_a_typo(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    desa, kec = offices["desa"], offices["kecamatan"]
    bundle = str(tmp_path / "desa.scb")
    assert run(capsys, "--data-dir", desa, "sample-data", "--problems", "2")[0] == 0
    assert run(capsys, "--data-dir", desa, "export", "--out", bundle)[0] == 0
    real = _fingerprint(capsys, desa)

    code, out, err = run(
        capsys, "--data-dir", kec, "trust", "pin", DESA_CODE, typo(real), "--bundle", bundle
    )
    assert code == 1
    assert f"Sidik jari kunci paket:  {real}" in out
    assert typo(real) in err and real in err and "salah ketik" in err
    assert _pins(capsys, kec) == []

    spoken = real.replace("-", " ").lower()
    code, out, _ = run(
        capsys, "--data-dir", kec, "trust", "pin", DESA_CODE, spoken, "--bundle", bundle
    )
    assert code == 0 and "(sama)" in out and real in out
    assert [p["fingerprint"] for p in _pins(capsys, kec)] == [real]
    code, out, _ = run(capsys, "--data-dir", kec, "import", bundle)
    assert code == 0 and "dipercaya lokal" in out


def test_replacing_needs_replace_and_unpin_needs_yes(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str]
) -> None:
    desa, kec = offices["desa"], offices["kecamatan"]
    real = _fingerprint(capsys, desa)
    assert run(capsys, "--data-dir", kec, "trust", "pin", DESA_CODE, typo(real))[0] == 0

    code, _out, err = run(capsys, "--data-dir", kec, "trust", "pin", DESA_CODE, real)
    assert code == 1 and typo(real) in err and real in err and "--replace" in err
    assert [p["fingerprint"] for p in _pins(capsys, kec)] == [typo(real)]

    code, out, _ = run(
        capsys, "--data-dir", kec, "trust", "pin", DESA_CODE, real, "--replace", "--note", "Bu Rina"
    )
    assert code == 0 and f"Lama: {typo(real)}. Baru: {real}." in out
    assert [(p["fingerprint"], p["note"]) for p in _pins(capsys, kec)] == [(real, "Bu Rina")]

    code, _out, err = run(capsys, "--data-dir", kec, "trust", "unpin", DESA_CODE)
    assert code == 1 and real in err and "--yes" in err
    assert len(_pins(capsys, kec)) == 1
    code, out, _ = run(capsys, "--data-dir", kec, "trust", "unpin", DESA_CODE, "--yes")
    assert code == 0 and real in out
    assert _pins(capsys, kec) == []
    code, _out, err = run(capsys, "--data-dir", kec, "trust", "unpin", DESA_CODE, "--yes")
    assert code == 1 and "tidak disematkan" in err
