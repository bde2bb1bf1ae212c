"""Splitting a bundle into numbered parts for messaging apps, and joining them back.

Each part starts with a fixed-size header line naming the whole bundle (its SHA-256 and size),
the part's number, range and own SHA-256. Parts can then arrive in any order, a missing one can be
named, and parts of two different bundles cannot be mixed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.crypto.canonical_json import StrictJsonError, loads_strict
from smartcity_desktop.crypto.problems import ProblemError

PART_MAGIC = b"SCB-PART-1\n"
PART_FORMAT = "smartcity-bundle-part"
HEADER_SIZE = 512
MIN_PART_SIZE = 64 << 10
MAX_PARTS = 999
CHUNK = 1 << 20
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]{1,120}\.scb")


@dataclass(frozen=True)
class PartHeader:
    bundle_name: str
    bundle_sha256: str
    bundle_size: int
    index: int
    count: int
    offset: int
    length: int
    part_sha256: str

    def to_bytes(self) -> bytes:
        body = json.dumps({"format": PART_FORMAT, **self.__dict__}, sort_keys=True).encode()
        padding = HEADER_SIZE - len(PART_MAGIC) - len(body) - 1
        if padding < 0:
            raise ValueError("part header too long")
        return PART_MAGIC + body + b" " * padding + b"\n"

    @classmethod
    def from_bytes(cls, block: bytes) -> PartHeader:
        if len(block) != HEADER_SIZE or not block.startswith(PART_MAGIC):
            raise ValueError("not a part header")
        doc: Any = loads_strict(block[len(PART_MAGIC) :].rstrip(b" \n"))
        if not isinstance(doc, dict) or doc.pop("format", None) != PART_FORMAT:
            raise ValueError("not a part header")
        header = cls(**doc)
        ints = (header.bundle_size, header.index, header.count, header.offset, header.length)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in ints):
            raise ValueError("bad numbers")
        if not (1 <= header.index <= header.count <= MAX_PARTS):
            raise ValueError("bad part number")
        if header.offset + header.length > header.bundle_size:
            raise ValueError("part outside bundle")
        if not isinstance(header.bundle_name, str) or not _SAFE_NAME.fullmatch(header.bundle_name):
            raise ValueError("bad bundle name")
        return header


def part_name(bundle_name: str, index: int, count: int) -> str:
    stem = bundle_name[: -len(".scb")] if bundle_name.endswith(".scb") else bundle_name
    width = max(2, len(str(count)))
    return f"{stem}.part{index:0{width}d}-of-{count:0{width}d}.scb"


def is_part_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(PART_MAGIC)) == PART_MAGIC


def stage_parts(
    whole: Path, destination: Path, max_part_size: int
) -> tuple[tuple[Path, Path], ...]:
    """Split the finished bundle ``whole`` into parts named after ``destination``.

    Each part is written and flushed under a temporary name; the caller renames them all once every
    part is on disk, so a crash never leaves a set of final names that cannot be joined. Returns
    (temporary, final) pairs; on failure nothing is left behind.
    """
    if max_part_size < MIN_PART_SIZE:
        raise ValueError(f"parts must be at least {MIN_PART_SIZE} bytes")
    size = whole.stat().st_size
    room = max_part_size - HEADER_SIZE
    count = max(1, math.ceil(size / room))
    if count > MAX_PARTS:
        raise ValueError(f"would need {count} parts; choose a larger part size")
    bundle_sha = _hash_range(whole, 0, size)
    staged: list[tuple[Path, Path]] = []
    try:
        for index in range(1, count + 1):
            offset = (index - 1) * room
            length = min(room, size - offset)
            header = PartHeader(
                destination.name,
                bundle_sha,
                size,
                index,
                count,
                offset,
                length,
                _hash_range(whole, offset, length),
            )
            target = destination.with_name(part_name(destination.name, index, count))
            temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
            staged.append((temporary, target))
            _write_part(whole, temporary, header)
    except BaseException:
        for temporary, _target in staged:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        raise
    return tuple(staged)


def read_part_header(path: Path) -> PartHeader | None:
    """The header of a part file, or None when ``path`` is not a readable part."""
    try:
        with path.open("rb") as handle:
            return PartHeader.from_bytes(handle.read(HEADER_SIZE))
    except (ValueError, TypeError, StrictJsonError, OSError):
        return None


def sibling_parts(part: Path) -> list[Path]:
    """The parts of the same bundle lying in ``part``'s folder, ``part`` included, in file-name
    order: double-clicking one part of a split bundle opens all of them. Other ``.scb`` files, and
    parts of other bundles, are left out; a file that is not a readable part gives ``[part]``."""
    header = read_part_header(part)
    if header is None:
        return [part]
    found = {part}
    try:
        candidates = list(part.parent.iterdir())
    except OSError:
        return [part]
    for path in candidates:
        if path.suffix.lower() != ".scb" or path == part or not path.is_file():
            continue
        other = read_part_header(path)
        if other is not None and other.bundle_sha256 == header.bundle_sha256:
            found.add(path)
    return sorted(found, key=lambda p: p.name)


def assemble_parts(paths: Iterable[Path], folder: Path) -> Path:
    """Join parts given in any order into ``folder/<bundle name>``; raises ProblemError naming
    missing, corrupt, duplicated or foreign parts. The result still has to be verified."""
    headers: dict[int, tuple[PartHeader, Path]] = {}
    bundles: set[tuple[str, int, int]] = set()
    for path in paths:
        try:
            with path.open("rb") as handle:
                header = PartHeader.from_bytes(handle.read(HEADER_SIZE))
        except (ValueError, TypeError, StrictJsonError, OSError):
            raise ProblemError(make_problem("parts.not_part", path.name)) from None
        bundles.add((header.bundle_sha256, header.bundle_size, header.count))
        if len(bundles) > 1:
            raise ProblemError(make_problem("parts.mixed", path.name))
        known = headers.get(header.index)
        if known is not None and known[0] != header:
            raise ProblemError(make_problem("parts.duplicate", path.name))
        headers[header.index] = (header, path)
    if not headers:
        raise ProblemError(make_problem("parts.missing", "1"))
    first = next(iter(headers.values()))[0]
    missing = [
        part_name(first.bundle_name, i, first.count)
        for i in range(1, first.count + 1)
        if i not in headers
    ]
    if missing:
        raise ProblemError(make_problem("parts.missing", ", ".join(missing)))
    target = folder / first.bundle_name
    temporary = folder / f".{first.bundle_name}.{secrets.token_hex(4)}.partial"
    whole = hashlib.sha256()
    try:
        with temporary.open("xb") as out:
            for index in range(1, first.count + 1):
                header, path = headers[index]
                if header.offset != out.tell():
                    raise ProblemError(make_problem("parts.corrupt", path.name))
                _copy_part(path, header, out, whole)
            out.flush()
            os.fsync(out.fileno())
        if (
            whole.hexdigest() != first.bundle_sha256
            or temporary.stat().st_size != first.bundle_size
        ):
            raise ProblemError(make_problem("parts.corrupt", first.bundle_name))
        os.replace(temporary, target)
        return target
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _copy_part(path: Path, header: PartHeader, out: Any, whole: Any) -> None:
    digest = hashlib.sha256()
    copied = 0
    with path.open("rb") as handle:
        handle.seek(HEADER_SIZE)
        while copied < header.length:
            chunk = handle.read(min(CHUNK, header.length - copied))
            if not chunk:
                break
            digest.update(chunk)
            whole.update(chunk)
            out.write(chunk)
            copied += len(chunk)
        trailing = handle.read(1)
    if copied != header.length or trailing or digest.hexdigest() != header.part_sha256:
        raise ProblemError(make_problem("parts.corrupt", path.name))


def _write_part(whole: Path, temporary: Path, header: PartHeader) -> None:
    with whole.open("rb") as source, temporary.open("xb") as out:
        out.write(header.to_bytes())
        source.seek(header.offset)
        remaining = header.length
        while remaining:
            chunk = source.read(min(CHUNK, remaining))
            if not chunk:
                raise OSError("bundle shrank while splitting")
            out.write(chunk)
            remaining -= len(chunk)
        out.flush()
        os.fsync(out.fileno())


def _hash_range(path: Path, offset: int, length: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(offset)
        remaining = length
        while remaining:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()
