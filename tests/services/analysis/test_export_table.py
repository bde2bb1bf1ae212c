"""XLSX and CSV of an analysis view, opened again with openpyxl and the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smartcity_desktop.services.analysis import AnalysisFilter
from smartcity_desktop.services.analysis.export_table import (
    MONEY_FORMAT,
    ExportWriteError,
    csv_paths,
    sheet_names,
    write_csv,
    write_xlsx,
)
from smartcity_desktop.services.analysis.result import (
    Column,
    ColumnType,
    Row,
    Table,
    ViewResult,
)
from smartcity_desktop.storage.errors import DiskFullError

# No database: tables written to XLSX and CSV (the views on PostgreSQL: test_postgresql_parity_analysis).

KEC = "32.16.01"


def ranking() -> Table:
    columns = (
        Column("judul", "Judul usulan"),
        Column("desa", "Jumlah desa", ColumnType.INT),
        Column("skor", "Skor", ColumnType.FLOAT),
        Column("biaya", "Biaya", ColumnType.MONEY),
        Column("porsi", "Porsi", ColumnType.PERCENT, heat=True),
    )
    rows = (
        Row(("=SUM(A1) bukan rumus", 3, 7.5, 150_000_000, 60.0)),
        Row(("Jalan desa", 2, 4.25, 100_000_000, 40.0)),
        Row(("Belum dinilai", None, None, None, None)),
    )
    totals = Row(("Jumlah", 5, None, 250_000_000, 100.0))
    return Table("peringkat", "Peringkat usulan: semua/skor?", columns, rows, totals, note="n1")


def result(*tables: Table) -> ViewResult:
    return ViewResult(
        "peringkat-usulan",
        "Peringkat usulan",
        "32.16",
        AnalysisFilter(kecamatan=KEC),
        {KEC: "Kecamatan Tarumajaya", "32.16": "Kabupaten Bekasi"},
        tables or (ranking(),),
        notes=(("Bobot", "jangkauan 3, keparahan 2"),),
        computed_at=dt.datetime(2026, 11, 30, 3, 0),
        cut_off=dt.datetime(2026, 11, 29, 8, 30),
    )


def test_xlsx_has_typed_cells_frozen_header_filter_totals_and_keterangan(tmp_path: Path) -> None:
    out = tmp_path / "peringkat.xlsx"
    write_xlsx(result(), out)
    book = load_workbook(out)
    assert book.sheetnames == ["Peringkat usulan semua skor", "Keterangan"]
    sheet = book["Peringkat usulan semua skor"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Judul usulan", "Jumlah desa", "Skor", "Biaya", "Porsi"]
    # A text that looks like a formula stays text; percent is an Excel percent (a fraction).
    assert values[1] == ["=SUM(A1) bukan rumus", 3, 7.5, 150_000_000, pytest.approx(0.6)]
    assert sheet["A2"].data_type == "s"
    assert values[3] == ["Belum dinilai", None, None, None, None]
    assert values[4] == ["Jumlah", 5, None, 250_000_000, pytest.approx(1.0)]
    assert sheet["A5"].font.b
    assert sheet["D2"].number_format == MONEY_FORMAT
    assert sheet["E2"].number_format == "0.0%"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"  # the totals row stays out of the sorted range
    assert sheet.column_dimensions["A"].width > 15
    notes = {row[0].value: row[1].value for row in book["Keterangan"].iter_rows(min_row=2)}
    assert notes["Tampilan"] == "Peringkat usulan"
    assert notes["Kantor"] == "Kabupaten Bekasi (32.16)"
    assert notes["Saringan: Kecamatan"] == "Kecamatan Tarumajaya (32.16.01)"
    assert notes["Saringan: Dimensi"] == "semua"
    assert notes["Bobot"] == "jangkauan 3, keparahan 2"
    assert notes["Catatan tabel Peringkat usulan: semua/skor?"] == "n1"
    assert notes["Batas data (paket terakhir diterima)"].startswith("29 November 2026")
    assert notes["Dihitung"].startswith("30 November 2026")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_sheet_names_are_unique_and_short() -> None:
    long = Table("a", "X" * 40, (Column("k", "K"),), ())
    same = Table("b", "X" * 40, (Column("k", "K"),), ())
    ket = Table("c", "Keterangan", (Column("k", "K"),), ())
    names = sheet_names(result(long, same, ket))
    assert names == ["X" * 31, "X" * 27 + " (2)", "Keterangan (2)"]


def test_csv_one_table_is_the_path_with_bom_and_plain_numbers(tmp_path: Path) -> None:
    out = tmp_path / "peringkat.csv"
    assert write_csv(result(), out) == [out]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["Judul usulan", "Jumlah desa", "Skor", "Biaya", "Porsi"]
    assert rows[1] == ["=SUM(A1) bukan rumus", "3", "7.5", "150000000", "60.0"]
    assert rows[3] == ["Belum dinilai", "", "", "", ""]
    assert rows[-1] == ["Jumlah", "5", "", "250000000", "100.0"]


def test_csv_of_several_tables_writes_one_file_per_table_beside_the_path(tmp_path: Path) -> None:
    second = Table("per-desa", "Per desa", (Column("desa", "Desa"),), (Row(("Sagara",)),))
    view = result(ranking(), second)
    out = tmp_path / "hasil.csv"
    written = write_csv(view, out)
    assert written == [tmp_path / "hasil-peringkat.csv", tmp_path / "hasil-per-desa.csv"]
    assert written == csv_paths(view, out)
    assert not out.exists()
    assert written[1].read_text(encoding="utf-8-sig").splitlines() == ["Desa", "Sagara"]


def test_a_target_held_by_another_program_is_an_honest_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel on Windows holds an open workbook: replacing it fails with "permission denied".
    old = tmp_path / "peringkat.xlsx"
    old.write_bytes(b"lama")

    def held(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(ExportWriteError, match=r"tidak dapat disimpan ke .*Excel"):
        write_xlsx(result(), old)
    assert old.read_bytes() == b"lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peringkat.xlsx"]


def test_a_full_disk_says_so_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "peringkat.csv"
    old.write_text("lama", encoding="utf-8")
    real_fsync = os.fsync

    def full(fd: int) -> None:
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFullError, match="Penyimpanan penuh"):
        write_csv(result(), old)
    assert old.read_text(encoding="utf-8") == "lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peringkat.csv"]


def test_a_folder_or_missing_folder_as_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportWriteError, match="adalah folder"):
        write_xlsx(result(), tmp_path)
    with pytest.raises(ExportWriteError, match="tidak ada"):
        write_csv(result(), tmp_path / "tidak-ada" / "x.csv")
