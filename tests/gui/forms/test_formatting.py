from __future__ import annotations

import pytest

from smartcity_desktop.gui.forms import formatting as fmt
from smartcity_desktop.i18n import set_language


def test_rupiah_grouping() -> None:
    assert fmt.format_rupiah(1_500_000) == "Rp 1.500.000"
    assert fmt.format_rupiah(0) == "Rp 0"
    assert fmt.format_rupiah(None) == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("rp 2.000,00", 2000),
        ("", None),
        ("Rp -5.000", -5000),
        ("lima juta", "lima juta"),
    ],
)
def test_parse_amount(text: str, value: object) -> None:
    assert fmt.parse_amount(text) == value


def test_reformat_while_typing_keeps_cursor_after_same_digit() -> None:
    assert fmt.reformat_amount_text("15000", 5) == ("Rp 15.000", 9)
    # typed a digit in the middle of "Rp 1.500" -> "Rp 1.5900": cursor stays after the 9
    text, cursor = fmt.reformat_amount_text("Rp 1.5900", 7)
    assert text == "Rp 15.900"
    assert text[:cursor].endswith("9")


@pytest.mark.parametrize(
    ("text", "value"),
    [("-6,2345", -6.2345), ("-6.2345", -6.2345), ("106,9", 106.9), ("1.234,5", 1234.5), ("x", "x")],
)
def test_parse_decimal_accepts_comma_and_dot(text: str, value: object) -> None:
    assert fmt.parse_decimal(text) == value


def test_format_decimal_follows_language() -> None:
    assert fmt.format_decimal(-6.2345) == "-6,2345"
    set_language("en")
    assert fmt.format_decimal(-6.2345) == "-6.2345"


def test_coordinate_pair_from_map_app() -> None:
    assert fmt.split_coordinate_pair("-6.2345, 106.9876") == (-6.2345, 106.9876)
    assert fmt.split_coordinate_pair("-6.2345,106.9876") == (-6.2345, 106.9876)
    assert fmt.split_coordinate_pair("-6,2345") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/01/2024", "2024-01-15"),
        (" 15012024 ", "2024-01-15"),
        ("1-2-2024", "2024-02-01"),
        ("15.01.24", "2024-01-15"),
        ("15 01 2024", "2024-01-15"),
        ("2024-01-15", "2024-01-15"),
        ("", None),
        ("31/02/2024", "31/02/2024"),
        ("29/02/2023", "29/02/2023"),
        ("15/13/2024", "15/13/2024"),
        ("kemarin", "kemarin"),
    ],
)
def test_parse_date_reads_day_month_year(typed: str, expected: str | None) -> None:
    assert fmt.parse_date(typed) == expected
    assert fmt.is_date(expected) == (
        expected is not None and expected[:1].isdigit() and "-" in expected
    )
