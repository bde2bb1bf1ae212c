"""Isu strategis as a registered view, on the known set's problems (similarity_data.py):

banjir rob (proteksi lingkungan, 2.11): a1 (A, berat, 120 jiwa), b1 (B, sangat berat, 40 KK),
    c1 (C, sedang, 200 jiwa): 3 desa, 2 kecamatan, mean (3 + 4 + 2) / 3 = 3.0
sampah bantaran (sampah & limbah, 2.11): a3 (A, sedang), c2 (C, berat): 2 desa, 2 kecamatan
jalan rusak (transportasi, 1.03): a2 (A, sedang, 300 jiwa), b2 (B, berat, 150 jiwa): 2 desa, 1
c3 has urusan 1.03 and stays out of the flood issue; a4 and d1 share no key word.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.analysis.export_table import write_csv, write_xlsx
from smartcity_desktop.services.annex import annex_view
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.similarity import merge_issues
from tests.services.analysis.views_data import (
    BABELAN,
    A,
    ViewsData,
    kab,
    views_data,
    views_shared,
    views_template,
)

__all__ = ["kab", "views_data", "views_shared", "views_template"]

pytestmark = pytest.mark.postgres_ready

FLOOD = "proteksi_lingkungan|2.11|banjir+rob"
WASTE = "sampah_limbah|2.11|bantaran+menumpuk"
ROAD = "transportasi|1.03|jalan+rusak"


def test_one_row_per_cluster_with_its_figures(views_shared: ViewsData, kab: AppContext) -> None:
    result = view("isu-strategis").compute(kab, AnalysisFilter())
    table = result.table("isu")
    assert [c.key for c in table.columns] == [
        "isu",
        "desa",
        "kecamatan",
        "catatan",
        "terdampak_jiwa",
        "terdampak_kk",
        "terberat",
        "rata_rata",
        "contoh",
        "sub_elemen",
        "urusan",
        "judul",
        "kunci",
    ]
    # A readable name first; its parts and the key that merge and split take come last, for
    # spreadsheets and scripts only (not on screen, not in the annex).
    assert [c.key for c in table.columns if c.internal] == [
        "sub_elemen",
        "urusan",
        "judul",
        "kunci",
    ]
    assert [r.values[-1] for r in table.rows] == [FLOOD, WASTE, ROAD]
    flood = table.rows[0].values
    assert flood == (
        "Proteksi lingkungan · 2.11 Lingkungan Hidup · banjir, rob, tambak",
        3,
        2,
        3,
        320,
        40,
        "Sangat berat",
        3.0,
        "Desa Hurip Jaya, Desa Sagara Makmur, Desa Samudra Jaya",
        "Proteksi lingkungan",
        "2.11 Lingkungan Hidup",
        "banjir, rob, tambak",
        FLOOD,
    )
    assert "|" not in "".join(r.values[0] for r in table.rows)
    assert table.rows[1].values[1:8] == (2, 2, 2, 0, 0, "Berat", 2.5)
    assert table.rows[2].values[1:8] == (2, 1, 2, 450, 0, "Berat", 2.5)
    assert views_shared.labels(table.rows[0].drills["desa"].ids) == ["a1", "b1", "c1"]
    assert table.note == "7 dari 11 permasalahan termasuk salah satu isu."
    assert table.chart is not None and table.chart.series[0].values == (3.0, 2.0, 2.0)
    doc = result.as_dict()
    assert doc["view"] == "isu-strategis" and doc["records"] == 11
    assert [c["key"] for c in doc["clusters"]] == [FLOOD, WASTE, ROAD]
    assert doc["decisions"] == [] and doc["tables"][0]["key"] == "isu"


def test_every_filter_selects_the_records_counted(views_shared: ViewsData, kab: AppContext) -> None:
    babelan = view("isu-strategis").compute(kab, AnalysisFilter(kecamatan=BABELAN))
    assert [(r.values[-1], r.values[1]) for r in babelan.table("isu").rows] == [
        (FLOOD, 1),
        (WASTE, 1),
    ]
    one = view("isu-strategis").compute(kab, AnalysisFilter(desa=A))
    rows = one.table("isu").rows
    assert [(r.values[-1], r.values[1], r.values[3]) for r in rows] == [
        (FLOOD, 1, 1),
        (WASTE, 1, 1),
        (ROAD, 1, 1),
    ]
    assert one.extra["records"] == 4  # a1..a4
    assert views_shared.labels(rows[0].drills[""].ids) == ["a1"]
    assert (
        view("isu-strategis").compute(kab, AnalysisFilter(trust="certified")).table("isu").rows
        == ()
    )
    waiting = view("isu-strategis").compute(kab, AnalysisFilter(stage="belum_kirim"))
    assert waiting.table("isu").rows == () and waiting.extra["records"] == 0
    environment = view("isu-strategis").compute(kab, AnalysisFilter(dimension="environment"))
    assert [r.values[-1] for r in environment.table("isu").rows] == [FLOOD, WASTE]


def test_a_stored_decision_applies_at_once(views_data: ViewsData) -> None:
    ctx = views_data.open("kabupaten")
    try:
        before = view("isu-strategis").compute(ctx, AnalysisFilter())
        merge_issues(ctx, [FLOOD, WASTE], "Pesisir")
        after = view("isu-strategis").compute(ctx, AnalysisFilter())
    finally:
        ctx.close()
    first = after.table("isu").rows[0].values
    assert (
        first[0]
        == "Proteksi lingkungan, Tata kelola sampah dan limbah · 2.11 Lingkungan Hidup · Pesisir"
    )
    assert first[-2] == "Pesisir" and first[3] == 5
    assert after.extra["decisions"][0]["applied"] is True
    assert before.table("isu").rows[0].values[-2] == "banjir, rob, tambak"


def test_exports_lead_with_the_name_and_keep_the_key_the_annex_prints_names_only(
    views_shared: ViewsData, kab: AppContext, tmp_path: Path
) -> None:
    result = view("isu-strategis").compute(kab, AnalysisFilter())
    name = "Proteksi lingkungan · 2.11 Lingkungan Hidup · banjir, rob, tambak"
    (path,) = write_csv(result, tmp_path / "isu.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, first, *_rest = csv.reader(handle)
    assert header[0] == "Isu" and first[0] == name
    assert header[-1] == "Kunci isu (untuk gabung/pisah)" and first[-1] == FLOOD
    write_xlsx(result, tmp_path / "isu.xlsx")
    sheet = load_workbook(tmp_path / "isu.xlsx").worksheets[0]
    assert sheet["A2"].value == name
    assert sheet.cell(2, len(header)).value == FLOOD
    printed = annex_view(result, "").tables[0]
    titles = [c.title for c in printed.columns]
    assert titles[0] == "Isu" and "Kunci isu (untuk gabung/pisah)" not in titles
    assert "Sub-elemen" not in titles and len(printed.rows[0]) == len(titles)
    assert printed.rows[0][0] == name
    assert not any("|" in str(v) for row in printed.rows for v in row)
