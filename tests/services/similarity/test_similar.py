"""Data serupa on real offices: which records match and why, and merging through the review."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from smartcity_desktop.services.review import ReviewInvalid, own_review
from smartcity_desktop.services.similarity import (
    AreaFilter,
    SimilarGroup,
    SimilarityRefused,
    forget_words,
    merge_group,
    similar_groups,
)
from smartcity_desktop.storage.models import Review
from tests.services.similarity_data import A, B, C, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


def labelled(k: Known, groups: list[SimilarGroup]) -> list[tuple[list[str], str]]:
    # Members come by village, then id (a random UUID): within one village, any order.
    return [(sorted(k.label_of(m.id) for m in g.members), g.reason) for g in groups]


def test_at_the_kecamatan_the_pairs_of_its_two_villages_with_their_reasons(known: Known) -> None:
    kec = known.open("kecamatan")
    try:
        groups = similar_groups(kec, "problem")
    finally:
        kec.close()
    assert labelled(known, groups) == [
        (
            ["a1", "b1"],
            "sub-elemen sama: Proteksi lingkungan; kata kunci bersama: banjir, rob, tambak",
        ),
        (["a2", "b2"], "sub-elemen sama: Transportasi/mobilitas; kata kunci bersama: jalan, rusak"),
    ]
    first = groups[0]
    assert [(m.desa, m.desa_name, m.kecamatan_name) for m in first.members] == [
        (A, "Desa Sagara Makmur", "Kecamatan Tarumajaya"),
        (B, "Desa Samudra Jaya", "Kecamatan Tarumajaya"),
    ]


def test_at_the_kabupaten_groups_span_kecamatan_and_stay_within_one_sub_element(
    known: Known,
) -> None:
    kab = known.open("kabupaten")
    try:
        groups = similar_groups(kab, "problem")
        babelan = similar_groups(kab, "problem", AreaFilter(kecamatan="32.16.02"))
        living = similar_groups(kab, "problem", AreaFilter(dimension="living"))
    finally:
        kab.close()
    # c3 has another urusan but the same sub-element: a merge candidate all the same. b3 ("banjir
    # rob" too) is about health: another sub-element, never offered.
    assert labelled(known, groups) == [
        (
            ["a1", "b1", "c1", "c3"],
            "sub-elemen sama: Proteksi lingkungan; kata kunci bersama: banjir, rob, tambak",
        ),
        (
            ["a3", "c2"],
            "sub-elemen sama: Tata kelola sampah dan limbah; kata kunci bersama: bantaran, "
            "menumpuk, sampah, sungai",
        ),
        (["a2", "b2"], "sub-elemen sama: Transportasi/mobilitas; kata kunci bersama: jalan, rusak"),
    ]
    assert {m.desa for g in groups for m in g.members} >= {A, B, C}
    assert babelan == []  # C and D alone: c1 and c3 are one village
    assert labelled(known, living) == [labelled(known, groups)[2]]


def test_titles_sharing_only_stop_words_never_match(known: Known) -> None:
    # a4 and d1 share "masalah yang ada di desa kami" word for word: all stop or common words.
    kab = known.open("kabupaten")
    try:
        members = {known.label_of(m.id) for g in similar_groups(kab) for m in g.members}
    finally:
        kab.close()
    assert "a4" not in members and "d1" not in members


def test_the_same_data_gives_the_same_list_cold_or_warm(known: Known) -> None:
    kab = known.open("kabupaten")
    try:
        forget_words()
        cold = similar_groups(kab)
        warm = similar_groups(kab)
    finally:
        kab.close()
    assert cold == warm
    assert [g.as_dict() for g in cold] == [g.as_dict() for g in warm]


def test_gabungkan_ke_writes_digabung_reviews_through_the_review_service(known: Known) -> None:
    kec = known.open("kecamatan")
    try:
        group = similar_groups(kec)[0]
        a1, b1 = (m.id for m in group.members)
        merge_group(kec, a1, [a1, b1], comment="Lokasi tambak sama")
        review = own_review(kec, b1)
        assert review is not None
        assert (review.state, review.values["merge_into"], review.values["reason"]) == (
            "digabung",
            a1,
            "duplikat",
        )
        assert own_review(kec, a1) is None  # the record merged into is not reviewed
        # Merged records are not offered again; the other pair still is.
        assert [[known.label_of(m.id) for m in g.members] for g in similar_groups(kec)] == [
            ["a2", "b2"]
        ]
    finally:
        kec.close()


def test_merging_into_a_record_of_another_kind_is_refused_with_nothing_written(
    known: Known,
) -> None:
    kec = known.open("kecamatan")
    try:
        with pytest.raises(SimilarityRefused) as nothing:
            merge_group(kec, known.ids["a1"], [known.ids["a1"]])
        assert nothing.value.code == "similar.nothing_to_merge"
        with pytest.raises(ReviewInvalid):
            merge_group(kec, "not-a-record", [known.ids["b1"]])
        with kec.db.session() as s:
            assert s.scalars(select(Review)).all() == []
    finally:
        kec.close()


def test_a_village_office_is_refused_and_told_where_to_look(known: Known) -> None:
    desa = known.open(A)
    try:
        with pytest.raises(SimilarityRefused) as refused:
            similar_groups(desa)
    finally:
        desa.close()
    assert refused.value.code == "similar.desa"
    assert "kecamatan dan kabupaten" in str(refused.value)


def test_a_kecamatan_outside_the_office_is_refused(known: Known) -> None:
    kec = known.open("kecamatan")
    try:
        with pytest.raises(SimilarityRefused) as refused:
            similar_groups(kec, area=AreaFilter(kecamatan="32.16.02"))
        with kec.db.session() as s:
            assert s.execute(text("SELECT count(*) FROM review")).scalar() == 0
    finally:
        kec.close()
    assert refused.value.code == "similar.outside_area"
