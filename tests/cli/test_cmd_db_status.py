"""``smartcity db status`` and ``smartcity db password set|forget URL``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from smartcity_desktop.storage import db_secrets
from smartcity_desktop.storage.migrations import head_revision
from smartcity_desktop.storage.paths import DataPaths
from tests.cli.test_cli import run
from tests.conftest import KABUPATEN_CODE, copy_office
from tests.keyring_backend import file_keyring, no_keyring

URL = "postgresql+psycopg://analis@db.kabupaten.local:5433/smartcity_kab"


@pytest.fixture
def kabupaten_folder(office_templates: dict[str, Path], tmp_path: Path) -> DataPaths:
    return copy_office(office_templates, "kabupaten", tmp_path / "kab")


def test_status_of_an_office_on_its_sqlite_file(
    capsys: pytest.CaptureFixture[str], kabupaten_folder: DataPaths
) -> None:
    code, out, err = run(capsys, "--data-dir", str(kabupaten_folder.root), "db", "status")
    assert code == 0, err
    assert f"({KABUPATEN_CODE})" in out
    assert "Berkas SQLite di PC ini" in out
    assert str(kabupaten_folder.database) in out
    assert f"Revisi skema: {head_revision()}" in out
    assert "0 permasalahan, 0 potensi, 0 usulan, 0 lampiran" in out

    code, out, err = run(capsys, "--data-dir", str(kabupaten_folder.root), "db", "status", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["kind"] == "sqlite"
    assert shown["path"] == str(kabupaten_folder.database)
    assert shown["schema_revision"] == head_revision()
    assert shown["counts"]["problem"] == 0
    assert shown["saved_choice"] is None


def test_status_of_an_office_whose_server_cannot_be_reached_says_so(
    capsys: pytest.CaptureFixture[str], kabupaten_folder: DataPaths
) -> None:
    unreachable = "postgresql+psycopg://analis@127.0.0.1:1/smartcity_kab"
    (kabupaten_folder.root / "database.json").write_text(
        json.dumps({"url": unreachable}), encoding="utf-8"
    )
    code, _out, err = run(capsys, "--data-dir", str(kabupaten_folder.root), "db", "status")
    assert code == 1
    assert "127.0.0.1:1" in err


def test_password_set_reads_stdin_and_forget_removes_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with file_keyring(tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("sandi dari pipa\n"))
        code, out, err = run(capsys, "db", "password", "set", URL)
        assert code == 0, err
        assert "analis@db.kabupaten.local:5433/smartcity_kab" in out
        assert "sandi dari pipa" not in out + err
        assert db_secrets.stored_password(URL) == "sandi dari pipa"

        code, out, err = run(capsys, "db", "password", "forget", URL)
        assert code == 0, err
        assert "dihapus" in out
        assert db_secrets.stored_password(URL) is None
        code, out, _ = run(capsys, "db", "password", "forget", URL)
        assert code == 0 and "Tidak ada kata sandi tersimpan" in out


def test_password_is_never_taken_from_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with file_keyring(tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("lain\n"))
        code, _, err = run(
            capsys,
            "db",
            "password",
            "set",
            "postgresql+psycopg://analis:di-argv@db.kabupaten.local:5433/smartcity_kab",
        )
        assert code == 1
        assert "tanpa kata sandi" in err
        assert db_secrets.stored_password(URL) is None
        # No argument carries a password either.
        code, _, err = run(capsys, "db", "password", "set", URL, "rahasia")
        assert code == 2


def test_password_set_without_a_store_says_so_before_asking(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.StringIO("tidak dibaca\n")
    monkeypatch.setattr("sys.stdin", stdin)
    with no_keyring():
        code, _, err = run(capsys, "db", "password", "set", URL)
    assert code == 1
    assert "tidak dapat disimpan di PC ini" in err
    assert stdin.tell() == 0  # nothing was read


def test_an_empty_password_on_stdin_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with file_keyring(tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
        code, _, err = run(capsys, "db", "password", "set", URL)
        assert code == 1 and "kosong" in err
        assert db_secrets.stored_password(URL) is None


def test_a_url_that_is_not_postgresql_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "db", "password", "forget", "sqlite:///x.sqlite")
    assert code == 1 and "bukan alamat PostgreSQL" in err
