"""Draf peta jalan against the known set's end dates, first plan year 2026 (the clock's year):

before 2026: pd2 (2025-12-31)           ≤ 2 years (2026–2027): pa1 (2027-06-30), pb2 (2026-09-30)
3–5 (2028–2030): pa2 (2029-12-31), pc1 (2028-12-31)       6–10 (2031–2035): pb1 (2033-03-31)
after 2035: pd1 (2037-01-31)            no end date: pa3, pc2 (pc2 has a start date only)
"""

from __future__ import annotations

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext
from tests.services.analysis.views_data import (
    DISHUB,
    DLH,
    M,
    ViewsData,
    cell,
    counts_match_their_drills,
    drilled,
    fixed_clock,
    kab,
    views_data,
    views_shared,
    views_template,
)

__all__ = ["kab", "views_data", "views_shared", "views_template"]

pytestmark = pytest.mark.postgres_ready

BANDS = ["sebelum", "b2", "b5", "b10", "sesudah", "tanpa"]


def test_year_bands_by_dimension_and_opd(views_shared: ViewsData, kab: AppContext) -> None:
    result = view("peta-jalan").compute(kab, AnalysisFilter())
    table = result.table("dimensi")
    assert [c.title for c in table.columns[1:-1]] == [
        "Selesai sebelum 2026",
        "≤ 2 tahun",
        "3–5 tahun",
        "6–10 tahun",
        "Sesudah 2035",
        "Tanpa tanggal selesai",
    ]

    def line(dimension: str) -> list[object]:
        return [cell(table, dimension, b) for b in BANDS]

    assert line("Lingkungan Cerdas") == [0, 1, 1, 1, 0, 0]  # pa1 | pc1 | pb1
    assert line("Kehidupan Cerdas") == [1, 1, 1, 0, 1, 0]  # pd2 | pb2 | pa2 | pd1
    assert line("Pencitraan Daerah Cerdas") == [0, 0, 0, 0, 0, 1]  # pa3
    assert line("Tata Kelola Pemerintahan Cerdas") == [0, 0, 0, 0, 0, 1]  # pc2
    assert table.totals is not None and table.totals.values[1:] == (1, 2, 2, 1, 1, 2, 9)

    opd = result.table("opd")
    assert [r.values[:2] for r in opd.rows] == [
        (
            "Dinas Komunikasi, Informatika, Persandian dan Statistik",
            "Tata Kelola Pemerintahan Cerdas",
        ),
        (DLH, "Lingkungan Cerdas"),
        ("Dinas Pariwisata", "Pencitraan Daerah Cerdas"),
        (DISHUB, "Kehidupan Cerdas"),
        ("(OPD belum diisi)", "Kehidupan Cerdas"),
    ]
    assert cell(opd, DLH, "total") == 3 and cell(opd, DLH, "biaya") == 2450 * M
    assert [cell(opd, DISHUB, b) for b in BANDS] == [1, 0, 1, 0, 1, 0]
    assert cell(opd, DISHUB, "biaya") == (150 + 90 + 40) * M

    flt = result.filter
    living = next(r for r in table.rows if r.values[0] == "Kehidupan Cerdas")
    assert drilled(views_shared, kab, flt, living.drills["b5"]) == ["pa2"]
    assert drilled(views_shared, kab, flt, living.drills["sebelum"]) == ["pd2"]
    assert table.totals is not None
    assert drilled(views_shared, kab, flt, table.totals.drills["tanpa"]) == ["pa3", "pc2"]
    counts_match_their_drills(kab, result, {"dimensi": set(), "opd": set()})
    assert any("Selesai pelaksanaan" in value for _label, value in result.notes)


def test_the_bands_follow_the_first_plan_year(kab: AppContext) -> None:
    kab.clock = fixed_clock(2028)
    result = view("peta-jalan").compute(kab, AnalysisFilter())
    totals = result.table("dimensi").totals
    assert totals is not None
    # Before 2028: pd2 pa1 pb2; 2028–2029: pa2 pc1; 2030–2032: none; 2033–2037: pb1 pd1.
    assert totals.values[1:] == (3, 2, 0, 2, 0, 2, 9)
