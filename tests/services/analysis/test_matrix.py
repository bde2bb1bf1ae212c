"""Matriks permasalahan on real offices, against counts written by hand from the known data set
(tests/services/similarity_data.py): Tarumajaya holds a1–a4 and b1–b3, Babelan c1–c3 and d1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from smartcity_desktop.services.analysis import (
    AnalysisFilter,
    AnalysisRefused,
    FilterRefused,
    drill_records,
    view,
)
from smartcity_desktop.services.context import AppContext
from tests.services.similarity_data import A, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready

TARUMAJAYA = "32.16.01"
BABELAN = "32.16.02"
# Villages per kecamatan in the bundled region list (the Bekasi CSV).
VILLAGES = {TARUMAJAYA: 8, BABELAN: 9}


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    yield ctx
    ctx.close()


def cells(result, table: str) -> dict[tuple[str, str], object]:  # type: ignore[no-untyped-def]
    t = result.table(table)
    return {
        (str(row.values[0]), column.key): value
        for row in t.rows
        for column, value in zip(t.columns, row.values, strict=True)
        if column.key != "dimensi"
    }


def test_counts_weights_and_per_village_means_match_a_hand_count(kab: AppContext) -> None:
    result = view("matriks-permasalahan").compute(kab, AnalysisFilter())
    count = cells(result, "jumlah")
    assert count[("Lingkungan Cerdas", TARUMAJAYA)] == 3  # a1 a3 b1
    assert count[("Lingkungan Cerdas", BABELAN)] == 3  # c1 c2 c3
    assert count[("Kehidupan Cerdas", TARUMAJAYA)] == 4  # a2 a4 b2 b3
    assert count[("Kehidupan Cerdas", BABELAN)] == 1  # d1
    assert count[("Lingkungan Cerdas", "total")] == 6
    assert result.table("jumlah").totals.values[-1] == 11
    weighted = cells(result, "berbobot")
    assert weighted[("Lingkungan Cerdas", TARUMAJAYA)] == 3 + 2 + 4
    assert weighted[("Kehidupan Cerdas", TARUMAJAYA)] == 2 + 1 + 3 + 2
    assert weighted[("Lingkungan Cerdas", BABELAN)] == 2 + 3 + 1
    mean = cells(result, "per-desa")
    assert mean[("Kehidupan Cerdas", TARUMAJAYA)] == round(4 / VILLAGES[TARUMAJAYA], 2)
    sub = {
        (str(r.values[1])): r.values[-1] for r in result.table("sub-elemen").rows if r.values[-1]
    }
    assert sub == {
        "Proteksi lingkungan": 4,
        "Tata kelola sampah dan limbah": 2,
        "Transportasi/mobilitas": 4,
        "Kesehatan": 1,
    }


def test_a_drill_down_lists_exactly_the_records_behind_a_cell(
    known: Known, kab: AppContext
) -> None:
    flt = AnalysisFilter()
    result = view("matriks-permasalahan").compute(kab, flt)
    table = result.table("jumlah")
    row = next(r for r in table.rows if r.values[0] == "Lingkungan Cerdas")
    listed = drill_records(kab, flt, row.drills[TARUMAJAYA])
    assert sorted(known.label_of(r.id) for r in listed.rows) == ["a1", "a3", "b1"]
    assert {r.kecamatan_name for r in listed.rows} == {"Kecamatan Tarumajaya"}
    assert listed.total == 3


def test_filters_narrow_every_cell(kab: AppContext) -> None:
    only = view("matriks-permasalahan").compute(
        kab, AnalysisFilter(kecamatan=BABELAN, dimension="environment")
    )
    assert [c.key for c in only.table("jumlah").columns] == ["dimensi", BABELAN, "total"]
    assert only.table("jumlah").totals.values[-1] == 3
    one = view("matriks-permasalahan").compute(kab, AnalysisFilter(desa=A))
    assert one.table("jumlah").totals.values[-1] == 4
    # The known set's villages are pinned by hand (no certificates): all locally trusted.
    local = view("matriks-permasalahan").compute(kab, AnalysisFilter(trust="locally_trusted"))
    assert local.table("jumlah").totals.values[-1] == 11
    certified = view("matriks-permasalahan").compute(kab, AnalysisFilter(trust="certified"))
    assert certified.table("jumlah").totals.values[-1] == 0
    later = view("matriks-permasalahan").compute(
        kab, AnalysisFilter(date_from=dt.date.today() + dt.timedelta(days=1))
    )
    assert later.table("jumlah").totals.values[-1] == 0
    stage = view("matriks-permasalahan").compute(kab, AnalysisFilter(stage="belum_kirim"))
    assert stage.table("jumlah").totals.values[-1] == 0


def test_bad_filters_are_refused_with_a_message(known: Known, kab: AppContext) -> None:
    with pytest.raises(FilterRefused, match="Dimensi tidak dikenal"):
        AnalysisFilter(dimension="nope")
    with pytest.raises(FilterRefused, match="tidak berada di wilayah"):
        view("matriks-permasalahan").compute(kab, AnalysisFilter(kecamatan="32.17.01"))
    desa = known.open(A)
    try:
        with pytest.raises(AnalysisRefused, match="kantor desa"):
            view("matriks-permasalahan").compute(desa, AnalysisFilter())
    finally:
        desa.close()
