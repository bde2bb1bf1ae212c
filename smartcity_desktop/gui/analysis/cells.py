"""How a cell of an analysis table reads and looks: typed numbers and the heat scale.

Numbers follow the reader's language (``Rp 1.500.000`` and ``12,5%`` in Indonesian); a heat cell
keeps its number printed, the colour only helps the eye find the large ones.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from smartcity_desktop.i18n import current_language
from smartcity_desktop.services.analysis.result import ColumnType

# ColorBrewer YlGnBu, 7 classes: sequential and safe for the common colour-vision deficiencies.
HEAT = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
DARK_FROM = 4  # from this class on the number is printed in white

_PATTERNS = {
    ColumnType.INT: "#,##0",
    ColumnType.FLOAT: "#,##0.0",
    ColumnType.MONEY: "#,##0",
    ColumnType.PERCENT: "#,##0.0",
}


def _locale() -> str:
    return "en" if current_language() == "en" else "id"


def format_cell(value: Any, kind: ColumnType) -> str:
    """The text of one cell: ``None`` and text as they are, numbers by the column's type."""
    if value is None:
        return ""
    if kind is ColumnType.TEXT or isinstance(value, (str, bool)):
        return str(value)
    if not isinstance(value, int | float):
        return str(value)
    if kind is ColumnType.MONEY:
        value = round(value)
    text = format_decimal(value, format=_PATTERNS[kind], locale=_locale())
    if kind is ColumnType.MONEY:
        return f"Rp {text}"
    if kind is ColumnType.PERCENT:
        return f"{text}%"
    return text


def heat_class(value: Any, highest: float) -> int | None:
    """The colour class of ``value`` on a scale up to ``highest``; None for zero or no number."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0 or highest <= 0:
        return None
    share = min(float(value) / highest, 1.0)
    return min(int(share * len(HEAT)), len(HEAT) - 1)


def is_number(kind: ColumnType) -> bool:
    return kind is not ColumnType.TEXT


def balanced_lines(title: str, most: int = 3, line: int = 14) -> list[str]:
    """``title`` broken at spaces into as few lines as keep each short (about ``line``
    characters, up to ``most`` lines), the lines as even as possible: a column header then needs no more
    width than its numbers ("Tata Kelola / Pemerintahan / Cerdas")."""
    words = title.split()
    if len(words) < 2 or len(title) <= line - 4:
        return [title]
    count = min(most, len(words), max(1, -(-len(title) // line)))
    count = max(count, 2)
    best: list[str] = [title]
    best_width = len(title)

    def split(start: int, lines: int) -> list[list[str]]:
        if lines == 1:
            return [[" ".join(words[start:])]]
        out = []
        for end in range(start + 1, len(words) - lines + 2):
            head = " ".join(words[start:end])
            out += [[head, *rest] for rest in split(end, lines - 1)]
        return out

    for candidate in split(0, count):
        width = max(len(line) for line in candidate)
        if width < best_width:
            best, best_width = candidate, width
    return best
