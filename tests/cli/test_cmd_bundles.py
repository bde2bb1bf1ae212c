"""The bundle and trust CLI contract, driven as a script would drive it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.cli.test_cli import run
from tests.conftest import PASSPHRASE, copy_office, office_paths

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
    """A desa with sample records (on SQLite, as every desa), a kecamatan and a kabupaten on the
    test's backend."""
    folders = {"desa": copy_office(office_templates, "desa", tmp_path / "desa")}
    for role in ("kecamatan", "kabupaten"):
        folders[role] = office_paths(request, backend, role, tmp_path / role)
    ctx = open_context(folders["desa"])
    generate(ctx, SampleRequest(problems=5, potentials=2, proposals=3, photos=1))
    ctx.close()
    return {role: str(p.root) for role, p in folders.items()}


def test_pinning_then_importing(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    desa, kec = offices["desa"], offices["kecamatan"]
    bundle = str(tmp_path / "desa.scb")
    assert run(capsys, "--data-dir", desa, "export", "--out", bundle)[0] == 0
    code, out, _ = run(capsys, "--data-dir", kec, "verify", bundle, "--json")
    assert code == 1 and json.loads(out)[0]["problems"][0]["code"] == "trust.unknown_office"
    code, out, _ = run(capsys, "--data-dir", desa, "keys", "fingerprint")
    fingerprint = out.strip().splitlines()[-1]
    assert run(capsys, "--data-dir", kec, "trust", "pin", "32.16.01.2001", fingerprint)[0] == 0
    code, out, _ = run(capsys, "--data-dir", kec, "verify", bundle)
    assert code == 0 and "dipercaya lokal" in out
    code, out, _ = run(capsys, "--data-dir", kec, "import", bundle, "--dry-run", "--json")
    plan = json.loads(out)[0]
    assert code == 0 and plan["status"] == "dry-run" and plan["actions"]["new"] == 11
    assert {r["action"] for r in plan["records"]} == {"new"}
    code, out, _ = run(capsys, "--data-dir", kec, "import", bundle)
    assert code == 0 and "DIIMPOR" in out and "Tanda terima" in out
    code, out, _ = run(capsys, "--data-dir", kec, "import", bundle, "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "already"
    code, out, _ = run(capsys, "--data-dir", kec, "bundles", "list", "--json")
    ledger = json.loads(out)
    assert code == 0 and isinstance(ledger, list) and len(ledger) == 1
    assert ledger[0]["sender"] == "32.16.01.2001" and ledger[0]["trust"] == "locally_trusted"


def test_certification_round_trip(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    desa, kab = offices["desa"], offices["kabupaten"]
    root, req, cert = (str(tmp_path / n) for n in ("root.json", "desa.req", "desa.cert"))
    code, out, _ = run(capsys, "--data-dir", kab, "keys", "export-root", "--out", root)
    assert code == 0 and out.strip().splitlines()[-1].count("-") == 7
    assert run(capsys, "--data-dir", desa, "trust", "add-root", root)[0] == 0
    assert run(capsys, "--data-dir", desa, "keys", "request", "--out", req)[0] == 0
    assert run(capsys, "--data-dir", desa, "keys", "certify", req, "--out", cert)[0] == 1
    assert (
        run(
            capsys, "--data-dir", kab, "keys", "certify", req, "--out", cert, "--valid-days", "365"
        )[0]
        == 0
    )
    assert run(capsys, "--data-dir", desa, "keys", "install", cert)[0] == 0
    code, out, _ = run(capsys, "--data-dir", desa, "trust", "list", "--json")
    assert json.loads(out)["office_key"]["certified"] is True
    bundle = str(tmp_path / "b.scb")
    assert run(capsys, "--data-dir", desa, "export", "--out", bundle)[0] == 0
    code, out, _ = run(capsys, "--data-dir", kab, "import", bundle, "--json")
    assert code == 0 and json.loads(out)[0]["trust"] == "certified"
    revoked = str(tmp_path / "revoked.json")
    assert (
        run(capsys, "--data-dir", kab, "keys", "revoke", "32.16.01.2001", "--out", revoked)[0] == 0
    )
    assert run(capsys, "--data-dir", desa, "trust", "update", revoked)[0] == 0


def test_refusals_and_usage_errors(
    capsys: pytest.CaptureFixture[str],
    offices: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desa, kec = offices["desa"], offices["kecamatan"]
    assert run(capsys, "--data-dir", kec, "trust", "pin", "32.16.01.2001", "NOT-A-PRINT")[0] == 1
    assert run(capsys, "--data-dir", desa, "keys", "certify", "x", "--out", "y")[0] == 1
    assert run(capsys, "--data-dir", desa, "export")[0] == 2
    assert (
        run(capsys, "--data-dir", desa, "export", "--out", "x", "--max-part-size", "lots")[0] == 2
    )
    assert run(capsys, "--data-dir", kec, "import")[0] == 2
    junk = tmp_path / "junk.scb"
    junk.write_bytes(b"PK\x03\x04 definitely not a bundle")
    code, out, _ = run(capsys, "--data-dir", kec, "import", str(junk))
    assert code == 1 and "DITOLAK" in out
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", "kata-sandi-keliru")
    code, _, err = run(capsys, "--data-dir", desa, "export", "--out", str(tmp_path / "x.scb"))
    assert code == 1 and "Kata sandi salah" in err


def test_export_in_parts_and_import_in_any_order(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    desa, kec = offices["desa"], offices["kecamatan"]
    out_dir = tmp_path / "wa"
    out_dir.mkdir()
    code, out, _ = run(
        capsys, "--data-dir", desa, "export", "--out", str(out_dir), "--max-part-size", "100K"
    )
    parts = sorted(out_dir.iterdir())
    assert code == 0 and len(parts) >= 2 and all(".part" in p.name for p in parts)
    fingerprint = run(capsys, "--data-dir", desa, "keys", "fingerprint")[1].split()[-1]
    run(capsys, "--data-dir", kec, "trust", "pin", "32.16.01.2001", fingerprint)
    code, out, _ = run(capsys, "--data-dir", kec, "import", *map(str, reversed(parts)))
    assert code == 0 and "DIIMPOR" in out
    code, out, _ = run(capsys, "--data-dir", kec, "bundles", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_init_can_install_the_root_key_at_once(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    root = str(tmp_path / "root.json")
    assert (
        run(capsys, "--data-dir", offices["kabupaten"], "keys", "export-root", "--out", root)[0]
        == 0
    )
    d = str(tmp_path / "new-desa")
    code, out, err = run(
        capsys,
        "--data-dir",
        d,
        "init",
        "--role",
        "desa",
        "--office",
        "32.16.01.2002",
        "--operator",
        "Rina",
        "--root-key",
        root,
    )
    assert code == 0, err
    code, listed, _ = run(capsys, "--data-dir", d, "trust", "list", "--json")
    roots = json.loads(listed)["roots"]
    assert len(roots) == 1 and roots[0]["regency"] == "32.16"
    assert roots[0]["fingerprint"] in out
    # a root key of another regency, or a damaged file, leaves no office behind
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "x"),
        "init",
        "--role",
        "desa",
        "--office",
        "32.16.01.2003",
        "--operator",
        "X",
        "--root-key",
        str(bad),
    )
    assert code == 1 and not (tmp_path / "x").exists()
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "y"),
        "init",
        "--role",
        "kabupaten",
        "--office",
        "32.16",
        "--operator",
        "X",
        "--root-key",
        root,
    )
    assert code == 1 and "kunci induknya sendiri" in err


def test_the_kabupaten_exports_nothing_upward_and_is_pointed_to_feedback(
    capsys: pytest.CaptureFixture[str], offices: dict[str, str], tmp_path: Path
) -> None:
    kab = offices["kabupaten"]
    for extra in ((), ("--full",)):
        code, _out, err = run(
            capsys, "--data-dir", kab, "export", "--out", str(tmp_path / "kab.scb"), *extra
        )
        assert code == 1
        assert "tidak mengirim data ke kantor di atasnya" in err
        assert "smartcity feedback" in err
    assert list(tmp_path.glob("kab.scb*")) == []
