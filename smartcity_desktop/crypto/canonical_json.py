"""Canonical JSON for signing, and a strict parser for JSON that comes from other offices.

Canonical form: sorted keys, no insignificant whitespace, UTF-8, no NaN/Infinity. Signing the exact
bytes of this form means two honest writers produce identical documents for identical content.

The strict parser closes the gaps ``json.loads`` leaves open: invalid UTF-8, duplicate keys (which
would let two readers see different values), NaN/Infinity, lone surrogates (SQLite refuses them
later, far from the cause) and deep nesting (RecursionError inside the C scanner).
"""

from __future__ import annotations

import json
import re
from typing import Any

DEFAULT_MAX_DEPTH = 10
# Only a \\uD800-\\uDFFF escape can produce a lone surrogate.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class StrictJsonError(ValueError):
    """``reason`` is one of: utf8, duplicate_key, not_finite, too_deep, lone_surrogate, syntax."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def canonical_bytes(value: Any) -> bytes:
    """Serialise ``value`` canonically; raises ValueError for NaN/Infinity or lone surrogates."""
    text = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("lone surrogate in text") from exc


def loads_strict(data: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StrictJsonError("utf8", str(exc)) from None
    try:
        value = json.loads(
            text, object_pairs_hook=object_without_duplicates, parse_constant=refuse_constant
        )
    except StrictJsonError:
        raise
    except RecursionError:
        raise StrictJsonError("too_deep") from None
    except ValueError as exc:
        raise StrictJsonError("syntax", str(exc)) from None
    # Fast paths: without a \uD8xx-\uDFxx escape no lone surrogate can appear, and with no more
    # brackets than the limit the nesting cannot exceed it; only other documents get walked.
    if SURROGATE_ESCAPE.search(data) or data.count(b"{") + data.count(b"[") > max_depth:
        _check_depth_and_text(value, max_depth)
    return value


def object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` of the strict parser (and of the bundle records' fast path)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise StrictJsonError("duplicate_key", key)
            seen.add(key)
    return result


def refuse_constant(name: str) -> Any:
    """``parse_constant`` of the strict parser: NaN, Infinity and -Infinity are refused."""
    raise StrictJsonError("not_finite", name)


def _check_depth_and_text(value: Any, max_depth: int) -> None:
    # Iterative walk: a recursive one would reintroduce the stack problem the limit guards against.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict):
            if depth > max_depth:
                raise StrictJsonError("too_deep", str(depth))
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth > max_depth:
                raise StrictJsonError("too_deep", str(depth))
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StrictJsonError("lone_surrogate", repr(text[:40])) from None
