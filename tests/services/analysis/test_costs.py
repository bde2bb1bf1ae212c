"""Biaya & sumber dana against a hand count of the known set's live proposals (pc3 is deleted):

APBDes:  pa2 living 150 jt, pb2 living 25 jt, pd2 living 40 jt
APBD Kabupaten: pa1 environment 500 jt, pc1 environment 750 jt
APBN:    pb1 environment 1.200 jt          Swadaya: pd1 living 90 jt
CSR:     pa3 branding, no cost             (none): pc2 governance, no cost, no scale
scale desa: pa2 pb2 pd1 pd2; kecamatan: pa3; kabupaten: pa1 pb1 pc1; (none): pc2
"""

from __future__ import annotations

from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext
from tests.services.analysis.views_data import (
    C,
    M,
    ViewsData,
    cell,
    counts_match_their_drills,
    drilled,
    kab,
    views_data,
    views_shared,
    views_template,
)

__all__ = ["kab", "views_data", "views_shared", "views_template"]


def test_cost_by_funding_source_dimension_and_scale(
    views_shared: ViewsData, kab: AppContext
) -> None:
    result = view("biaya-sumber-dana").compute(kab, AnalysisFilter())
    cost = result.table("biaya")
    assert cell(cost, "APBDes (Dana Desa/ADD)", "living") == 215 * M
    assert cell(cost, "APBD Kabupaten", "environment") == 1250 * M
    assert cell(cost, "APBN", "environment") == 1200 * M
    assert cell(cost, "Swadaya masyarakat", "living") == 90 * M
    assert cell(cost, "CSR/dunia usaha", "total") == 0
    assert cell(cost, "APBDes (Dana Desa/ADD)", "usulan_berbiaya") == 3
    assert cost.totals is not None
    assert cost.totals.values[cost.column_index("total")] == 2755 * M
    assert cost.totals.values[cost.column_index("usulan_berbiaya")] == 7

    count = result.table("jumlah")
    assert cell(count, "CSR/dunia usaha", "branding") == 1
    assert cell(count, "CSR/dunia usaha", "tanpa_biaya") == 1
    assert cell(count, "(belum diisi)", "governance") == 1
    assert count.totals is not None
    assert count.totals.values[count.column_index("total")] == 9
    assert count.totals.values[count.column_index("tanpa_biaya")] == 2

    scale = result.table("skala")
    assert [r.values for r in scale.rows] == [
        ("Cukup di desa", 4, 4, 0, 305 * M, 76_250_000),
        ("Perlu kecamatan", 1, 0, 1, 0, 0),
        ("Perlu kabupaten", 3, 3, 0, 2450 * M, 816_666_667),
        ("(belum diisi)", 1, 0, 1, 0, 0),
    ]
    assert any("2 usulan" in value for _label, value in result.notes)

    flt = result.filter
    apbdes = next(r for r in cost.rows if r.values[0] == "APBDes (Dana Desa/ADD)")
    assert drilled(views_shared, kab, flt, apbdes.drills["living"]) == ["pa2", "pb2", "pd2"]
    assert count.totals is not None
    assert drilled(views_shared, kab, flt, count.totals.drills["tanpa_biaya"]) == ["pa3", "pc2"]
    counts_match_their_drills(kab, result, {"biaya": set(), "jumlah": set(), "skala": set()})


def test_a_desa_filter(kab: AppContext) -> None:
    result = view("biaya-sumber-dana").compute(kab, AnalysisFilter(desa=C))
    cost = result.table("biaya")
    assert cost.totals is not None
    assert cost.totals.values[cost.column_index("total")] == 750 * M  # pc1; pc3 is deleted
    count = result.table("jumlah")
    assert count.totals is not None
    assert count.totals.values[count.column_index("total")] == 2  # pc1 pc2
