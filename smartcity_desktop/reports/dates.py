"""Dates the way Indonesian (and English) official documents write them: "28 November 2026".

Plain Python over Babel so that any layer (reports, GUI, CLI) can use it without reportlab or Qt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date

from smartcity_desktop.i18n import current_language

_LOCALES = {"id": "id", "en": "en"}
LONG_DATE = "d MMMM y"


def _locale(language: str | None) -> str:
    return _LOCALES.get(language or current_language(), "id")


def format_date_long(value: date, language: str | None = None) -> str:
    """``28 November 2026`` (id) / ``28 November 2026`` (en); month names follow the language."""
    return format_date(value, format=LONG_DATE, locale=_locale(language))


def utc_offset_label(offset: timedelta | None) -> str:
    """``UTC+07:00``: readable on every system, unlike tzname() which Windows spells out in full."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def format_datetime_long(value: datetime, language: str | None = None) -> str:
    """``28 November 2026 14:05 (UTC+07:00)``; a naive value is taken as UTC (how we store time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (
        f"{format_date_long(value.date(), language)} {value:%H:%M} "
        f"({utc_offset_label(value.utcoffset())})"
    )


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) or aware time in this computer's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()
