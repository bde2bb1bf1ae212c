"""Key words of Indonesian text: lower case, punctuation, stop words, nothing clever."""

from __future__ import annotations

from smartcity_desktop.domain.keywords import key_words, stop_words, words_of


def test_lower_case_punctuation_and_reduplication() -> None:
    assert words_of("Jalan RUSAK-rusak, berlubang!!! (±2 km)") == ["jalan", "rusak", "berlubang"]


def test_stop_words_numbers_and_short_words_are_dropped() -> None:
    # "yang", "ada", "di", "kami", "sudah", "lama" are stop words; "desa" is a common word of the
    # project's own list; "RT 03" is too short or a number.
    assert words_of("Masalah yang ada di desa kami sudah lama, RT 03") == []
    assert words_of("Banjir rob di RW 05 tahun 2024") == ["banjir", "rob"]


def test_the_package_list_and_the_project_list_both_apply() -> None:
    stops = stop_words()
    assert {"yang", "dengan", "adalah"} <= stops  # from the stop-words package
    assert {"desa", "warga", "tidak"} <= stops  # resources/reference/kata_umum.json
    assert not {"banjir", "sampah", "jalan", "air", "tambak"} & stops


def test_key_words_of_several_texts_are_sorted_and_distinct() -> None:
    assert key_words(["Banjir rob", None, "Rob merendam tambak; banjir lagi"]) == (
        "banjir",
        "merendam",
        "rob",
        "tambak",
    )


def test_unicode_forms_give_the_same_words() -> None:
    assert words_of("Ｂａｎｊｉｒ ROB") == words_of("banjir rob")
