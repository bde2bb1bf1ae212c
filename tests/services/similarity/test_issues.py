"""Isu strategis on real offices: clusters and their figures against a hand count, and staff
merge and split decisions that survive re-imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.similarity import (
    AreaFilter,
    IssueCluster,
    SimilarityRefused,
    issue_clusters,
    issue_model,
    merge_issues,
    split_issue,
    withdraw_issue_decision,
)
from smartcity_desktop.storage.models import IssueDecision
from tests.conftest import KABUPATEN_CODE, PASSPHRASE
from tests.services.similarity_data import A, B, C, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready

FLOOD = "proteksi_lingkungan|2.11|banjir+rob"
WASTE = "sampah_limbah|2.11|bantaran+menumpuk"
ROADS = "transportasi|1.03|jalan+rusak"


def members(k: Known, cluster: IssueCluster) -> list[str]:
    return sorted(k.label_of(i) for i in cluster.record_ids)


def clusters(k: Known, ctx: AppContext, area: AreaFilter | None = None) -> dict[str, list[str]]:
    return {c.key: members(k, c) for c in issue_clusters(ctx, area).clusters}


@pytest.fixture
def kab(known: Known) -> AppContext:
    ctx = known.open("kabupaten")
    yield ctx  # type: ignore[misc]
    ctx.close()


def test_clusters_and_their_figures_match_a_hand_count(known: Known, kab: AppContext) -> None:
    result = issue_clusters(kab)
    assert result.records == 11
    # Same sub-element + urusan + two shared title words, two villages or more. c3 (same words,
    # urusan 1.03) and b3 (sub-element kesehatan) stand alone; a4 and d1 share stop words only.
    assert [(c.key, members(known, c)) for c in result.clusters] == [
        (FLOOD, ["a1", "b1", "c1"]),
        (WASTE, ["a3", "c2"]),
        (ROADS, ["a2", "b2"]),
    ]
    flood, waste, roads = result.clusters
    assert flood.desa == (A, B, C) and flood.kecamatan == ("32.16.01", "32.16.02")
    assert flood.affected == {"jiwa": 120 + 200, "kk": 40}
    assert flood.worst_severity == "sangat_berat"
    assert flood.mean_severity == pytest.approx((3 + 4 + 2) / 3)
    assert flood.examples == ("Desa Hurip Jaya", "Desa Sagara Makmur", "Desa Samudra Jaya")
    assert flood.shared_words == ("banjir", "rob", "tambak")
    assert flood.reason == (
        "sub-elemen: Proteksi lingkungan; urusan: 2.11 Lingkungan Hidup; kata kunci bersama: "
        "banjir, rob, tambak"
    )
    # What a planner reads instead of the key "proteksi_lingkungan|2.11|banjir+rob".
    assert flood.name == "Proteksi lingkungan · 2.11 Lingkungan Hidup · banjir, rob, tambak"
    assert waste.affected == {} and waste.worst_severity == "berat"
    assert waste.mean_severity == pytest.approx(2.5)
    assert roads.affected == {"jiwa": 450} and len(roads.kecamatan) == 1


def test_filters_by_kecamatan_and_dimension(known: Known, kab: AppContext) -> None:
    assert clusters(known, kab, AreaFilter(kecamatan="32.16.01")) == {
        FLOOD: ["a1", "b1"],
        WASTE: ["a3"],  # recurs in the kabupaten; in Tarumajaya only in Sagara Makmur
        ROADS: ["a2", "b2"],
    }
    assert clusters(known, kab, AreaFilter(dimension="environment")) == {
        FLOOD: ["a1", "b1", "c1"],
        WASTE: ["a3", "c2"],
    }
    # Clusters are formed over the whole kabupaten; a filter selects which records count, so in
    # Babelan the flood and waste clusters show their one village each, under the same keys.
    babelan = issue_clusters(kab, AreaFilter(kecamatan="32.16.02"))
    assert [(c.key, members(known, c), len(c.desa)) for c in babelan.clusters] == [
        (FLOOD, ["c1"], 1),
        (WASTE, ["c2"], 1),
    ]
    assert babelan.records == 4  # c1, c2, c3, d1
    assert babelan.clusters[0].affected == {"jiwa": 200}
    assert babelan.clusters[0].shared_words == ("banjir", "rob", "tambak")


def test_the_same_model_gives_every_filter_in_memory(known: Known, kab: AppContext) -> None:
    model = issue_model(kab)
    for area in (AreaFilter(), AreaFilter(kecamatan="32.16.01"), AreaFilter(dimension="living")):
        assert model.view(area) == issue_clusters(kab, area)


def test_a_kecamatan_sees_the_clusters_of_its_own_villages(known: Known) -> None:
    kec = known.open("kecamatan")
    try:
        assert clusters(known, kec) == {FLOOD: ["a1", "b1"], ROADS: ["a2", "b2"]}
    finally:
        kec.close()


def test_merge_and_split_are_stored_and_can_be_withdrawn(known: Known, kab: AppContext) -> None:
    merge_issues(kab, [FLOOD, WASTE], label="Lingkungan pesisir")
    result = issue_clusters(kab)
    merged = next(c for c in result.clusters if c.origin == "merge")
    assert members(known, merged) == ["a1", "a3", "b1", "c1", "c2"]
    assert merged.title == "Lingkungan pesisir"
    assert merged.desa == (A, B, C) and merged.affected == {"jiwa": 320, "kk": 40}
    assert [c.key for c in result.clusters if c.origin == "auto"] == [ROADS]
    assert [d.applied for d in result.decisions] == [True]

    split_issue(kab, merged.key, [known.ids["b1"]])
    after = {c.origin: members(known, c) for c in issue_clusters(kab).clusters}
    assert after == {"merge": ["a1", "a3", "c1", "c2"], "split": ["b1"], "auto": ["a2", "b2"]}

    with kab.db.session() as s:
        rows = s.scalars(select(IssueDecision).order_by(IssueDecision.created_at)).all()
        assert [(r.action, r.office_code, r.revision) for r in rows] == [
            ("merge", KABUPATEN_CODE, 1),
            ("split", KABUPATEN_CODE, 1),
        ]
        first = rows[0].id
    withdraw_issue_decision(kab, first)
    # The split named the merged cluster, which no longer exists: it stands unapplied.
    result = issue_clusters(kab)
    assert [(c.key, members(known, c)) for c in result.clusters] == [
        (FLOOD, ["a1", "b1", "c1"]),
        (WASTE, ["a3", "c2"]),
        (ROADS, ["a2", "b2"]),
    ]
    assert [(d.action, d.applied) for d in result.decisions] == [("split", False)]
    with kab.db.session() as s:
        row = s.get(IssueDecision, first)
        assert row is not None and row.deleted and row.revision == 2


def test_decisions_survive_reimports_of_the_same_and_newer_revisions(
    known: Known, kab: AppContext, tmp_path: Path
) -> None:
    merge_issues(kab, [FLOOD, ROADS])
    split_issue(kab, WASTE, [known.ids["c2"]], label="Sampah sungai Babelan")
    before = [(c.origin, members(known, c)) for c in issue_clusters(kab).clusters]

    # The same bundle again, then a new revision of a1 from its village.
    again = import_files(kab, [known.root / "bundles" / A / "1.scb"])
    assert [r.status for r in again] != ["imported"]
    desa = known.open(A)
    try:
        values = RecordService(desa).get(RecordKind.PROBLEM, known.ids["a1"]).values
        values["description"] = "Air laut pasang masuk ke tambak; kini dua kali sebulan."
        RecordService(desa).update(RecordKind.PROBLEM, known.ids["a1"], values)
        out = export_bundle(desa, PASSPHRASE, tmp_path / "a-2.scb")
    finally:
        desa.close()
    assert [r.status for r in import_files(kab, list(out.paths))] == ["imported"]
    with kab.db.session() as s:
        revision = s.execute(
            text("SELECT revision FROM problem WHERE id = :id"), {"id": known.ids["a1"]}
        ).scalar()
    assert revision == 2

    after = issue_clusters(kab)
    assert [(c.origin, members(known, c)) for c in after.clusters] == before
    assert sorted(before) == [
        ("auto", ["a3"]),
        ("merge", ["a1", "a2", "b1", "b2", "c1"]),
        ("split", ["c2"]),
    ]
    assert [c.title for c in after.clusters if c.origin == "split"] == ["Sampah sungai Babelan"]
    assert all(d.applied for d in after.decisions)


def test_bad_decisions_are_refused_and_nothing_is_written(known: Known, kab: AppContext) -> None:
    cases = [
        (lambda: merge_issues(kab, [FLOOD]), "issues.merge_too_few"),
        (lambda: merge_issues(kab, [FLOOD, "kesehatan|1.02|x+y"]), "issues.unknown_cluster"),
        (lambda: split_issue(kab, FLOOD, []), "issues.split_nothing"),
        (
            lambda: split_issue(kab, FLOOD, [known.ids[x] for x in ("a1", "b1", "c1")]),
            "issues.split_nothing",
        ),
        (lambda: split_issue(kab, FLOOD, [known.ids["a2"]]), "issues.split_not_member"),
        (lambda: merge_issues(kab, [FLOOD, WASTE], label="x" * 201), "issues.label_too_long"),
        (lambda: withdraw_issue_decision(kab, "no-such-id"), "issues.decision_not_found"),
    ]
    for call, code in cases:
        with pytest.raises(SimilarityRefused) as refused:
            call()
        assert refused.value.code == code
    with kab.db.session() as s:
        assert s.execute(text("SELECT count(*) FROM issue_decision")).scalar() == 0
