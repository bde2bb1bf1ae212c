"""The grouping rule on hand-made items: which records group, and why, whatever the input order."""

from __future__ import annotations

import random

from smartcity_desktop.domain.keywords import key_words, words_of
from smartcity_desktop.domain.similarity import Item, group_items, seeds_of


def item(rid: str, desa: str, title: str, more: str = "", bucket: str = "b") -> Item:
    return Item(rid, desa, (bucket,), tuple(words_of(title)), key_words([title, more]))


ITEMS = [
    item("1", "A", "Banjir rob merendam tambak", "tanggul pantai"),
    item("2", "B", "Tambak terendam banjir rob", "tanggul jebol"),
    item("3", "C", "Banjir rob", "tanggul"),
    item("4", "A", "Jalan rusak berlubang"),
    item("5", "B", "Jalan rusak parah"),
    item("6", "C", "Jalan rusak", bucket="other"),  # another bucket: never with 4 and 5
    item("7", "D", "Banjir bandang"),  # one shared word only
    item("8", "A", "Rob tambak"),  # same village as 1: cannot make a group on its own
]


def test_groups_need_two_shared_title_words_two_villages_and_one_bucket() -> None:
    groups = group_items(ITEMS)
    assert [(g.key, [m.id for m in g.members], g.shared) for g in groups] == [
        ("b|banjir+rob", ["1", "2", "3"], ("banjir", "rob", "tanggul")),
        ("b|jalan+rusak", ["4", "5"], ("jalan", "rusak")),
    ]
    assert groups[0].desa == ("A", "B", "C")


def test_a_record_is_in_one_group_only() -> None:
    # 8 ("rob tambak") shares rob+tambak with 1 and 2, but 1 and 2 went to banjir+rob first
    # (three villages beat two), and 8 alone is one village.
    ids = [m.id for g in group_items(ITEMS) for m in g.members]
    assert len(ids) == len(set(ids)) and "8" not in ids


def test_the_order_of_the_input_does_not_matter() -> None:
    expected = group_items(ITEMS)
    rng = random.Random(4)
    for _ in range(20):
        shuffled = ITEMS[:]
        rng.shuffle(shuffled)
        assert group_items(shuffled) == expected


def test_a_title_of_one_key_word_seeds_with_that_word() -> None:
    assert seeds_of(("banjir",)) == (("banjir",),)
    assert seeds_of(()) == ()
    assert seeds_of(("rob", "banjir", "rob")) == (("banjir", "rob"),)


def test_a_one_village_threshold_groups_within_a_village() -> None:
    groups = group_items([ITEMS[0], ITEMS[7]], min_desa=1)
    assert [[m.id for m in g.members] for g in groups] == [["1", "8"]]


def test_a_single_record_is_never_a_group() -> None:
    assert group_items([ITEMS[0]], min_desa=1) == []
