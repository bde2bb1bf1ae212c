"""JSON Lines of records, parsed strictly: one JSON object per line, nothing else.

The rules are those of ``loads_strict`` (invalid UTF-8, duplicate keys, NaN/Infinity, lone
surrogates, nesting depth) plus a line length limit and "every line is an object". Most lines are
objects that cannot contain a surrogate escape or nest deeper than the limit; for those the C
scanner is called directly with the same duplicate-key and NaN hooks (no new decoder per line, no
walk that could not find anything). Every other line, and every line the fast path refuses, goes
through ``loads_strict`` itself, so the accepted values and the reported reasons are the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from json.scanner import make_scanner
from typing import Any

from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.crypto.canonical_json import (
    SURROGATE_ESCAPE,
    StrictJsonError,
    loads_strict,
    object_without_duplicates,
    refuse_constant,
)
from smartcity_desktop.crypto.problems import ProblemError

_REASON_CODES = {
    "utf8": "record.invalid_utf8",
    "duplicate_key": "record.duplicate_key",
    "not_finite": "record.not_finite",
    "too_deep": "record.too_deep",
    "lone_surrogate": "record.lone_surrogate",
    "syntax": "record.syntax",
}
_JSON_SPACE = " \t\n\r"


def _make_scanner() -> Callable[[str, int], tuple[Any, int]]:
    decoder = json.JSONDecoder(
        object_pairs_hook=object_without_duplicates, parse_constant=refuse_constant
    )
    scanner: Callable[[str, int], tuple[Any, int]] = make_scanner(decoder)  # type: ignore[arg-type]
    return scanner


class RecordReader:
    """Push parser: ``feed`` chunks of a records file, get each line's object in order.

    Raises ProblemError(record.*) at the first bad line; after that the reader must not be used.
    ``close`` refuses a last line without its newline.
    """

    def __init__(self, kind: str, *, max_line: int, max_depth: int) -> None:
        self.kind = kind
        self.max_line = max_line
        self.max_depth = max_depth
        self.number = 0
        self._pending = b""
        # One scanner per reader: the C scanner keeps a key memo, so it is not shared by threads.
        self._scan = _make_scanner()

    def feed(self, chunk: bytes | bytearray | memoryview) -> Iterator[dict[str, Any]]:
        data = self._pending + chunk if self._pending else bytes(chunk)
        lines = data.split(b"\n")
        self._pending = lines.pop()
        max_line, max_depth, scan = self.max_line, self.max_depth, self._scan
        # Without a surrogate escape anywhere in the chunk, no line needs the text walk.
        fast = b"\\u" not in data or SURROGATE_ESCAPE.search(data) is None
        for line in lines:
            self.number += 1
            if len(line) > max_line:
                raise ProblemError(make_problem("record.too_long", f"{self.kind} #{self.number}"))
            # Fast path: what loads_strict does for a line starting with "{" that can nest no
            # deeper than the limit, minus the work that could not find anything. Any failure
            # goes to the full parser, which then reports exactly what loads_strict reports.
            if fast and line[:1] == b"{" and line.count(b"{") + line.count(b"[") <= max_depth:
                try:
                    text = line.decode("utf-8")
                    value, end = scan(text, 0)
                except (ValueError, StopIteration, RecursionError):
                    yield self._parse(line)
                    continue
                if end == len(text) or not text[end:].strip(_JSON_SPACE):
                    yield value
                    continue
            yield self._parse(line)
        if len(self._pending) > max_line:
            raise ProblemError(make_problem("record.too_long", f"{self.kind} #{self.number + 1}"))

    def close(self) -> None:
        if self._pending:
            raise ProblemError(make_problem("record.syntax", f"{self.kind} #{self.number + 1}"))

    def _parse(self, line: bytes) -> dict[str, Any]:
        try:
            value = loads_strict(line, max_depth=self.max_depth)
        except StrictJsonError as exc:
            where = f"{self.kind} #{self.number}"
            raise ProblemError(make_problem(_REASON_CODES[exc.reason], where)) from None
        if not isinstance(value, dict):
            raise ProblemError(make_problem("record.not_object", f"{self.kind} #{self.number}"))
        return value


def iter_records(
    chunks: Iterable[bytes], kind: str, *, max_line: int, max_depth: int
) -> Iterator[dict[str, Any]]:
    """Yield each line's object; raises ProblemError(record.*) at the first bad line."""
    reader = RecordReader(kind, max_line=max_line, max_depth=max_depth)
    for chunk in chunks:
        yield from reader.feed(chunk)
    reader.close()


def parse_record(line: bytes, kind: str, number: int, max_depth: int) -> dict[str, Any]:
    reader = RecordReader(kind, max_line=len(line), max_depth=max_depth)
    reader.number = number
    return reader._parse(line)
