"""Two analysts on two PCs saving the same review: the later save is refused, nothing overwritten.

Two contexts on one database file stand for two PCs on one server: each has its own connection,
session and person, as two desktops would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.review import (
    Decision,
    ReviewChanged,
    own_review,
    review_record,
    review_records,
    review_versions,
    withdraw_review,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Review
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


ACCEPT = Decision(state="diterima", comment="Sesuai")
RETURN = Decision(state="perlu_perbaikan", reason="foto_belum_ada", comment="Lengkapi foto")


@pytest.fixture
def two_pcs(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> Iterator[tuple[AppContext, AppContext]]:
    """The kecamatan's database with a village's records, opened twice: Ani's PC and Budi's."""
    generate(desa_ctx, SampleRequest(problems=4, potentials=2, proposals=3, photos=0, seed=11))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    kecamatan_ctx.person = "ani@PC-ANALIS-1"
    other = open_context(kecamatan_ctx.paths)
    other.person = "budi@PC-ANALIS-2"
    try:
        yield kecamatan_ctx, other
    finally:
        other.close()


def reviews(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.db.session() as s:
        return [tuple(r) for r in s.execute(text("SELECT * FROM review ORDER BY id"))]


def test_the_later_save_of_one_review_is_refused_naming_who_and_when(
    two_pcs: tuple[AppContext, AppContext],
) -> None:
    ani, budi = two_pcs
    record = ids(ani, RecordKind.PROBLEM)[0]
    review_record(ani, record, ACCEPT)
    # both open the record now: revision 1
    seen_by_ani = review_versions(ani, [record])[record]
    seen_by_budi = review_versions(budi, [record])[record]
    assert seen_by_ani == seen_by_budi == 1
    review_record(budi, record, RETURN, expected=seen_by_budi)
    before = reviews(ani)

    with pytest.raises(ReviewChanged) as caught:
        review_record(ani, record, ACCEPT, expected=seen_by_ani)

    assert caught.value.code == "review.changed_elsewhere"
    message = str(caught.value)
    assert "diubah oleh budi@PC-ANALIS-2 pukul " in message
    assert "Muat ulang" in message and "bandingkan" in message and "simpan lagi" in message
    assert caught.value.record_ids == [record]
    assert reviews(ani) == before  # Budi's verdict stands, nothing of Ani's written
    view = own_review(ani, record)
    assert view is not None and view.state == "perlu_perbaikan"
    # after reloading, Ani saves over the revision she has now seen
    review_record(ani, record, ACCEPT, expected=review_versions(ani, [record])[record])
    with ani.db.session() as s:
        row = s.scalars(select(Review).where(Review.target_id == record)).one()
    assert (row.state, row.revision, row.changed_by) == ("diterima", 3, "ani@PC-ANALIS-1")


def test_a_first_review_saved_meanwhile_elsewhere_is_not_overwritten(
    two_pcs: tuple[AppContext, AppContext],
) -> None:
    ani, budi = two_pcs
    record = ids(ani, RecordKind.PROPOSAL)[0]
    assert review_versions(ani, [record]) == {record: 0}  # not reviewed when Ani opened it
    review_record(budi, record, RETURN, expected=0)
    with pytest.raises(ReviewChanged, match="budi@PC-ANALIS-2"):
        review_record(ani, record, ACCEPT, expected=0)
    with ani.db.session() as s:
        rows = s.scalars(select(Review).where(Review.target_id == record)).all()
    assert [(r.state, r.revision) for r in rows] == [("perlu_perbaikan", 1)]


def test_a_selection_is_refused_whole_when_one_review_changed(
    two_pcs: tuple[AppContext, AppContext],
) -> None:
    ani, budi = two_pcs
    chosen = ids(ani, RecordKind.PROBLEM)[:3]
    loaded = review_versions(ani, chosen)
    review_record(budi, chosen[1], RETURN)
    before = reviews(ani)
    with pytest.raises(ReviewChanged) as caught:
        review_records(ani, chosen, ACCEPT, expected=loaded)
    assert "Reviu 1 dari 3 catatan terpilih sudah diubah oleh budi@PC-ANALIS-2" in str(caught.value)
    assert reviews(ani) == before


def test_a_withdrawal_elsewhere_refuses_a_save_from_before_it(
    two_pcs: tuple[AppContext, AppContext],
) -> None:
    ani, budi = two_pcs
    record = ids(ani, RecordKind.POTENTIAL)[0]
    review_record(ani, record, ACCEPT)
    loaded = review_versions(ani, [record])[record]
    withdraw_review(budi, record, expected=loaded)
    with pytest.raises(ReviewChanged, match="budi@PC-ANALIS-2"):
        review_record(ani, record, RETURN, expected=loaded)
    with pytest.raises(ReviewChanged):
        withdraw_review(ani, record, expected=loaded)
    assert own_review(ani, record) is None  # still withdrawn


def test_a_save_without_a_loaded_revision_behaves_as_before(
    two_pcs: tuple[AppContext, AppContext],
) -> None:
    """The CLI and scripts name no revision: the last save wins, as it always did."""
    ani, budi = two_pcs
    record = ids(ani, RecordKind.PROBLEM)[0]
    review_record(budi, record, RETURN)
    review_record(ani, record, ACCEPT)
    view = own_review(budi, record)
    assert view is not None and view.state == "diterima" and view.revision == 2


def test_the_write_itself_refuses_a_stale_revision(two_pcs: tuple[AppContext, AppContext]) -> None:
    """Past the check, the UPDATE names the revision it read: a change committed in between
    makes it change nothing, and the save is refused instead of overwriting (the race two PCs
    on PostgreSQL could run)."""
    ani, budi = two_pcs
    record = ids(ani, RecordKind.PROBLEM)[0]
    review_record(ani, record, ACCEPT)
    from sqlalchemy.orm.exc import StaleDataError

    session = ani.db.session()
    try:
        row = session.scalars(select(Review).where(Review.target_id == record)).one()
        review_record(budi, record, RETURN)  # commits revision 2 meanwhile
        row.comment = "lama"
        row.revision = 2
        with pytest.raises(StaleDataError):
            session.flush()
        session.rollback()
    finally:
        session.close()
    view = own_review(ani, record)
    assert view is not None and view.state == "perlu_perbaikan"
