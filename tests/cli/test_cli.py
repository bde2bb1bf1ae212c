"""The CLI contract: commands, JSON shapes and exit codes (0 ok, 1 refused, 2 usage)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smartcity_desktop.cli.main import main
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import DESA_CODE, PASSPHRASE


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse exits for usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("smartcity ")


def test_init_prints_the_fingerprint_last(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, passphrase_env: None
) -> None:
    code, out, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "d"),
        "init",
        "--role",
        "desa",
        "--office",
        DESA_CODE,
        "--operator",
        "Siti Aminah",
    )
    assert code == 0, err
    assert "Desa Sagara Makmur" in out
    last = out.strip().splitlines()[-1]
    assert len(last) == 39 and last.count("-") == 7


def test_init_reads_the_passphrase_from_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = tmp_path / "sandi.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    code, _, err = run(
        capsys,
        "init",
        "--data-dir",
        str(tmp_path / "d"),
        "--role",
        "kecamatan",
        "--office",
        "32.16.01",
        "--operator",
        "Camat",
        "--passphrase-file",
        str(secret),
    )
    assert code == 0, err


def test_refusals_exit_1_with_a_message(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    passphrase_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = str(tmp_path / "d")
    code, _, err = run(
        capsys,
        "--data-dir",
        d,
        "init",
        "--role",
        "desa",
        "--office",
        "32.16.01.9999",
        "--operator",
        "X",
    )
    assert code == 1 and "tidak ada dalam daftar wilayah" in err
    code, _, err = run(
        capsys, "--data-dir", d, "init", "--role", "desa", "--office", "32.16.01", "--operator", "X"
    )
    assert code == 1 and "tingkat" in err
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", "pendek")
    code, _, err = run(
        capsys, "--data-dir", d, "init", "--role", "desa", "--office", DESA_CODE, "--operator", "X"
    )
    assert code == 1 and "minimal 10" in err
    code, _, err = run(capsys, "--data-dir", d, "stats", "--json")
    assert code == 1 and "smartcity init" in err
    assert not Path(d).exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "no-such-command")[0] == 2
    assert run(capsys, "init", "--role", "desa")[0] == 2
    assert run(capsys, "init", "--role", "camat", "--office", "1", "--operator", "x")[0] == 2
    assert run(capsys, "sample-data", "--problems", "-3")[0] == 2
    assert run(capsys)[0] == 2


def test_sample_data_stats_and_search(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    d = str(desa_paths.root)
    code, _, err = run(
        capsys,
        "--data-dir",
        d,
        "sample-data",
        "--problems",
        "12",
        "--potentials",
        "5",
        "--proposals",
        "7",
        "--photos",
        "2",
        "--seed",
        "3",
    )
    assert code == 0, err
    code, out, _ = run(capsys, "stats", "--json", "--data-dir", d)
    stats = json.loads(out)
    assert code == 0
    assert stats["office"] == DESA_CODE and stats["role"] == "desa"
    assert stats["records"] == {"problem": 12, "potential": 5, "proposal": 7}
    assert stats["attachments"] == 2
    assert stats["by_office"] == {DESA_CODE: 24}
    code, out, _ = run(capsys, "--data-dir", d, "search", "air", "--json")
    assert code == 0 and all("air" in r["title"].lower() or r["kind"] for r in json.loads(out))


def test_data_dir_from_the_environment(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTCITY_DATA_DIR", str(desa_paths.root))
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["office"] == DESA_CODE


def test_regions_list_and_load(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path
) -> None:
    d = str(desa_paths.root)
    code, out, _ = run(capsys, "--data-dir", d, "regions", "list", "--parent", "32.16", "--json")
    rows = json.loads(out)
    assert (
        code == 0
        and len(rows) == 23
        and rows[0]
        == {
            "code": "32.16.01",
            "name": "Tarumajaya",
            "level": "kecamatan",
            "kind": "",
            "parent": "32.16",
        }
    )
    assert run(capsys, "--data-dir", d, "regions", "list", "--parent", "99.99")[0] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kode,nama,tingkat,jenis,kode_induk\n32,Jawa Barat,provinsi,,\n"
        "32.16,Bekasi,kecamatan,,32\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--data-dir", d, "regions", "load", str(bad))
    assert code == 1 and "Baris 3" in err
    code, out, _ = run(capsys, "--data-dir", d, "regions", "list", "--parent", "32.16.01")
    assert code == 0 and "Sagara Makmur" in out


def test_backup(capsys: pytest.CaptureFixture[str], desa_paths: DataPaths) -> None:
    code, out, _ = run(capsys, "--data-dir", str(desa_paths.root), "backup")
    assert code == 0 and "Cadangan dibuat" in out
    assert len(list(desa_paths.backups.glob("*.sqlite"))) == 1


def test_a_corrupt_database_exits_1_and_names_the_backups(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    desa_paths.database.write_bytes(b"this is not sqlite at all" * 100)
    code, _, err = run(capsys, "--data-dir", str(desa_paths.root), "stats")
    assert code == 1 and "backups" in err


def test_messages_in_english_on_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--lang", "en", "--data-dir", str(tmp_path), "stats")
    assert code == 1 and "has not been set up" in err


def test_the_cli_never_loads_qt(desa_paths: DataPaths) -> None:
    script = (
        "import sys; from smartcity_desktop.cli.main import main; "
        f"main(['--data-dir', {str(desa_paths.root)!r}, 'stats', '--json']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'PySide6 loaded'"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_no_secret_reaches_the_log_or_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Rahasia-Sangat-Unik-987"
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", secret)
    d = str(tmp_path / "d")
    assert (
        run(
            capsys,
            "--data-dir",
            d,
            "init",
            "--role",
            "desa",
            "--office",
            DESA_CODE,
            "--operator",
            "Siti",
        )[0]
        == 0
    )
    run(
        capsys,
        "--data-dir",
        d,
        "sample-data",
        "--problems",
        "2",
        "--potentials",
        "1",
        "--proposals",
        "1",
    )
    assert run(capsys, "--data-dir", d, "export", "--out", str(tmp_path / "b.scb"))[0] == 0
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", "salah-" + secret)
    assert (
        run(capsys, "--data-dir", d, "export", "--out", str(tmp_path / "c.scb"), "--full")[0] == 1
    )
    logs = list((tmp_path / "d" / "logs").glob("*"))
    assert logs, "the CLI writes a log"
    for path in [*logs, tmp_path / "d" / "smartcity.sqlite", tmp_path / "b.scb"]:
        assert secret.encode() not in path.read_bytes(), path


def test_a_damaged_database_is_not_backed_up(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    data = bytearray(desa_paths.database.read_bytes())
    for offset in range(len(data) - 4096 * 40, len(data), 4096):
        data[offset : offset + 50] = b"\xde\xad" * 25
    desa_paths.database.write_bytes(bytes(data))
    code, _, err = run(capsys, "--data-dir", str(desa_paths.root), "backup")
    assert code == 1 and "rusak" in err and "backups" in err
    assert list(desa_paths.backups.glob("*.sqlite")) == []


def test_export_with_nothing_new_names_the_option_and_makes_no_file(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, passphrase_env: None, tmp_path: Path
) -> None:
    d = str(desa_paths.root)
    code, out, err = run(capsys, "--data-dir", d, "export", "--out", str(tmp_path))
    assert code == 1 and out == ""
    assert "tidak ada paket dibuat" in err and "smartcity export --full" in err
    assert list(tmp_path.glob("*.scb")) == []


def test_init_and_stats_show_a_portable_data_folder(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    passphrase_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As the frozen app on a USB stick: the executable's folder holds the portable marker.
    app = tmp_path / "FLASHDISK" / "SmartCityDesktop"
    app.mkdir(parents=True)
    (app / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "smartcity"))
    code, out, err = run(capsys, "init", "--role", "desa", "--office", DESA_CODE, "--operator", "X")
    assert code == 0, err
    data = (app / "data").resolve()
    assert f"Folder data: {data}" in out
    assert f"Mode portabel (berkas {app.resolve() / 'portable.txt'})" in out
    assert (data / "smartcity.sqlite").is_file()

    code, out, err = run(capsys, "stats")
    assert code == 0, err
    assert f"Folder data: {data}" in out and "Mode portabel" in out
    code, out, err = run(capsys, "stats", "--json")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["data_dir"] == str(data) and stats["portable"] is True


def test_stats_names_the_data_folder(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths
) -> None:
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "stats")
    assert code == 0, err
    assert f"Folder data: {desa_paths.root}" in out and "portabel" not in out
    code, out, err = run(capsys, "--data-dir", str(desa_paths.root), "stats", "--json")
    assert json.loads(out)["portable"] is False
