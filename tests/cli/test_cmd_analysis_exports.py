"""``analysis VIEW --xlsx/--csv`` for every registered view, opened again and compared with the
view computed in-process on the known data set."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter, ColumnType
from smartcity_desktop.services.analysis.export_table import sheet_names
from tests.cli.test_cli import run
from tests.services.similarity_data import Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


def at(k: Known, office: str, *args: str) -> list[str]:
    return ["--data-dir", str(k.root / office), *args]


def expected(value: object, kind: ColumnType) -> object:
    if value is None or value == "":
        return None
    if kind is ColumnType.PERCENT:
        return pytest.approx(float(value) / 100)  # type: ignore[arg-type]
    if kind is ColumnType.MONEY:
        return round(value)  # type: ignore[call-overload]
    return value


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_as_xlsx_has_the_views_rows_totals_and_keterangan(
    name: str, known: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / f"{name}.xlsx"
    code, stdout, err = run(
        capsys,
        *at(known, "kabupaten", "analysis", name, "--kecamatan", "32.16.01", "--xlsx", str(out)),
    )
    assert code == 0, err
    assert str(out) in stdout
    ctx = known.open("kabupaten")
    try:
        result = VIEWS[name].compute(ctx, AnalysisFilter(kecamatan="32.16.01"))
    finally:
        ctx.close()
    book = load_workbook(out)
    assert book.sheetnames == [*sheet_names(result), "Keterangan"]
    for table, sheet_name in zip(result.tables, sheet_names(result), strict=True):
        sheet = book[sheet_name]
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        assert cells[0] == [c.title for c in table.columns]
        rows = [*table.rows, *([table.totals] if table.totals else [])]
        assert len(cells) == 1 + len(rows)
        for got, row in zip(cells[1:], rows, strict=True):
            assert got == [
                expected(v, c.type) for v, c in zip(row.values, table.columns, strict=True)
            ]
        assert sheet.freeze_panes == "A2"
    notes = {r[0].value: r[1].value for r in book["Keterangan"].iter_rows(min_row=2)}
    assert notes["Tampilan"] == result.title
    assert notes["Saringan: Kecamatan"] == "Kecamatan Tarumajaya (32.16.01)"
    for label, value in result.notes:
        assert notes[label] == value


def test_matrix_as_csv_one_file_per_table_with_the_totals(
    known: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "matriks.csv"
    code, stdout, err = run(
        capsys, *at(known, "kabupaten", "analysis", "matriks-permasalahan", "--csv", str(out))
    )
    assert code == 0, err
    jumlah = tmp_path / "matriks-jumlah.csv"
    assert str(jumlah) in stdout and not out.exists()
    rows = list(csv.reader(jumlah.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[-1][0] == "Jumlah" and rows[-1][-1] == "11"  # the 11 problems of the data set


def test_the_outputs_are_mutually_exclusive(
    known: Known, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(
        capsys,
        *at(known, "kabupaten", "analysis", "matriks-permasalahan", "--json", "--xlsx", "a.xlsx"),
    )
    assert code == 2 and "--xlsx" in err and "--json" in err
    assert not (tmp_path / "a.xlsx").exists()


def test_plain_text_stays_without_an_output_option(
    known: Known, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *at(known, "kabupaten", "analysis", "matriks-permasalahan"))
    assert code == 0, err
    assert out.startswith("Matriks permasalahan\n")
