"""The RPJMD crosswalk: edited as a whole, imported from CSV and XLSX; a bad file names the row
and the column and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from smartcity_desktop.services.analysis.crosswalk import (
    CrosswalkRefused,
    CrosswalkRow,
    Matcher,
    crosswalk_rows,
    import_crosswalk,
    replace_crosswalk,
)
from smartcity_desktop.services.context import AppContext, open_context
from tests.services.review_helpers import new_office

pytestmark = pytest.mark.postgres_ready

HEADER = "urusan,sub_elemen,opd,kode_program,nama_program\n"
GOOD = [CrosswalkRow("1.03", "", "", "1.03.02", "Program Sumber Daya Air")]


@pytest.fixture
def kab(kabupaten_ctx: AppContext) -> AppContext:
    return kabupaten_ctx


def test_a_csv_replaces_the_table(kab: AppContext, tmp_path: Path) -> None:
    replace_crosswalk(kab, GOOD)
    path = tmp_path / "padanan.csv"
    path.write_text(
        "\ufeffUrusan;Sub-elemen;OPD;Kode Program;Nama Program\n"
        "2.11;sampah_limbah;;2.11.05;Program Pengelolaan Persampahan\n"
        ";;Dinas PUPR;1.03.10;Program Penyelenggaraan Jalan\n"
        ";;;;\n",
        encoding="utf-8",
    )
    import_crosswalk(kab, path)
    assert crosswalk_rows(kab) == [
        CrosswalkRow("", "", "Dinas PUPR", "1.03.10", "Program Penyelenggaraan Jalan"),
        CrosswalkRow("2.11", "sampah_limbah", "", "2.11.05", "Program Pengelolaan Persampahan"),
    ]


def test_an_xlsx_with_numbers_typed_as_numbers(kab: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["urusan", "sub_elemen", "opd", "kode_program", "nama_program"])
    sheet.append([2.1, None, None, 21001, "Program Pertanahan"])  # 2.1 typed for 2.10
    sheet.append([1.03, "transportasi", "Dishub", "1.03.11", "Program Jalan Desa"])
    path = tmp_path / "padanan.xlsx"
    book.save(path)
    import_crosswalk(kab, path)
    assert crosswalk_rows(kab) == [
        CrosswalkRow("1.03", "transportasi", "Dishub", "1.03.11", "Program Jalan Desa"),
        CrosswalkRow("2.10", "", "", "21001", "Program Pertanahan"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "9.99,,,1,Program\n", "Baris 2, kolom urusan: kode urusan 9.99 tidak dikenal"),
        (HEADER + "1.03,jalan,,1,Program\n", "Baris 2, kolom sub_elemen: kode sub-elemen jalan"),
        (HEADER + "1.03,,,,Program\n", "Baris 2, kolom kode_program: kode program RPJMD wajib"),
        (HEADER + "1.03,,,1,\n", "Baris 2, kolom nama_program: nama program RPJMD wajib"),
        (HEADER + ",,,1,Program\n", "Baris 2, kolom urusan: isi paling sedikit satu"),
        (
            HEADER + "1.03,,Dinas A,1,P\n1.02,,,2,Q\n1.03,,dinas  a,3,R\n",
            "Baris 4, kolom urusan: urusan, sub-elemen dan OPD yang sama sudah ada di baris 2",
        ),
        (HEADER + "1.03,,,1," + "x" * 201 + "\n", "kolom nama_program: paling panjang 200"),
        ("urusan,opd,kode_program\n1.03,,1\n", "yang belum ada: sub_elemen, nama_program"),
        ("", "kosong"),
        (HEADER, "hanya berisi judul kolom"),
    ],
)
def test_bad_csv_files_are_refused_naming_row_and_column(
    kab: AppContext, tmp_path: Path, content: str, message: str
) -> None:
    replace_crosswalk(kab, GOOD)
    path = tmp_path / "padanan.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CrosswalkRefused) as caught:
        import_crosswalk(kab, path)
    assert message in str(caught.value)
    assert crosswalk_rows(kab) == GOOD


def test_files_that_are_not_tables_are_refused(kab: AppContext, tmp_path: Path) -> None:
    replace_crosswalk(kab, GOOD)
    cases = {
        "padanan.xlsx": (b"PK\x03\x04 bukan xlsx", "bukan XLSX yang dapat dibaca"),
        "padanan.csv": ("urusan\n1.03\n".encode("utf-16"), "bukan teks UTF-8"),
        "padanan.pdf": (b"%PDF-1.4", "bukan CSV atau XLSX"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CrosswalkRefused) as caught:
            import_crosswalk(kab, path)
        assert message in str(caught.value), name
    with pytest.raises(CrosswalkRefused, match="tidak dapat dibaca"):
        import_crosswalk(kab, tmp_path / "tidak-ada.csv")
    assert crosswalk_rows(kab) == GOOD


def test_an_xlsx_error_names_the_sheet_row(kab: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["kode_program", "nama_program", "urusan", "sub_elemen", "opd"])
    sheet.append(["1", "Program A", "1.03", None, None])
    sheet.append(["2", "Program B", "7.77", None, None])
    path = tmp_path / "padanan.xlsx"
    book.save(path)
    with pytest.raises(CrosswalkRefused, match=r"Baris 3, kolom urusan: kode urusan 7\.77"):
        import_crosswalk(kab, path)
    assert crosswalk_rows(kab) == []


def test_editing_in_the_app_is_checked_the_same_way(kab: AppContext) -> None:
    replace_crosswalk(kab, GOOD)
    with pytest.raises(CrosswalkRefused, match="Baris 2, kolom kode_program"):
        replace_crosswalk(kab, [*GOOD, CrosswalkRow("1.02", "", "", "", "Program Kesehatan")])
    assert crosswalk_rows(kab) == GOOD
    replace_crosswalk(kab, [])
    assert crosswalk_rows(kab) == []


def test_a_desa_keeps_no_crosswalk(tmp_path: Path) -> None:
    ctx = open_context(new_office(tmp_path / "desa", "desa", "32.16.01.2001"))
    try:
        with pytest.raises(CrosswalkRefused, match="kecamatan atau kabupaten"):
            replace_crosswalk(ctx, GOOD)
    finally:
        ctx.close()


def test_matching_prefers_the_most_specific_row() -> None:
    matcher = Matcher(
        [
            CrosswalkRow("1.03", "", "", "A", "a"),
            CrosswalkRow("", "transportasi", "", "B", "b"),
            CrosswalkRow("1.03", "transportasi", "", "C", "c"),
            CrosswalkRow("", "", "Dishub", "D", "d"),
        ]
    )

    def code(*key: str | None) -> str | None:
        hit = matcher.match(*key)
        return hit.programme_code if hit else None

    assert code("1.03", "transportasi", None) == "C"  # two parts beat one
    assert code("1.03", "kesehatan", " dishub ") == "D"  # OPD beats urusan
    assert code("1.02", "transportasi", None) == "B"
    assert code("1.02", "kesehatan", None) is None
