"""Keselarasan urusan/OPD/RPJMD on the known data set (tests/services/proposal_data.py).

Proposals: u1 (1.03, environment, Dinas PUPR, A, 600 M), u2 (2.11, environment, no OPD, A, 50 M),
u3 (1.03, environment, Dinas PUPR, B, 400 M), u4 (1.02, living, "dinas kesehatan", B, 30 M),
u5 (2.11, environment, Dinas Lingkungan Hidup, C, no cost). Problems: pa1 (2.11, environment),
pa2 (1.03, living), pb1 (2.11, environment), pc1 (2.11, environment).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, drill_records, view
from smartcity_desktop.services.analysis.crosswalk import CrosswalkRow, replace_crosswalk
from smartcity_desktop.services.context import AppContext
from tests.services.proposal_data import Known, proposals, proposals_template

__all__ = ["proposals", "proposals_template"]

pytestmark = pytest.mark.postgres_ready

VIEW = "keselarasan-urusan-opd-rpjmd"


@pytest.fixture
def kab(proposals: Known) -> Iterator[AppContext]:
    ctx = proposals.open("kabupaten")
    yield ctx
    ctx.close()


def grid(result, key: str) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    t = result.table(key)
    return {
        (str(r.values[0]), c.key): v
        for r in t.rows
        for c, v in zip(t.columns, r.values, strict=True)
        if c.key != "urusan" and v
    }


def test_urusan_by_dimension_counts_proposals_and_problems(kab: AppContext) -> None:
    result = view(VIEW).compute(kab, AnalysisFilter())
    assert grid(result, "usulan") == {
        ("1.02 Kesehatan", "living"): 1,
        ("1.02 Kesehatan", "total"): 1,
        ("1.03 Pekerjaan Umum dan Penataan Ruang", "environment"): 2,
        ("1.03 Pekerjaan Umum dan Penataan Ruang", "total"): 2,
        ("2.11 Lingkungan Hidup", "environment"): 2,
        ("2.11 Lingkungan Hidup", "total"): 2,
    }
    assert grid(result, "permasalahan") == {
        ("1.03 Pekerjaan Umum dan Penataan Ruang", "living"): 1,
        ("1.03 Pekerjaan Umum dan Penataan Ruang", "total"): 1,
        ("2.11 Lingkungan Hidup", "environment"): 3,
        ("2.11 Lingkungan Hidup", "total"): 3,
    }
    assert result.table("usulan").totals.values[-1] == 5


def test_proposals_per_lead_opd(proposals: Known, kab: AppContext) -> None:
    flt = AnalysisFilter()
    table = view(VIEW).compute(kab, flt).table("opd")
    assert [r.values for r in table.rows] == [
        ("Dinas PUPR", 2, 2, 1_000_000_000),
        ("Dinas Lingkungan Hidup", 1, 1, 0),
        ("dinas kesehatan", 1, 1, 30_000_000),
        ("(OPD belum diisi)", 1, 1, 50_000_000),
    ]
    listed = drill_records(kab, flt, table.rows[0].drills[""])
    assert sorted(proposals.label_of(r.id) for r in listed.rows) == ["u1", "u3"]
    listed = drill_records(kab, flt, table.rows[-1].drills[""])
    assert [proposals.label_of(r.id) for r in listed.rows] == ["u2"]


def test_the_most_specific_crosswalk_row_gives_the_programme(
    proposals: Known, kab: AppContext
) -> None:
    replace_crosswalk(
        kab,
        [
            CrosswalkRow("1.03", "", "", "1.03.02", "Program Pengelolaan Sumber Daya Air"),
            # urusan and OPD (typed differently) beat urusan alone for u1 and u3
            CrosswalkRow("1.03", "", "DINAS  pupr", "1.03.10", "Program Penyelenggaraan Jalan"),
            CrosswalkRow("", "sampah_limbah", "", "2.11.05", "Program Pengelolaan Persampahan"),
            # sub-element beats urusan when both rows name one part: u2 and u5 go to 2.11.05
            CrosswalkRow("2.11", "", "", "2.11.01", "Program Lingkungan Hidup"),
        ],
    )
    flt = AnalysisFilter()
    result = view(VIEW).compute(kab, flt)
    table = result.table("program-rpjmd")
    assert [r.values[:4] for r in table.rows] == [
        ("1.03.10", "Program Penyelenggaraan Jalan", 2, 1_000_000_000),
        ("2.11.05", "Program Pengelolaan Persampahan", 2, 50_000_000),
        ("", "(belum ada padanan RPJMD)", 1, 30_000_000),
    ]
    assert table.rows[0].values[4] == "urusan 1.03, OPD DINAS pupr"
    assert table.totals is not None and table.totals.values[2] == 5
    drilled = {
        str(r.values[0]): sorted(
            proposals.label_of(x.id) for x in drill_records(kab, flt, r.drills[""]).rows
        )
        for r in table.rows
    }
    assert drilled == {"1.03.10": ["u1", "u3"], "2.11.05": ["u2", "u5"], "": ["u4"]}
    assert "4 baris padanan" in dict(result.notes)["Padanan RPJMD"]
