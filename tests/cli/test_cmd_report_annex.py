"""``report annex --out`` at the kabupaten: a PDF, its path on stdout, progress on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.test_cli import run
from tests.services.similarity_data import A, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


def test_report_annex_writes_the_pdf(
    known: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "lampiran.pdf"
    code, stdout, err = run(
        capsys, "--data-dir", str(known.root / "kabupaten"), "report", "annex", "--out", str(out)
    )
    assert code == 0, err
    assert str(out) in stdout and "100%" in err
    assert len(PdfReader(out).pages) >= 5


def test_report_annex_at_a_village_says_who_makes_it(
    known: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(
        capsys,
        "--data-dir",
        str(known.root / A),
        "report",
        "annex",
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert code == 1 and "kabupaten/kota" in err and "Traceback" not in err
