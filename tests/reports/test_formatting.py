from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from smartcity_desktop.i18n import set_language
from smartcity_desktop.reports.dates import (
    format_date_long,
    format_datetime_long,
    utc_offset_label,
)
from smartcity_desktop.reports.formatting import format_rupiah, markup, shorten


def test_long_dates_in_indonesian_and_english() -> None:
    assert format_date_long(date(2026, 11, 28), "id") == "28 November 2026"
    assert format_date_long(date(2026, 2, 3), "id") == "3 Februari 2026"
    assert format_date_long(date(2026, 8, 17), "en") == "17 August 2026"


def test_long_date_follows_the_current_language() -> None:
    assert format_date_long(date(2026, 5, 1)) == "1 Mei 2026"
    set_language("en")
    assert format_date_long(date(2026, 5, 1)) == "1 May 2026"


def test_datetime_shows_the_utc_offset_not_a_platform_zone_name() -> None:
    wib = timezone(timedelta(hours=7))
    assert format_datetime_long(datetime(2026, 11, 28, 14, 5, tzinfo=wib), "id") == (
        "28 November 2026 14:05 (UTC+07:00)"
    )
    assert format_datetime_long(datetime(2026, 1, 2, 3, 4), "en").endswith("03:04 (UTC+00:00)")
    assert utc_offset_label(timedelta(hours=-3, minutes=-30)) == "UTC-03:30"
    assert utc_offset_label(datetime(2026, 1, 1, tzinfo=UTC).utcoffset()) == "UTC+00:00"


def test_rupiah_uses_dots_in_indonesian_and_commas_in_english() -> None:
    assert format_rupiah(1_500_000, "id") == "Rp 1.500.000"
    assert format_rupiah(1_500_000, "en") == "Rp 1,500,000"
    assert format_rupiah(0, "id") == "Rp 0"
    assert format_rupiah(None, "id") == ""


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "Sumur warga kering dari Juli sampai Oktober setiap tahun"
    assert shorten(text, 200) == text
    short = shorten(text, 30)
    assert short.endswith("…") and len(short) <= 31
    assert short == "Sumur warga kering dari Juli…"
    assert shorten("a\n\n  b", 10) == "a b"


def test_markup_escapes_user_text_and_keeps_line_breaks() -> None:
    assert markup("A & B <C>\nD") == "A &amp; B &lt;C&gt;<br/>D"
    assert markup(None) == ""
