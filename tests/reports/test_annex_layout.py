"""The annex's table layout: every table fits its page width, by shrinking text columns or by
splitting wide tables into parts by columns, and numbers read the Indonesian way."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Table

from smartcity_desktop.reports.annex import cell_text, table_flowables
from smartcity_desktop.reports.annex_data import FLOAT, INT, MONEY, PERCENT, AnnexColumn, AnnexTable
from smartcity_desktop.reports.styles import MARGIN_X, make_styles

WIDTH = landscape(A4)[0] - 2 * MARGIN_X


def tables(table: AnnexTable) -> list[Table]:
    return [f for f in table_flowables(table, WIDTH, make_styles(), "id") if isinstance(f, Table)]


def test_many_long_text_columns_shrink_into_the_page() -> None:
    columns = tuple(AnnexColumn(f"Uraian panjang {n}") for n in range(12))
    rows = (tuple("kata " * 30 for _n in range(12)),)
    (table,) = tables(AnnexTable("t", columns, rows))
    assert sum(table._colWidths) <= WIDTH + 0.01


def test_a_table_wider_than_the_page_is_split_by_columns_keeping_the_name_column() -> None:
    numbers = (AnnexColumn(f"Kecamatan Nomor {n}", INT) for n in range(40))
    columns = (AnnexColumn("Dimensi"), *numbers)
    rows = (("Lingkungan Cerdas", *range(1_000_000, 1_000_040)),)
    parts = tables(AnnexTable("t", columns, rows, totals=("Jumlah", *range(40))))
    assert len(parts) > 1
    for part in parts:
        assert sum(part._colWidths) <= WIDTH + 0.01
        assert part._cellvalues[1][0].text == "Lingkungan Cerdas"  # repeated in every part
    assert sum(len(p._colWidths) - 1 for p in parts) == 40  # every number column, once


def test_numbers_read_the_indonesian_way() -> None:
    assert cell_text(1_500_000, MONEY, "id") == "Rp 1.500.000"
    assert cell_text(12.5, PERCENT, "id") == "12,5%"
    assert cell_text(2.25, FLOAT, "id") == "2,25"
    assert cell_text(1234, INT, "id") == "1.234"
    assert cell_text(None, INT, "id") == ""
