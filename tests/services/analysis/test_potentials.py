"""Potensi & sektor unggulan against a hand count of the known set's potentials:

    Tarumajaya: wisata 4 (ta1 ta2 ta3 tb1), alam 1 (ta4), ekonomi 1 (tb2)       = 6
    Babelan:    alam 4 (tc1 tc2 tc3 td1), ekonomi 1 (tc4), sdm 1 (td2)          = 6
    area:       wisata 4, alam 5, ekonomi 2, sdm 1                              = 12

LQ Tarumajaya wisata = (4/6)/(4/12) = 2.0; Babelan alam = (4/6)/(5/12) = 1.6; Babelan sdm = 2.0
but one potential only (below the minimum of 3); every other LQ is at most 1.
"""

from __future__ import annotations

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext
from tests.services.analysis.views_data import (
    BABELAN,
    TARUMAJAYA,
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

pytestmark = pytest.mark.postgres_ready


def test_types_by_kecamatan_and_the_standouts(views_shared: ViewsData, kab: AppContext) -> None:
    result = view("potensi-unggulan").compute(kab, AnalysisFilter())
    types = result.table("jenis-kecamatan")
    assert cell(types, "Wisata/budaya", TARUMAJAYA) == 4
    assert cell(types, "Alam", TARUMAJAYA) == 1
    assert cell(types, "Alam", BABELAN) == 4
    assert cell(types, "SDM/komunitas", BABELAN) == 1
    assert cell(types, "Ekonomi/UMKM", "total") == 2
    assert cell(types, "Infrastruktur", "total") == 0
    assert types.totals is not None and types.totals.values[-1] == 12
    standouts = result.table("unggulan")
    assert [r.values for r in standouts.rows] == [
        ("Tarumajaya", "Wisata/budaya", 4, 66.7, 33.3, 2.0),
        ("Babelan", "Alam", 4, 66.7, 41.7, 1.6),
    ]
    flt = result.filter
    assert drilled(views_shared, kab, flt, standouts.rows[0].drills[""]) == [
        "ta1",
        "ta2",
        "ta3",
        "tb1",
    ]
    counts_match_their_drills(kab, result, {"jenis-kecamatan": set(), "unggulan": set()})
    assert any("1.5" in value and "3" in value for _label, value in result.notes)


def test_a_kecamatan_filter_lists_its_standouts_against_the_whole_area(kab: AppContext) -> None:
    result = view("potensi-unggulan").compute(kab, AnalysisFilter(kecamatan=BABELAN))
    assert [c.key for c in result.table("jenis-kecamatan").columns] == ["jenis", BABELAN, "total"]
    assert [r.values for r in result.table("unggulan").rows] == [
        ("Babelan", "Alam", 4, 66.7, 41.7, 1.6)
    ]


def test_a_dimension_filter_changes_the_reference_too(kab: AppContext) -> None:
    # Environment: ta4 (Tarumajaya) and tc1 tc2 tc3 td1 (Babelan), all alam: every LQ is 1.
    result = view("potensi-unggulan").compute(kab, AnalysisFilter(dimension="environment"))
    assert cell(result.table("jenis-kecamatan"), "Alam", "total") == 5
    assert result.table("unggulan").rows == ()
