"""Kecamatan review on real offices: a village's bundle imported at its kecamatan, then reviewed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.review import review_hash, values_of
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import (
    Decision,
    QueueFilter,
    ReviewFilter,
    ReviewInvalid,
    ReviewRefused,
    list_reviews,
    own_review,
    queue_step,
    review_queue,
    review_record,
    review_records,
    withdraw_review,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Review
from tests.conftest import DESA_CODE, KECAMATAN_CODE
from tests.services.review_helpers import ids, new_office, send

pytestmark = pytest.mark.postgres_ready


OTHER_DESA = "32.16.01.2002"  # Segarajaya, also in Tarumajaya


@pytest.fixture
def village(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> AppContext:
    """The kecamatan after importing its village's first bundle (6 problems, 3 potentials,
    4 proposals)."""
    generate(desa_ctx, SampleRequest(problems=6, potentials=3, proposals=4, photos=0, seed=7))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    return kecamatan_ctx


def reviews_table(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.db.session() as s:
        return [tuple(r) for r in s.execute(text("SELECT * FROM review ORDER BY id"))]


def records_table(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.db.session() as s:
        return [
            tuple(r)
            for kind in ("problem", "potential", "proposal")
            for r in s.execute(text(f"SELECT * FROM {kind} ORDER BY id"))
        ]


# --- states and reasons ---------------------------------------------------------------------


def test_accepting_a_village_record_writes_an_owned_review_beside_it(village: AppContext) -> None:
    kec = village
    problem = ids(kec, RecordKind.PROBLEM)[0]
    before = records_table(kec)
    review_record(kec, problem, Decision("diterima", comment="Sesuai hasil musdes"))
    assert records_table(kec) == before  # the village's record is never edited
    view = own_review(kec, problem)
    assert view is not None
    record = RecordService(kec).get(RecordKind.PROBLEM, problem)
    assert view.office_code == KECAMATAN_CODE and view.record_office == DESA_CODE
    assert view.revision == 1 and view.state == "diterima"
    assert view.values["target_revision"] == record.revision
    assert view.values["target_hash"] == record.content_hash
    assert view.content_hash == review_hash(view.id, KECAMATAN_CODE, 1, False, view.values)
    with kec.db.session() as s:
        row = s.scalar(select(Review).where(Review.id == view.id))
        assert row is not None and row.status == "final" and row.sent_revision is None


@pytest.mark.parametrize("state", ["perlu_perbaikan", "ditolak", "dialihkan", "digabung"])
def test_every_state_but_diterima_needs_a_reason(village: AppContext, state: str) -> None:
    kec = village
    problems = ids(kec, RecordKind.PROBLEM)
    extra: dict[str, Any] = {}
    if state == "dialihkan":
        extra["redirect_level"] = "kabupaten"
    if state == "digabung":
        extra["merge_into"] = problems[1]
    with pytest.raises(ReviewInvalid) as refused:
        review_record(kec, problems[0], Decision(state, **extra))
    assert refused.value.code == "review.invalid"
    assert "reason_required" in refused.value.problem_codes
    assert "Alasan wajib dipilih" in str(refused.value)
    assert reviews_table(kec) == []
    review_record(kec, problems[0], Decision(state, reason="data_belum_lengkap", **extra))
    view = own_review(kec, problems[0])
    assert view is not None and view.state == state


def test_an_unknown_reason_is_refused(village: AppContext) -> None:
    problem = ids(village, RecordKind.PROBLEM)[0]
    with pytest.raises(ReviewInvalid) as refused:
        review_record(village, problem, Decision("ditolak", reason="tidak_suka"))
    assert "unknown_choice" in refused.value.problem_codes


def test_priority_only_for_proposals(village: AppContext) -> None:
    kec = village
    proposal = ids(kec, RecordKind.PROPOSAL)[0]
    review_record(kec, proposal, Decision("diterima", priority=2))
    view = own_review(kec, proposal)
    assert view is not None and view.values["priority"] == 2
    with pytest.raises(ReviewInvalid) as refused:
        review_record(kec, ids(kec, RecordKind.PROBLEM)[0], Decision("diterima", priority=1))
    assert refused.value.problem_codes == ["priority_not_proposal"]


def test_dialihkan_needs_a_target_and_only_dialihkan_may_have_one(village: AppContext) -> None:
    kec = village
    proposal = ids(kec, RecordKind.PROPOSAL)[0]
    with pytest.raises(ReviewInvalid) as refused:
        review_record(kec, proposal, Decision("dialihkan", reason="kewenangan_opd_lain"))
    assert refused.value.problem_codes == ["redirect_required"]
    with pytest.raises(ReviewInvalid) as refused:
        review_record(kec, proposal, Decision("diterima", redirect_opd="Dinas PUPR"))
    assert refused.value.problem_codes == ["redirect_not_allowed"]
    with pytest.raises(ReviewInvalid) as refused:
        review_record(
            kec,
            proposal,
            Decision("dialihkan", reason="kewenangan_opd_lain", redirect_urusan="9.99"),
        )
    assert refused.value.problem_codes == ["unknown_choice"]
    review_record(
        kec,
        proposal,
        Decision(
            "dialihkan",
            reason="kewenangan_opd_lain",
            redirect_urusan="1.03",
            redirect_opd="Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi",
            redirect_level="kabupaten",
        ),
    )
    view = own_review(kec, proposal)
    assert view is not None
    assert (view.values["redirect_urusan"], view.values["redirect_level"]) == ("1.03", "kabupaten")


def test_digabung_needs_an_existing_record_of_the_same_kind_not_itself(
    village: AppContext,
) -> None:
    kec = village
    problems = ids(kec, RecordKind.PROBLEM)
    potential = ids(kec, RecordKind.POTENTIAL)[0]
    reason = "duplikat"
    cases = [
        (Decision("digabung", reason=reason), "merge_required"),
        (Decision("digabung", merge_into=problems[0], reason=reason), "merge_self"),
        (Decision("digabung", merge_into=potential, reason=reason), "merge_other_kind"),
        (
            Decision("digabung", merge_into="00000000-0000-4000-8000-000000000000", reason=reason),
            "merge_not_found",
        ),
        (Decision("ditolak", merge_into=problems[1], reason=reason), "merge_not_allowed"),
    ]
    for bad, code in cases:
        with pytest.raises(ReviewInvalid) as refused:
            review_record(kec, problems[0], bad)
        assert code in refused.value.problem_codes, (bad, refused.value.problem_codes)
    assert reviews_table(kec) == []
    review_record(kec, problems[0], Decision("digabung", merge_into=problems[1], reason=reason))
    view = own_review(kec, problems[0])
    assert view is not None and view.values["merge_into"] == problems[1]
    # the other way round would leave neither record standing
    with pytest.raises(ReviewInvalid) as refused:
        review_record(kec, problems[1], Decision("digabung", merge_into=problems[0], reason=reason))
    assert refused.value.problem_codes == ["merge_cycle"]


def test_a_new_verdict_is_the_next_revision_of_the_same_review(village: AppContext) -> None:
    kec = village
    problem = ids(kec, RecordKind.PROBLEM)[0]
    review_record(kec, problem, Decision("perlu_perbaikan", reason="foto_belum_ada"))
    first = own_review(kec, problem)
    change = review_record(kec, problem, Decision("perlu_perbaikan", reason="foto_belum_ada"))
    assert change.details == {"changed": 0, "unchanged": 1}
    review_record(kec, problem, Decision("diterima"))
    second = own_review(kec, problem)
    assert first is not None and second is not None
    assert second.id == first.id and second.revision == 2 and second.state == "diterima"
    assert second.content_hash != first.content_hash
    withdraw_review(kec, problem)
    assert own_review(kec, problem) is None
    with kec.db.session() as s:
        row = s.get(Review, first.id)
        assert row is not None and row.deleted and row.revision == 3
        assert row.content_hash == review_hash(row.id, row.office_code, 3, True, values_of(row))
    review_record(kec, problem, Decision("diterima"))
    again = own_review(kec, problem)
    assert again is not None and again.id == first.id and again.revision == 4


# --- who may review what ----------------------------------------------------------------------


def test_a_desa_reviews_nothing(desa_ctx: AppContext) -> None:
    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=2))
    problem = ids(desa_ctx, RecordKind.PROBLEM)[0]
    with pytest.raises(ReviewRefused) as refused:
        review_record(desa_ctx, problem, Decision("diterima"))
    assert refused.value.code == "review.desa_cannot_review"
    assert reviews_table(desa_ctx) == []


def test_an_office_does_not_review_its_own_records(kecamatan_ctx: AppContext) -> None:
    own = RecordService(kecamatan_ctx).create(
        RecordKind.POTENTIAL, {"title": "Pasar ikan"}, finalise=False
    )
    with pytest.raises(ReviewRefused) as refused:
        review_record(kecamatan_ctx, own.ids[0], Decision("diterima"))
    assert refused.value.code == "review.own_record"


def test_unknown_records_are_refused(village: AppContext) -> None:
    with pytest.raises(ReviewRefused) as refused:
        review_record(village, "00000000-0000-4000-8000-000000000000", Decision("diterima"))
    assert refused.value.code == "review.record_not_found"


@pytest.mark.sqlite_only("copies a record across offices with SQLite's ATTACH")
def test_records_outside_the_reviewers_area_are_refused(
    village: AppContext, tmp_path: Path
) -> None:
    """A village record held by another kecamatan (copied across, as after a change in the region
    list) is outside that kecamatan's area."""
    babelan = open_context(new_office(tmp_path / "babelan", "kecamatan", "32.16.02"))
    try:
        with babelan.db.transaction() as s:
            s.execute(text("ATTACH DATABASE :path AS other"), {"path": str(village.paths.database)})
            s.execute(text("INSERT INTO problem SELECT * FROM other.problem"))
        with babelan.db.session() as s:
            s.execute(text("DETACH DATABASE other"))
        problem = ids(babelan, RecordKind.PROBLEM)[0]
        with pytest.raises(ReviewRefused) as refused:
            review_record(babelan, problem, Decision("diterima"))
        assert refused.value.code == "review.outside_area"
        assert "di luar wilayah" in str(refused.value)
        assert reviews_table(babelan) == []
    finally:
        babelan.close()


def test_the_kabupaten_reviews_village_records_too(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=1, seed=3))
    send(desa_ctx, kabupaten_ctx, tmp_path, "desa.scb")
    proposal = ids(kabupaten_ctx, RecordKind.PROPOSAL)[0]
    review_record(kabupaten_ctx, proposal, Decision("diterima", priority=1))
    view = own_review(kabupaten_ctx, proposal)
    assert view is not None and view.office_code == "32.16"


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_review_is_one_transaction_all_or_nothing(village: AppContext) -> None:
    kec = village
    problems = ids(kec, RecordKind.PROBLEM)
    proposals = ids(kec, RecordKind.PROPOSAL)
    change = review_records(kec, problems + proposals, Decision("diterima"))
    assert change.details == {"changed": 10, "unchanged": 0}
    assert len(list_reviews(kec, ReviewFilter(state="diterima"))) == 10
    before = reviews_table(kec)
    # one record in the selection refuses the priority: nothing at all changes
    with pytest.raises(ReviewInvalid) as refused:
        review_records(kec, proposals + problems, Decision("diterima", priority=3))
    assert refused.value.problem_codes == ["priority_not_proposal"]
    assert "Reviu 10 catatan belum benar" in str(refused.value)
    assert reviews_table(kec) == before
    with pytest.raises(ReviewRefused):
        review_records(
            kec,
            [*problems, "00000000-0000-4000-8000-000000000000"],
            Decision("ditolak", "duplikat"),
        )
    assert reviews_table(kec) == before
    review_records(kec, problems, Decision("perlu_perbaikan", reason="foto_belum_ada"))
    assert {v.state for v in list_reviews(kec, ReviewFilter(kind="problem"))} == {"perlu_perbaikan"}


def test_an_empty_selection_is_refused(village: AppContext) -> None:
    with pytest.raises(ReviewRefused) as refused:
        review_records(village, [], Decision("diterima"))
    assert refused.value.code == "review.nothing_selected"


# --- list, queue, changed since review --------------------------------------------------------


def revise_and_resend(desa: AppContext, kec: AppContext, record_id: str, folder: Path) -> None:
    service = RecordService(desa)
    record = service.get(RecordKind.PROBLEM, record_id)
    values = dict(record.values, title=record.title + " (foto ditambahkan)")
    service.update(RecordKind.PROBLEM, record_id, values)
    send(desa, kec, folder, f"resend-{record_id[:8]}.scb")


def test_queue_order_filters_and_steps(
    village: AppContext, desa_ctx: AppContext, tmp_path: Path
) -> None:
    kec = village
    everything = review_queue(kec, DESA_CODE)
    assert [e.kind for e in everything] == ["problem"] * 6 + ["potential"] * 3 + ["proposal"] * 4
    order = [e.id for e in everything]
    assert order == [
        e.id
        for kind in RecordKind
        for e in sorted(
            (x for x in everything if x.kind == kind), key=lambda x: (x.created_at, x.id)
        )
    ]
    # walking forward and back visits every record once, in order
    walked, current = [], None
    while (entry := queue_step(kec, DESA_CODE, current)) is not None:
        walked.append(entry.id)
        current = entry.id
    assert walked == order
    back, current = [], None
    while (entry := queue_step(kec, DESA_CODE, current, backwards=True)) is not None:
        back.append(entry.id)
        current = entry.id
    assert back == order[::-1]

    review_records(kec, order[:2], Decision("perlu_perbaikan", reason="foto_belum_ada"))
    review_record(kec, order[3], Decision("diterima"))
    unreviewed = QueueFilter(unreviewed=True)
    assert [e.id for e in review_queue(kec, DESA_CODE, unreviewed)] == [
        order[2],
        *order[4:],
    ]
    # from a record just reviewed, "next unreviewed" skips the reviewed ones
    step = queue_step(kec, DESA_CODE, order[1], unreviewed)
    assert step is not None and step.id == order[2]
    step = queue_step(kec, DESA_CODE, order[2], unreviewed)
    assert step is not None and step.id == order[4]
    assert queue_step(kec, DESA_CODE, order[-1], unreviewed) is None
    assert [e.id for e in review_queue(kec, DESA_CODE, QueueFilter(state="diterima"))] == [order[3]]
    only_proposals = review_queue(kec, DESA_CODE, QueueFilter(kind="proposal"))
    assert [e.id for e in only_proposals] == order[9:]
    assert review_queue(kec, OTHER_DESA) == []

    # the village revises a returned record and sends again
    revise_and_resend(desa_ctx, kec, order[0], tmp_path / "again")
    changed = review_queue(kec, DESA_CODE, QueueFilter(changed=True))
    assert [e.id for e in changed] == [order[0]]
    assert changed[0].changed_since_review and changed[0].fixed_after_return
    views = list_reviews(kec, ReviewFilter(changed_only=True))
    assert [v.values["target_id"] for v in views] == [order[0]]
    assert views[0].fixed_after_return
    assert views[0].as_dict()["fixed_after_return"] is True
    # reviewing it again clears the flag
    review_record(kec, order[0], Decision("diterima"))
    assert review_queue(kec, DESA_CODE, QueueFilter(changed=True)) == []


def test_list_filters_by_desa_and_state(village: AppContext) -> None:
    kec = village
    problems = ids(kec, RecordKind.PROBLEM)
    review_records(kec, problems[:3], Decision("ditolak", reason="sudah_ada_program"))
    review_records(kec, problems[3:], Decision("diterima"))
    assert len(list_reviews(kec, ReviewFilter(desa=DESA_CODE))) == 6
    assert len(list_reviews(kec, ReviewFilter(desa=OTHER_DESA))) == 0
    rejected = list_reviews(kec, ReviewFilter(state="ditolak"))
    assert sorted(v.values["target_id"] for v in rejected) == sorted(problems[:3])
    assert rejected[0].as_dict()["reason_label"] == "Sudah ada program serupa"
    with pytest.raises(Exception) as refused:
        list_reviews(kec, ReviewFilter(state="batal"))
    assert "tidak dikenal" in str(refused.value)
