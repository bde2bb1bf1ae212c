"""Indonesian number formats for form inputs: ``Rp 1.500.000``, ``-6,2345``.

Plain Python (no Qt) so the parsing rules are easy to test; the widgets only call these.
"""

from __future__ import annotations

import datetime as dt
import re

from smartcity_desktop.i18n import current_language

_DIGITS = re.compile(r"\d")


def group_thousands(digits: str) -> str:
    """``1500000`` -> ``1.500.000`` (Indonesian groups thousands with dots)."""
    out = []
    for i, ch in enumerate(reversed(digits)):
        if i and i % 3 == 0:
            out.append(".")
        out.append(ch)
    return "".join(reversed(out))


def format_rupiah(amount: int | None) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"Rp {sign}{group_thousands(str(abs(amount)))}"


def parse_amount(text: str) -> int | str | None:
    """Whole Rupiah from what was typed: dots, spaces and "Rp" are decoration.

    Returns None for blank, an int when the text holds digits (negative when it starts with a minus
    sign, so validation can name it), and the text itself when it cannot be read as an amount.
    """
    cleaned = text.strip()
    if cleaned.lower().startswith("rp"):
        cleaned = cleaned[2:].strip()
    cleaned = cleaned.replace(".", "").replace(" ", "")
    if cleaned.endswith(",00") or cleaned.endswith(",-"):
        cleaned = cleaned[:-3] if cleaned.endswith(",00") else cleaned[:-2]
    if cleaned == "":
        return None
    negative = cleaned.startswith("-")
    body = cleaned[1:] if negative else cleaned
    if not body.isdigit():
        return text.strip()
    value = int(body)
    return -value if negative else value


def reformat_amount_text(text: str, cursor: int) -> tuple[str, int]:
    """Re-group the digits while someone types, keeping the cursor after the same digit."""
    digits_before = len(_DIGITS.findall(text[:cursor]))
    negative = "-" in text
    digits = "".join(_DIGITS.findall(text)).lstrip("0") or ("0" if _DIGITS.search(text) else "")
    if not digits:
        return ("Rp -" if negative else ""), (4 if negative else 0)
    # leading zeros were dropped; keep the cursor within the digits that remain
    digits_before = min(digits_before, len(digits))
    body = group_thousands(digits)
    prefix = "Rp -" if negative else "Rp "
    new_text = prefix + body
    pos = len(prefix)
    seen = 0
    for ch in body:
        if seen == digits_before:
            break
        pos += 1
        if ch.isdigit():
            seen += 1
    return new_text, pos


def decimal_separator() -> str:
    return "," if current_language() == "id" else "."


def format_decimal(value: float | None, max_decimals: int = 6) -> str:
    """A float in the active language's style, without a trailing ``,000000``."""
    if value is None:
        return ""
    text = f"{value:.{max_decimals}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal_separator())


def parse_decimal(text: str) -> float | str | None:
    """Accept ``-6,2345`` and ``-6.2345`` alike; a lone separator of either kind is the decimal one.

    When both appear (``1.234,5``) the last one is the decimal separator. Returns None for blank and
    the text itself when it is not a number, so validation can name it.
    """
    cleaned = text.strip().replace(" ", "").replace("\u2212", "-")
    if cleaned == "":
        return None
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return text.strip()
    if value != value or value in (float("inf"), float("-inf")):
        return text.strip()
    return value


def parse_count(text: str) -> int | str | None:
    """A whole count such as ``1.250`` (dots group thousands)."""
    cleaned = text.strip().replace(".", "").replace(" ", "")
    if cleaned == "":
        return None
    body = cleaned[1:] if cleaned.startswith("-") else cleaned
    if not body.isdigit():
        return text.strip()
    return int(cleaned)


def format_count(value: int | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return sign + group_thousands(str(abs(value)))


def split_coordinate_pair(text: str) -> tuple[float, float] | None:
    """``-6.2345, 106.9876`` as copied from a map app -> (lat, lon); None when not a pair."""
    stripped = text.strip()
    parts = [p for p in re.split(r"[;\s]+|,\s+", stripped) if p]
    if len(parts) == 1 and stripped.count(",") == 1 and "." in stripped:
        parts = stripped.split(",")  # "-6.2345,106.9876": the comma can only separate the two
    if len(parts) != 2:
        return None
    lat, lon = parse_decimal(parts[0]), parse_decimal(parts[1])
    if isinstance(lat, float) and isinstance(lon, float):
        return lat, lon
    return None


_DATE_PARTS = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})")
_DATE_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4}|\d{2})")
_ISO_TYPED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> str | None:
    """A date typed the Indonesian way, day first: ``15/01/2024``, ``15-1-2024``, ``15012024``.

    Returns the ISO date (``2024-01-15``), None for blank, and the text itself when it is not a
    date that exists (``31/02/2024``), so the form can refuse it next to the field. A two-digit year
    is this century's. A pasted ISO date (``2024-01-15``) is read as such.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    iso = _ISO_TYPED.fullmatch(cleaned)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        found = _DATE_PARTS.fullmatch(cleaned) or _DATE_DIGITS.fullmatch(cleaned)
        if found is None:
            return cleaned
        day, month, year = (int(g) for g in found.groups())
        if len(found.group(3)) == 2:
            year += 2000
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return cleaned


def format_date(iso: str) -> str:
    """``2024-01-15`` -> ``15/01/2024``; anything else is shown as it is."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def is_date(value: str | None) -> bool:
    """True for what ``parse_date`` returns when the text was a real date."""
    if value is None or not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
