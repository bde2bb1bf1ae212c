"""Keparahan & dampak against a hand count of the known set (tests/services/analysis/views_data.py;
the problems of tests/services/similarity_data.py):

    environment: a1 berat 120 jiwa, a3 sedang, b1 sangat berat 40 KK, c1 sedang 200 jiwa,
                 c2 berat, c3 ringan
    living:      a2 sedang 300 jiwa, a4 ringan, b2 berat 150 jiwa, b3 sedang, d1 ringan
"""

from __future__ import annotations

import datetime as dt

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext
from tests.services.analysis.views_data import (
    BABELAN,
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


def test_severity_by_dimension_and_affected_by_unit(
    views_shared: ViewsData, kab: AppContext
) -> None:
    result = view("keparahan-dampak").compute(kab, AnalysisFilter())
    severity = result.table("keparahan")
    assert [r.values[0] for r in severity.rows] == ["Ringan", "Sedang", "Berat", "Sangat berat"]
    expected = {
        "Ringan": (1, 2),  # c3 | a4 d1
        "Sedang": (2, 2),  # a3 c1 | a2 b3
        "Berat": (2, 1),  # a1 c2 | b2
        "Sangat berat": (1, 0),  # b1
    }
    for level, (environment, living) in expected.items():
        assert cell(severity, level, "environment") == environment
        assert cell(severity, level, "living") == living
        assert cell(severity, level, "governance") == 0
        assert cell(severity, level, "total") == environment + living
    assert severity.totals is not None and severity.totals.values[-1] == 11
    assert severity.chart is not None and len(severity.chart.series) == 4

    affected = result.table("terdampak")
    assert cell(affected, "Lingkungan Cerdas", "jumlah_jiwa") == 120 + 200
    assert cell(affected, "Lingkungan Cerdas", "masalah_jiwa") == 2
    assert cell(affected, "Lingkungan Cerdas", "jumlah_kk") == 40
    assert cell(affected, "Lingkungan Cerdas", "tanpa_jumlah") == 3  # a3 c2 c3
    assert cell(affected, "Kehidupan Cerdas", "jumlah_jiwa") == 300 + 150
    assert cell(affected, "Kehidupan Cerdas", "jumlah_kk") == 0
    assert affected.totals is not None
    assert affected.totals.values[1:] == (770, 4, 40, 1, 6)

    flt = result.filter
    berat = next(r for r in severity.rows if r.values[0] == "Berat")
    assert drilled(views_shared, kab, flt, berat.drills["environment"]) == ["a1", "c2"]
    living = next(r for r in affected.rows if r.values[0] == "Kehidupan Cerdas")
    assert drilled(views_shared, kab, flt, living.drills["jumlah_jiwa"]) == ["a2", "b2"]
    assert drilled(views_shared, kab, flt, living.drills["tanpa_jumlah"]) == ["a4", "b3", "d1"]
    counts_match_their_drills(
        kab, result, {"keparahan": set(), "terdampak": {"jumlah_jiwa", "jumlah_kk"}}
    )
    assert any("jiwa dan KK" in value for _label, value in result.notes)


def test_a_kecamatan_filter_counts_its_villages_only(kab: AppContext) -> None:
    result = view("keparahan-dampak").compute(kab, AnalysisFilter(kecamatan=BABELAN))
    severity = result.table("keparahan")
    assert cell(severity, "Ringan", "environment") == 1  # c3
    assert cell(severity, "Ringan", "living") == 1  # d1
    assert cell(severity, "Sedang", "environment") == 1  # c1
    assert cell(severity, "Berat", "environment") == 1  # c2
    assert severity.totals is not None and severity.totals.values[-1] == 4
    affected = result.table("terdampak")
    assert cell(affected, "Lingkungan Cerdas", "jumlah_jiwa") == 200
    assert cell(affected, "Lingkungan Cerdas", "jumlah_kk") == 0


def test_period_trust_and_stage_filters(kab: AppContext) -> None:
    def total(flt: AnalysisFilter) -> object:
        totals = view("keparahan-dampak").compute(kab, flt).table("keparahan").totals
        assert totals is not None
        return totals.values[-1]

    assert total(AnalysisFilter(date_from=dt.date.today() + dt.timedelta(days=1))) == 0
    assert total(AnalysisFilter(date_to=dt.date.today() + dt.timedelta(days=1))) == 11
    # The known villages are pinned by hand (no certificates): all locally trusted.
    assert total(AnalysisFilter(trust="locally_trusted")) == 11
    assert total(AnalysisFilter(trust="certified")) == 0
    assert total(AnalysisFilter(stage="belum_kirim")) == 0
