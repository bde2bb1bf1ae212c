"""BagIt tag files: manifests (``<sha256>  <path>`` lines), bagit.txt and bag-info.txt."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_MANIFEST_LINE = re.compile(r"([0-9a-fA-F]{64})[ \t]+(\S.*)")
_INFO_LINE = re.compile(r"([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)")


class ManifestError(ValueError):
    """``escape`` marks a path that points outside the bag (absolute, ``..``, backslash)."""

    def __init__(self, message: str, *, escape: bool = False) -> None:
        super().__init__(message)
        self.escape = escape


def format_manifest(entries: Mapping[str, str]) -> bytes:
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries.items())).encode()


def parse_manifest(data: bytes) -> dict[str, str]:
    """Return ``{path: lowercase sha256}``; raises ManifestError on any malformed or unsafe line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError("not UTF-8") from None
    entries: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        match = _MANIFEST_LINE.fullmatch(line.rstrip("\r"))
        if not match:
            raise ManifestError(f"line {number}")
        digest, path = match.group(1).lower(), _decode_path(match.group(2))
        _check_path(path)
        if path in entries:
            raise ManifestError(f"{path} listed twice")
        entries[path] = digest
    return entries


def _decode_path(path: str) -> str:
    # RFC 8493 section 2.1.3: only CR, LF and % are percent-encoded in manifest paths.
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _check_path(path: str) -> None:
    segments = path.split("/")
    if (
        path.startswith("/")
        or "\\" in path
        or ":" in path
        or ".." in segments
        or path.startswith("~")
    ):
        raise ManifestError(path[:120], escape=True)
    if any(s in ("", ".") for s in segments) or any(ord(c) < 32 for c in path):
        raise ManifestError(path[:120])


def format_bag_info(fields: Iterable[tuple[str, str]]) -> bytes:
    return "".join(f"{label}: {value}\n" for label, value in fields).encode()


def parse_bag_info(data: bytes) -> dict[str, str]:
    """Labels to values (first occurrence wins for lookups; repeats are legal in BagIt)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError("not UTF-8") from None
    fields: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            continue  # continuation of the previous value
        match = _INFO_LINE.fullmatch(line.rstrip("\r"))
        if not match:
            raise ManifestError(f"line {number}")
        fields.setdefault(match.group(1), match.group(2).strip())
    return fields


def payload_oxum(total_bytes: int, file_count: int) -> str:
    return f"{total_bytes}.{file_count}"
