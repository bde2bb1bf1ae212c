"""UTC timestamps as ISO-8601 text with a trailing ``Z``: the only form in signed files."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone-aware UTC time")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``; raises ValueError for anything else."""
    if not isinstance(text, str) or not _PATTERN.fullmatch(text):
        raise ValueError(f"not a UTC timestamp: {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
