"""Kandidat quick win on the known data set (tests/services/proposal_data.py), by hand.

Default criteria: quick win at least tinggi, diterima by the kecamatan, cost ≤ Rp 200,000,000,
start to end ≤ 365 days, an OPD or a pola pelaksanaan.
- u1: sedang → fails quick win; cost 600 M → fails cost (364 days, OPD: passes the rest).
- u2: tinggi, diterima, 50 M, 2027-02-01 → 2027-04-01 = 59 days, swakelola → the one candidate.
- u3: rendah, perlu perbaikan, 400 M, no dates → fails four; OPD passes.
- u4: tinggi, ditolak → fails diterima; 30 M, 59 days, OPD pass.
- u5: tinggi, never reviewed → fails diterima; no cost → fails cost; 180 days, OPD pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, drill_records, view
from smartcity_desktop.services.analysis.quick_wins import duration_days
from smartcity_desktop.services.analysis.view_settings import (
    QuickWinCriteria,
    SettingsRefused,
    quick_win_criteria,
    reset_quick_win_criteria,
    set_quick_win_criteria,
)
from smartcity_desktop.services.context import AppContext
from tests.services.proposal_data import Known, proposals, proposals_template

__all__ = ["proposals", "proposals_template"]

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kab(proposals: Known) -> Iterator[AppContext]:
    ctx = proposals.open("kabupaten")
    yield ctx
    ctx.close()


def candidates(known: Known, ctx: AppContext) -> list[str]:
    table = view("kandidat-quick-win").compute(ctx, AnalysisFilter()).table("kandidat")
    return [known.label_of(r.drills[""].ids[0]) for r in table.rows]


def test_default_criteria_pass_one_proposal_and_say_why(proposals: Known, kab: AppContext) -> None:
    result = view("kandidat-quick-win").compute(kab, AnalysisFilter())
    table = result.table("kandidat")
    assert [proposals.label_of(r.drills[""].ids[0]) for r in table.rows] == ["u2"]
    row = dict(zip((c.key for c in table.columns), table.rows[0].values, strict=True))
    assert row["durasi"] == 59 and row["biaya"] == 50_000_000
    assert row["pelaksana"] == "Pola: Swakelola" and row["reviu"] == "Diterima"
    assert row["alasan"] == (
        "quick win tinggi: cepat dan terasa; diterima kecamatan; biaya Rp 50.000.000 ≤ "
        "Rp 200.000.000; 59 hari ≤ 365 hari; pelaksana: Pola: Swakelola"
    )
    screen = {r.values[0]: (r.values[1], r.values[2]) for r in result.table("penyaringan").rows}
    assert screen == {
        "Penilaian quick win di bawah tinggi: cepat dan terasa": (2, 3),  # u1 u3
        "Belum diterima kecamatan": (3, 2),  # u3 u4 u5
        "Biaya kosong atau di atas Rp 200.000.000": (3, 2),  # u1 u3 u5
        "OPD dan pola pelaksanaan kosong": (0, 5),
        "Tanggal belum lengkap atau lebih dari 365 hari": (1, 4),  # u3
    }
    assert result.table("penyaringan").totals.values[1:] == (4, 1)
    notes = dict(result.notes)
    assert notes["Biaya paling banyak (Rp, 0 = tanpa batas)"] == "Rp 200.000.000"
    assert notes["Harus sudah diterima kecamatan"] == "ya"
    chart = table.chart
    assert chart is not None and chart.categories[:2] == ("Tarumajaya", "Babelan")
    assert chart.series[0].values[:2] == (1.0, 0.0) and sum(chart.series[0].values) == 1
    listed = drill_records(kab, AnalysisFilter(), table.rows[0].drills[""])
    assert [proposals.label_of(r.id) for r in listed.rows] == ["u2"]


def test_stored_criteria_widen_the_list_in_a_known_order(proposals: Known, kab: AppContext) -> None:
    set_quick_win_criteria(
        kab, {"quick_win_minimal": "sedang", "biaya_maks": "0", "harus_diterima": "tidak"}
    )
    assert quick_win_criteria(kab) == QuickWinCriteria("sedang", False, 0, 365, True)
    # tinggi first, then the shorter, then the cheaper: u4 (59 d, 30 M), u2 (59 d, 50 M),
    # u5 (180 d), then u1 (sedang). u3 is rendah.
    assert candidates(proposals, kab) == ["u4", "u2", "u5", "u1"]
    set_quick_win_criteria(kab, {"durasi_maks_hari": "100", "biaya_maks": "40.000.000"})
    assert candidates(proposals, kab) == ["u4"]
    result = view("kandidat-quick-win").compute(kab, AnalysisFilter())
    assert dict(result.notes)["Lama pelaksanaan paling lama (hari, 0 = tanpa batas)"] == "100 hari"
    reset_quick_win_criteria(kab)
    assert quick_win_criteria(kab) == QuickWinCriteria()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quick_win_minimal": "luar_biasa"}, "quick_win_minimal harus salah satu dari"),
        ({"harus_diterima": "mungkin"}, "harus_diterima harus ya atau tidak"),
        ({"biaya_maks": "-5"}, "biaya_maks harus bilangan bulat 0 atau lebih"),
        ({"durasi_maks_hari": "dua"}, "durasi_maks_hari harus bilangan bulat"),
        ({"warna": "merah"}, "Kriteria tidak dikenal: warna"),
    ],
)
def test_bad_criteria_are_refused_and_nothing_changes(
    kab: AppContext, changes: dict[str, str], message: str
) -> None:
    before = quick_win_criteria(kab)
    with pytest.raises(SettingsRefused) as caught:
        set_quick_win_criteria(kab, {"biaya_maks": "1000", **changes})
    assert message in str(caught.value)
    assert quick_win_criteria(kab) == before


def test_durations_need_both_dates_in_order() -> None:
    assert duration_days("2027-01-01", "2027-06-30") == 180
    assert duration_days("2027-01-01", None) is None
    assert duration_days("2027-02-01", "2027-01-01") is None
    assert duration_days("2027-02-31", "2027-03-01") is None
