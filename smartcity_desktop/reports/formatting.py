"""Small text helpers for report cells: Rupiah, counts, safe paragraph markup, shortening."""

from __future__ import annotations

from xml.sax.saxutils import escape

from babel.numbers import format_decimal

from smartcity_desktop.i18n import current_language


def format_number(value: float | int, language: str | None = None) -> str:
    """``1.500.000`` in Indonesian, ``1,500,000`` in English."""
    locale = "en" if (language or current_language()) == "en" else "id"
    return format_decimal(value, locale=locale)


def format_rupiah(amount: int | float | None, language: str | None = None) -> str:
    """``Rp 1.500.000``; Rupiah has no minor unit in practice, so whole numbers only."""
    if amount is None:
        return ""
    return f"Rp {format_number(round(amount), language)}"


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary near ``limit`` and add an ellipsis; whitespace runs collapse."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:  # avoid chopping a long word in half, but not at any price
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def markup(text: object) -> str:
    """Escape user text for a reportlab Paragraph; keep the user's line breaks."""
    if text is None:
        return ""
    lines = str(text).strip().splitlines()
    return "<br/>".join(escape(line) for line in lines)
