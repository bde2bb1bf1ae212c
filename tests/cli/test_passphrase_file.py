"""``--passphrase-file``: Notepad's UTF-8 with BOM works; binary and empty files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.cli.main import main
from smartcity_desktop.errors import UserError
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE


def _request(capsys: pytest.CaptureFixture[str], paths: DataPaths, secret: Path) -> tuple[int, str]:
    code = main(
        [
            "--data-dir",
            str(paths.root),
            "keys",
            "request",
            "--out",
            str(paths.root / "out.json"),
            "--passphrase-file",
            str(secret),
        ]
    )
    return code, capsys.readouterr().err


def test_a_notepad_file_with_bom_and_crlf_unlocks(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path
) -> None:
    secret = tmp_path / "sandi.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n")
    code, err = _request(capsys, desa_paths, secret)
    assert code == 0, err
    assert (desa_paths.root / "out.json").is_file()


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 4,  # a binary file (a key, a photo) named by mistake
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"rahasia\x00desa",
    ],
)
def test_a_binary_file_is_refused_with_a_message(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path, content: bytes
) -> None:
    secret = tmp_path / "kunci.bin"
    secret.write_bytes(content)
    code, err = _request(capsys, desa_paths, secret)
    assert code == 1
    assert "bukan berkas teks" in err and str(secret) in err
    assert "Traceback" not in err
    assert not (desa_paths.root / "out.json").exists()


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n", b"   \r\n"])
def test_an_empty_file_is_refused_with_a_message(
    capsys: pytest.CaptureFixture[str], desa_paths: DataPaths, tmp_path: Path, content: bytes
) -> None:
    secret = tmp_path / "kosong.txt"
    secret.write_bytes(content)
    code, err = _request(capsys, desa_paths, secret)
    assert code == 1
    assert "kosong" in err and str(secret) in err


def test_only_the_first_line_counts_and_spaces_inside_are_kept(tmp_path: Path) -> None:
    from smartcity_desktop.cli.passphrase import read_passphrase_file

    secret = tmp_path / "sandi.txt"
    secret.write_text("kata sandi  panjang\nbaris kedua\n", encoding="utf-8")
    assert read_passphrase_file(secret) == "kata sandi  panjang"


def test_a_missing_file_names_the_reason(tmp_path: Path) -> None:
    from smartcity_desktop.cli.passphrase import read_passphrase_file

    with pytest.raises(UserError, match="tidak dapat dibaca"):
        read_passphrase_file(tmp_path / "tidak-ada.txt")
