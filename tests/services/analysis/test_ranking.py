"""Peringkat usulan on real offices, against scores worked out by hand from the known data set
(tests/services/proposal_data.py).

Ranked: u1, u2, u3, u5 (u4 is ditolak). Parts (0..1), by hand:
- jangkauan: u1 (pa1, pa2 both in A) 1 village, u3 1, u5 1, u2 none; the most is 1.
- keparahan: u1 worst berat 3/4, u3 sangat berat 4/4, u5 ringan 1/4, u2 0.
- penerima: u1 "1.200 jiwa" 1200, u3 "40 KK" 40, u2 "Warga RW 03" 0 (an RW, not a count),
  u5 empty 0; ÷ 1200.
- biaya per penerima: u1 600,000,000/1200 = 500,000 (the cheapest), u3 400,000,000/40 =
  10,000,000 → 500,000/10,000,000 = 0.05; u2 and u5 unknown 0.
- prioritas: Tarumajaya's longest list is 3: u1 p1 → 3/3, u2 p2 → 2/3, u3 p3 → 1/3; u5 none 0.
- reviu: u1, u2 diterima 1; u3 perlu perbaikan 0.25; u5 not reviewed 0.
- quick win: u2, u5 tinggi 1; u1 sedang 0.5; u3 rendah 0.
Default weights 20, 20, 15, 10, 15, 10, 10 (Σ 100):
- u1 = 20 + 15 + 15 + 10 + 15 + 10 + 5 = 90
- u3 = 20 + 20 + 0.5 + 0.5 + 5 + 2.5 + 0 = 48.5
- u5 = 20 + 5 + 0 + 0 + 0 + 0 + 10 = 35
- u2 = 0 + 0 + 0 + 0 + 10 + 10 + 10 = 30
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, drill_records, view
from smartcity_desktop.services.analysis.proposal_facts import parse_beneficiaries
from smartcity_desktop.services.analysis.view_settings import (
    SettingsRefused,
    ranking_weights,
    reset_ranking_weights,
    set_ranking_weights,
)
from smartcity_desktop.services.context import AppContext
from tests.services.proposal_data import Known, proposals, proposals_template

__all__ = ["proposals", "proposals_template"]

pytestmark = pytest.mark.postgres_ready

TARUMAJAYA = "32.16.01"


@pytest.fixture
def kab(proposals: Known) -> Iterator[AppContext]:
    ctx = proposals.open("kabupaten")
    yield ctx
    ctx.close()


def ranking(known: Known, ctx: AppContext, flt: AnalysisFilter | None = None) -> list[tuple]:
    result = view("peringkat-usulan").compute(ctx, flt or AnalysisFilter())
    table = result.table("peringkat")
    return [
        (r.values[0], known.label_of(r.drills["usulan"].ids[0]), r.values[4]) for r in table.rows
    ]


def test_scores_and_ranks_match_a_hand_computation(proposals: Known, kab: AppContext) -> None:
    assert ranking(proposals, kab) == [
        (1, "u1", 90.0),
        (2, "u3", 48.5),
        (3, "u5", 35.0),
        (4, "u2", 30.0),
    ]


def test_every_row_shows_its_parts_and_the_points_add_up(proposals: Known, kab: AppContext) -> None:
    result = view("peringkat-usulan").compute(kab, AnalysisFilter())
    t = result.table("peringkat")
    first = dict(zip((c.key for c in t.columns), t.rows[0].values, strict=True))
    assert first["usulan"] == "Tanggul pantai swadaya"
    assert first["desa"] == "Desa Sagara Makmur" and first["kecamatan"] == "Kecamatan Tarumajaya"
    assert first["jangkauan"] == 1 and first["keparahan"] == "Berat"
    assert first["penerima"] == 1200 and first["biaya"] == 600_000_000
    assert first["biaya_per_penerima"] == 500_000 and first["prioritas"] == 1
    assert first["reviu"] == "Diterima" and first["quick_win"] == "Sedang"
    points = result.table("rincian-skor")
    by_key = {c.key: n for n, c in enumerate(points.columns)}
    u3 = points.rows[1].values
    assert [u3[by_key[k]] for k in ("jangkauan", "keparahan", "penerima", "biaya_per_penerima",
                                    "prioritas", "reviu", "quick_win")] == [
        20.0, 20.0, 0.5, 0.5, 5.0, 2.5, 0.0]  # fmt: skip
    for row in points.rows:
        assert round(sum(row.values[2:-1]), 2) == row.values[-1]
    notes = dict(result.notes)
    assert "Jangkauan (desa dengan masalah terkait) = 20" in notes["Bobot"]
    assert notes["Tidak diberi peringkat (ditolak/digabung)"] == "1"
    # The chart stacks the same points for the top proposals.
    chart = t.chart
    assert chart is not None and chart.categories[0] == "1. Tanggul pantai swadaya"
    assert sum(s.values[0] for s in chart.series) == pytest.approx(90.0)


def test_the_drill_down_lists_the_proposal_and_its_linked_problems(
    proposals: Known, kab: AppContext
) -> None:
    flt = AnalysisFilter()
    row = view("peringkat-usulan").compute(kab, flt).table("peringkat").rows[0]
    listed = drill_records(kab, flt, row.drills[""])
    assert sorted(proposals.label_of(r.id) for r in listed.rows) == ["pa1", "pa2", "u1"]
    listed = drill_records(kab, flt, row.drills["jangkauan"])
    assert sorted(proposals.label_of(r.id) for r in listed.rows) == ["pa1", "pa2"]


def test_stored_weights_change_the_ranking_and_the_notes(proposals: Known, kab: AppContext) -> None:
    set_ranking_weights(
        kab,
        {"jangkauan": "0", "keparahan": "0", "penerima": "0", "biaya_per_penerima": "0",
         "prioritas": "0", "reviu": "0", "quick_win": "2,5"},
    )  # fmt: skip
    assert ranking_weights(kab)["quick_win"] == 2.5
    # Only quick win counts now: u2 and u5 (tinggi) share rank 1, u1 (sedang) 3, u3 (rendah) 4.
    assert ranking(proposals, kab) == [
        (1, "u2", 100.0),
        (1, "u5", 100.0),
        (3, "u1", 50.0),
        (4, "u3", 0.0),
    ]
    notes = dict(view("peringkat-usulan").compute(kab, AnalysisFilter()).notes)
    assert "Penilaian quick win = 2.5" in notes["Bobot"]
    reset_ranking_weights(kab)
    assert ranking(proposals, kab)[0] == (1, "u1", 90.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"jangkauan": "-1"}, "Bobot jangkauan tidak boleh negatif"),
        ({"keparahan": "banyak"}, "Bobot keparahan harus berupa angka"),
        ({"jarak": "3"}, "Bobot tidak dikenal: jarak"),
        ({"quick_win": "5000"}, "Bobot quick_win paling besar 1000"),
        ({"jangkauan": "nan"}, "harus berupa angka"),
        (
            {"jangkauan": 0, "keparahan": 0, "penerima": 0, "biaya_per_penerima": 0,
             "prioritas": 0, "reviu": 0, "quick_win": 0},
            "Semua bobot bernilai 0",
        ),
    ],
)  # fmt: skip
def test_bad_weights_are_refused_and_nothing_changes(
    kab: AppContext, changes: dict[str, object], message: str
) -> None:
    set_ranking_weights(kab, {"reviu": "12"})
    before = ranking_weights(kab)
    with pytest.raises(SettingsRefused) as caught:
        set_ranking_weights(kab, {"prioritas": "7", **changes})  # type: ignore[dict-item]
    assert message in str(caught.value)
    assert ranking_weights(kab) == before


def test_a_kecamatan_ranks_its_own_villages_by_its_own_weights(proposals: Known) -> None:
    kec = proposals.open("kecamatan")
    try:
        # Tarumajaya holds u1–u4 (u4 ditolak): u5 is not there, so the parts are the same but
        # nothing of Babelan is ranked.
        assert [x[1] for x in ranking(proposals, kec)] == ["u1", "u3", "u2"]
        set_ranking_weights(kec, {"prioritas": "100"})
    finally:
        kec.close()
    kab = proposals.open("kabupaten")
    try:
        assert ranking_weights(kab)["prioritas"] == 15.0  # weights are the office's own
    finally:
        kab.close()


def test_filters_narrow_the_ranking(proposals: Known, kab: AppContext) -> None:
    rows = ranking(proposals, kab, AnalysisFilter(kecamatan="32.16.02"))
    # Babelan holds only u5.
    assert [x[1] for x in rows] == ["u5"]
    assert [x[1] for x in ranking(proposals, kab, AnalysisFilter(dimension="living"))] == []


def test_beneficiaries_are_read_from_the_free_text() -> None:
    assert parse_beneficiaries("1.200 jiwa") == 1200
    assert parse_beneficiaries("sekitar 45 orang") == 45
    assert parse_beneficiaries("120") == 120
    assert parse_beneficiaries("Warga RW 03") == 0
    assert parse_beneficiaries("RT 4 ada 30 keluarga") == 30
    assert parse_beneficiaries("2,5 ribu jiwa") == 0
    assert parse_beneficiaries(None) == 0
