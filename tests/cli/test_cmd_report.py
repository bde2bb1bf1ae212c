"""``smartcity report desa|kecamatan|berita-acara|pengingat`` run in-process: exit codes and messages are a script contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from smartcity_desktop.cli.main import main
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.postgres_ready


def test_report_desa_writes_the_pdf(
    desa_paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rekap.pdf"
    code = main(["--data-dir", str(desa_paths.root), "report", "desa", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert str(out) in captured.out
    assert "100%" in captured.err  # progress goes to stderr, the result to stdout
    assert "DESA SAGARA MAKMUR" in PdfReader(out).pages[0].extract_text()


def test_report_in_english_with_quiet(
    desa_paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "recap.pdf"
    args = ["--data-dir", str(desa_paths.root), "report", "desa", "--out", str(out)]
    assert main([*args, "--quiet", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Report saved" in captured.out
    assert "Page 1 of" in PdfReader(out).pages[0].extract_text()


def test_bad_output_path_exits_1_with_a_message(
    desa_paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tidak-ada" / "rekap.pdf"
    code = main(["--data-dir", str(desa_paths.root), "report", "desa", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "tidak ada" in err and str(out.parent) in err
    assert not out.parent.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["report"],
        ["report", "desa"],
        ["report", "rekap", "--out", "x.pdf"],
        ["report", "kecamatan"],
        ["report", "pengingat", "--out", "x.pdf"],
    ],
)
def test_usage_errors_exit_2(
    desa_paths: DataPaths, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(desa_paths.root), *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "penggunaan:" in err and "usage" not in err and "argumen" in err


def test_kecamatan_reports_from_the_command_line(
    kecamatan_ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(kecamatan_ctx.paths.root)
    for name, heading in (
        ("kecamatan", "REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI KECAMATAN"),
        ("berita-acara", "BERITA ACARA VERIFIKASI KECAMATAN"),
    ):
        out = tmp_path / f"{name}.pdf"
        code = main(["--data-dir", root, "report", name, "--out", str(out), "--quiet"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert str(out) in captured.out and captured.err == ""
        assert heading in PdfReader(out).pages[0].extract_text()
    out = tmp_path / "pengingat.pdf"
    argv = ["--data-dir", root, "report", "pengingat", "--desa", "32.16.01.2003"]
    assert main([*argv, "--out", str(out), "--text"]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "Yth. Kepala Desa Pusaka Rakyat," in printed
    assert "Pengingat penyampaian data Smart City" in PdfReader(out).pages[0].extract_text()


def test_kecamatan_report_at_a_desa_exits_1(
    desa_paths: DataPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rekap-kec.pdf"
    code = main(["--data-dir", str(desa_paths.root), "report", "kecamatan", "--out", str(out)])
    assert code == 1
    assert "kantor kecamatan" in capsys.readouterr().err
    assert not out.exists()
