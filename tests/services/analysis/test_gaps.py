"""Kesenjangan masalah–usulan against a hand count of the known set's links:

answered problems: a1 (pa1), a2 (pa2), b1 b2 (pb1), c1 (pc1), d1 (pd2)
unanswered: a3 (environment), a4 b3 (living) in Tarumajaya; c2 c3 (environment) in Babelan.
c2's only proposal, pc3, was deleted and sent again: its link does not count.
proposals linked to nothing: pb2 (living, Tarumajaya), pc2 (governance, Babelan),
pd1 (living, Babelan); pa3 names a potential only and is linked.
"""

from __future__ import annotations

import pytest

from smartcity_desktop.domain.review import VillageStage
from smartcity_desktop.services.analysis import AnalysisFilter, gaps, view
from smartcity_desktop.services.analysis.kept_rows import in_scope, kept
from smartcity_desktop.services.analysis.scope import resolve
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


def test_unanswered_problems_and_unlinked_proposals(
    views_shared: ViewsData, kab: AppContext
) -> None:
    result = view("kesenjangan-masalah-usulan").compute(kab, AnalysisFilter())
    problems = result.table("masalah-tanpa-usulan")
    assert cell(problems, "Lingkungan Cerdas", TARUMAJAYA) == 1
    assert cell(problems, "Kehidupan Cerdas", TARUMAJAYA) == 2
    assert cell(problems, "Lingkungan Cerdas", BABELAN) == 2
    assert cell(problems, "Kehidupan Cerdas", BABELAN) == 0
    assert cell(problems, "Lingkungan Cerdas", "semua") == 6
    assert cell(problems, "Lingkungan Cerdas", "persen") == 50.0
    assert problems.totals is not None
    assert problems.totals.values[-3:] == (5, 11, round(500 / 11, 1))
    proposals = result.table("usulan-tanpa-tautan")
    assert cell(proposals, "Kehidupan Cerdas", TARUMAJAYA) == 1
    assert cell(proposals, "Kehidupan Cerdas", BABELAN) == 1
    assert cell(proposals, "Tata Kelola Pemerintahan Cerdas", BABELAN) == 1
    assert proposals.totals is not None and proposals.totals.values[-3:] == (3, 9, 33.3)

    flt = result.filter
    assert drilled(views_shared, kab, flt, problems.totals.drills["total"]) == [
        "a3",
        "a4",
        "b3",
        "c2",
        "c3",
    ]
    assert drilled(views_shared, kab, flt, proposals.totals.drills["total"]) == [
        "pb2",
        "pc2",
        "pd1",
    ]

    listed = result.table("daftar-masalah")
    # In village order, the most severe first within a village: A a3 (sedang) a4 (ringan),
    # B b3, C c2 (berat) c3 (ringan).
    assert [views_shared.labels(r.drills[""].ids)[0] for r in listed.rows] == [
        "a3",
        "a4",
        "b3",
        "c2",
        "c3",
    ]
    assert listed.rows[3].values == (
        "Sampah menumpuk di bantaran sungai",
        "Desa Hurip Jaya",
        "Babelan",
        "Lingkungan Cerdas",
        "Tata kelola sampah dan limbah",
        "Berat",
    )
    unlinked = result.table("daftar-usulan")
    assert [views_shared.labels(r.drills[""].ids)[0] for r in unlinked.rows] == [
        "pb2",
        "pc2",
        "pd1",
    ]
    assert drilled(views_shared, kab, flt, unlinked.rows[0].drills[""]) == ["pb2"]
    counts_match_their_drills(
        kab, result, {"masalah-tanpa-usulan": set(), "usulan-tanpa-tautan": set()}
    )


def test_the_lists_say_when_they_are_cut(kab: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gaps, "LIST_LIMIT", 2)
    result = view("kesenjangan-masalah-usulan").compute(kab, AnalysisFilter(kecamatan=TARUMAJAYA))
    listed = result.table("daftar-masalah")
    assert len(listed.rows) == 2 and listed.note == "2 dari 3 catatan ditampilkan."
    assert result.table("daftar-usulan").note == ""


@pytest.mark.parametrize("limit", [2, gaps.LIST_LIMIT])
def test_a_filter_change_counts_and_lists_what_a_pass_over_the_kept_rows_finds(
    kab: AppContext, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    # Filters without a period are served from each village's counts and sorted list; they must
    # give what selecting the kept rows (in_scope) and counting and sorting them gives.
    monkeypatch.setattr(gaps, "LIST_LIMIT", limit)
    found = kept(kab, "gaps", gaps._read)
    villages = gaps._villages(kab, found)
    assert gaps._villages(kab, found) is villages  # kept beside the kept rows
    desa = sorted({d for k in found.values() for d in k.by_desa})
    filters = [
        AnalysisFilter(),
        AnalysisFilter(kecamatan=TARUMAJAYA),
        AnalysisFilter(kecamatan=BABELAN, dimension="environment"),
        AnalysisFilter(dimension="living"),
        AnalysisFilter(trust="certified"),
        AnalysisFilter(trust="locally_trusted", dimension="living"),
        *(AnalysisFilter(desa=d) for d in desa),
        *(AnalysisFilter(stage=s.value) for s in VillageStage),
    ]
    listed = 0
    for flt in filters:
        scope = resolve(kab, flt)
        for kind in ("problem", "proposal"):
            rows = in_scope(found[kind].rows, found[kind].by_desa, scope)
            cells = gaps._village_cells(villages[kind], scope.area, flt)
            assert dict(cells) == dict(gaps._cells(rows, scope.area)), (flt, kind)
            first = gaps._village_listed(villages[kind], scope.area, flt)
            assert first == gaps._listed(kind, rows), (flt, kind)
            listed += len(first)
    assert listed > 0
