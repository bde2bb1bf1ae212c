"""Numbers and dates in words, as a Berita Acara writes them ("tanggal satu bulan Desember tahun
dua ribu dua puluh enam"): written words cannot be altered as easily as digits."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

_ONES = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)


def terbilang(n: int) -> str:
    """Indonesian number words: 21 → "dua puluh satu", 2026 → "dua ribu dua puluh enam"."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return head + (f" {terbilang(rest)}" if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "seribu" if thousands == 1 else f"{terbilang(thousands)} ribu"
        return head + (f" {terbilang(rest)}" if rest else "")
    millions, rest = divmod(n, 1_000_000)
    return f"{terbilang(millions)} juta" + (f" {terbilang(rest)}" if rest else "")


def day_name(value: date, language: str) -> str:
    """ "Selasa" / "Tuesday"."""
    return format_date(value, format="EEEE", locale="en" if language == "en" else "id")


def date_in_words(value: date, language: str) -> str:
    """ "Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam"."""
    month = format_date(value, format="MMMM", locale="en" if language == "en" else "id")
    if language == "en":
        return f"{day_name(value, language)}, {value.day} {month} {value.year}"
    return (
        f"{day_name(value, language)} tanggal {terbilang(value.day)} bulan {month} "
        f"tahun {terbilang(value.year)}"
    )
