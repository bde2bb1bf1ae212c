"""Human size text such as ``10M`` or ``500K`` (binary multiples, as file managers show them)."""

from __future__ import annotations

import re

_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
_PATTERN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:I?B)?\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"10M"`` -> 10485760; accepts K, M, G with optional ``B``/``iB``; ValueError otherwise."""
    match = _PATTERN.fullmatch(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 500K, 10M, 1.5G)")
    number, unit = match.groups()
    value = int(float(number) * _UNITS[unit.upper()])
    if value <= 0:
        raise ValueError(f"size must be positive: {text!r}")
    return value
