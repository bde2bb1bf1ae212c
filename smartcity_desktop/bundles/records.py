"""JSON Lines of records, parsed strictly: one JSON object per line, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.crypto.canonical_json import StrictJsonError, loads_strict
from smartcity_desktop.crypto.problems import ProblemError

_REASON_CODES = {
    "utf8": "record.invalid_utf8",
    "duplicate_key": "record.duplicate_key",
    "not_finite": "record.not_finite",
    "too_deep": "record.too_deep",
    "lone_surrogate": "record.lone_surrogate",
    "syntax": "record.syntax",
}


def iter_records(
    chunks: Iterable[bytes], kind: str, *, max_line: int, max_depth: int
) -> Iterator[dict[str, Any]]:
    """Yield each line's object; raises ProblemError(record.*) at the first bad line."""
    pending = bytearray()
    number = 0
    for chunk in chunks:
        pending += chunk
        start = 0
        while True:
            end = pending.find(b"\n", start)
            if end < 0:
                break
            number += 1
            if end - start > max_line:
                raise ProblemError(make_problem("record.too_long", f"{kind} #{number}"))
            yield parse_record(bytes(pending[start:end]), kind, number, max_depth)
            start = end + 1
        del pending[:start]
        if len(pending) > max_line:
            raise ProblemError(make_problem("record.too_long", f"{kind} #{number + 1}"))
    if pending:
        raise ProblemError(make_problem("record.syntax", f"{kind} #{number + 1}"))


def parse_record(line: bytes, kind: str, number: int, max_depth: int) -> dict[str, Any]:
    where = f"{kind} #{number}"
    try:
        value = loads_strict(line, max_depth=max_depth)
    except StrictJsonError as exc:
        raise ProblemError(make_problem(_REASON_CODES[exc.reason], where)) from None
    if not isinstance(value, dict):
        raise ProblemError(make_problem("record.not_object", where))
    return value
