"""Reading zip archives that may be hostile, without extracting anything.

``scan_archive`` checks the whole structure before a single member byte is used: names, duplicates,
links, encryption, counts, declared sizes and ratios, and that every member's local header and data
lie in their own byte range (overlapping entries are the zip-bomb trick CVE-2024-0450 fixed only
in Python 3.11.8). ``iter_member`` then reads one member's bytes from its checked range, counting
what it actually produces instead of trusting declared sizes.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.bundles.sources import ByteSource
from smartcity_desktop.crypto.problems import Problem, ProblemError

CHUNK = 1 << 20
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_MAX_COMMENT = 0xFFFF
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAGS = 0x1 | 0x40
_CONTROL_CHAR = re.compile(r"[\x00-\x1f\x7f]")
_PARSE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    struct.error,
    NotImplementedError,
    IndexError,
    KeyError,
    OverflowError,
)


@dataclass(frozen=True)
class Limits:
    max_members: int = 20_000
    max_member_size: int = 2 << 30
    max_total_size: int = 16 << 30
    max_ratio: int = 200
    ratio_floor: int = 1 << 20
    max_tag_file: int = 16 << 20
    max_record_line: int = 1 << 20
    max_json_depth: int = 10
    # Only a kecamatan forwards, and only its villages' bundles, which forward nothing
    # (crypto.offices.may_forward): one level is all the authority rules allow.
    max_forward_depth: int = 1
    max_problems: int = 50


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Member:
    name: str
    method: int
    compressed_size: int
    size: int
    data_offset: int


@dataclass(frozen=True)
class ArchiveIndex:
    top: str
    members: dict[str, Member]
    # Directory entries, relative to the top folder and without their trailing "/" ("" for the
    # top folder itself): optional in a zip, and checked against the bag layout by the reader.
    directories: tuple[str, ...] = ()


def scan_archive(
    source: ByteSource, limits: Limits = DEFAULT_LIMITS
) -> tuple[ArchiveIndex | None, list[Problem]]:
    """Check the archive's structure; returns an index of files relative to the one top folder."""
    try:
        cd_offset, cd_size = _central_directory_bounds(source, limits)
        with zipfile.ZipFile(source.stream()) as archive:
            infos = archive.infolist()
            if archive.start_dir != cd_offset:
                return None, [make_problem("archive.corrupt", "data before the archive")]
    except ProblemError as exc:
        return None, [exc.problem]
    except _PARSE_ERRORS as exc:
        return None, [make_problem("archive.corrupt", type(exc).__name__)]

    problems: list[Problem] = []
    for info in infos:
        problem = _member_problem(info, limits)
        if problem is not None:
            problems.append(problem)
    problems.extend(_duplicate_problems(infos))
    if problems:
        return None, problems[: limits.max_problems]

    top, problem = _single_top_folder(infos)
    if problem is not None:
        return None, [problem]

    members: dict[str, Member] = {}
    directories: list[str] = []
    try:
        located = sorted((_locate(source, info) for info in infos), key=lambda m: m[0])
    except ProblemError as exc:
        return None, [exc.problem]
    previous_end = 0
    total = 0
    for header_offset, data_offset, info in located:
        if header_offset < previous_end:
            return None, [make_problem("archive.overlapping_entries", info.filename)]
        previous_end = data_offset + info.compress_size
        if previous_end > cd_offset:
            return None, [make_problem("archive.overlapping_entries", info.filename)]
        total += info.file_size
        if info.filename.endswith("/"):
            directories.append(info.filename[len(top) + 1 :].rstrip("/"))
            continue
        relative = info.filename[len(top) + 1 :]
        members[relative] = Member(
            relative, info.compress_type, info.compress_size, info.file_size, data_offset
        )
    if total > limits.max_total_size:
        return None, [make_problem("archive.too_large", f"{total} bytes")]
    del cd_size
    return ArchiveIndex(top, members, tuple(directories)), []


def iter_member(source: ByteSource, member: Member, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """Yield the member's uncompressed bytes; raises ProblemError unless exactly ``size`` come out.

    The byte range was checked by ``scan_archive``, and the output is capped at the declared size,
    so neither a lying header nor a bomb can make this read or produce more than was approved.
    """
    position = member.data_offset
    end = member.data_offset + member.compressed_size
    produced = 0
    if member.method == zipfile.ZIP_STORED:
        while position < end:
            chunk = source.read_at(position, min(chunk_size, end - position))
            if not chunk:
                raise ProblemError(make_problem("archive.corrupt", f"{member.name}: truncated"))
            position += len(chunk)
            produced += len(chunk)
            yield chunk
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            while not inflater.eof:
                pending = inflater.unconsumed_tail
                if not pending:
                    if position >= end:
                        break
                    pending = source.read_at(position, min(chunk_size, end - position))
                    if not pending:
                        break
                    position += len(pending)
                room = member.size - produced + 1
                out = inflater.decompress(pending, min(chunk_size, room))
                produced += len(out)
                if produced > member.size:
                    raise ProblemError(make_problem("archive.size_mismatch", member.name))
                if out:
                    yield out
        except zlib.error as exc:
            raise ProblemError(make_problem("archive.corrupt", f"{member.name}: {exc}")) from None
        if not inflater.eof:
            raise ProblemError(make_problem("archive.corrupt", f"{member.name}: truncated"))
    if produced != member.size:
        raise ProblemError(make_problem("archive.size_mismatch", member.name))


def iter_stored_views(
    source: ByteSource, member: Member, buffer: memoryview
) -> Iterator[memoryview]:
    """Yield a stored member's bytes as views into ``buffer``, each valid until the next one.

    For hashing large stored members without a new bytes object per chunk; uses positional reads,
    so several threads can do this on one source. Same checks as ``iter_member``.
    """
    if member.method != zipfile.ZIP_STORED:
        raise ValueError("not a stored member")
    position = member.data_offset
    end = member.data_offset + member.compressed_size
    produced = 0
    while position < end:
        count = source.read_into(position, buffer[: min(len(buffer), end - position)])
        if count <= 0:
            raise ProblemError(make_problem("archive.corrupt", f"{member.name}: truncated"))
        position += count
        produced += count
        yield buffer[:count]
    if produced != member.size:
        raise ProblemError(make_problem("archive.size_mismatch", member.name))


def read_member(source: ByteSource, member: Member, max_bytes: int) -> bytes:
    if member.size > max_bytes:
        raise ProblemError(make_problem("archive.member_too_large", member.name))
    return b"".join(iter_member(source, member))


def _central_directory_bounds(source: ByteSource, limits: Limits) -> tuple[int, int]:
    """Locate the central directory and count entries before ``zipfile`` makes objects."""
    tail_size = min(source.size, _EOCD.size + _MAX_COMMENT)
    tail = source.read_at(source.size - tail_size, tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise ProblemError(make_problem("archive.not_zip"))
    eocd_offset = source.size - tail_size + at
    _sig, disk, cd_disk, _n_disk, entries, cd_size, cd_offset, _comment = _EOCD.unpack_from(
        tail, at
    )
    if disk != 0 or cd_disk != 0:
        raise ProblemError(make_problem("archive.corrupt", "multi-volume archive"))
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        locator = source.read_at(eocd_offset - _EOCD64_LOCATOR.size, _EOCD64_LOCATOR.size)
        if len(locator) != _EOCD64_LOCATOR.size or locator[:4] != b"PK\x06\x07":
            raise ProblemError(make_problem("archive.corrupt", "zip64 locator"))
        eocd64_offset = _EOCD64_LOCATOR.unpack(locator)[2]
        record = source.read_at(eocd64_offset, _EOCD64.size)
        if len(record) != _EOCD64.size or record[:4] != b"PK\x06\x06":
            raise ProblemError(make_problem("archive.corrupt", "zip64 end record"))
        fields = _EOCD64.unpack(record)
        entries, cd_size, cd_offset = fields[7], fields[8], fields[9]
    if entries > limits.max_members:
        raise ProblemError(make_problem("archive.too_many_members", entries))
    if cd_offset + cd_size > source.size:
        raise ProblemError(make_problem("archive.corrupt", "central directory outside the file"))
    count = 0
    position = 0
    directory = source.read_at(cd_offset, cd_size)
    while position + _CENTRAL.size <= len(directory):
        fields = _CENTRAL.unpack_from(directory, position)
        if fields[0] != b"PK\x01\x02":
            raise ProblemError(make_problem("archive.corrupt", "central directory"))
        position += _CENTRAL.size + fields[12] + fields[13] + fields[14]
        count += 1
        if count > limits.max_members:
            raise ProblemError(make_problem("archive.too_many_members", f"> {count - 1}"))
    return cd_offset, cd_size


def _name_problem(info: zipfile.ZipInfo) -> Problem | None:
    raw = info.orig_filename
    shown = raw.encode("unicode_escape").decode("ascii")[:120]
    if "\\" in raw or raw.startswith("/") or ":" in raw:
        return make_problem("archive.path_traversal", shown)
    segments = raw.rstrip("/").split("/") if raw.endswith("/") else raw.split("/")
    if ".." in segments:
        return make_problem("archive.path_traversal", shown)
    if (
        not raw
        or len(raw) > 400
        or raw != info.filename
        or any(s in ("", ".") for s in segments)
        or _CONTROL_CHAR.search(raw) is not None
    ):
        return make_problem("archive.bad_name", shown)
    return None


def _member_problem(info: zipfile.ZipInfo, limits: Limits) -> Problem | None:
    problem = _name_problem(info)
    if problem is not None:
        return problem
    name = info.filename
    mode = info.external_attr >> 16
    file_type = stat.S_IFMT(mode)
    if info.create_system == 3 and file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        return make_problem("archive.symlink", name)
    if info.flag_bits & _ENCRYPTED_FLAGS:
        return make_problem("archive.encrypted", name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return make_problem("archive.unsupported_compression", f"{name}: {info.compress_type}")
    if name.endswith("/") and info.file_size != 0:
        return make_problem("archive.bad_name", name)
    if info.file_size > limits.max_member_size:
        return make_problem("archive.member_too_large", f"{name}: {info.file_size} bytes")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        return make_problem("archive.size_mismatch", name)
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size // max(info.compress_size, 1)
        return make_problem("archive.compression_ratio", f"{name}: {ratio}:1")
    return None


def _duplicate_problems(infos: list[zipfile.ZipInfo]) -> list[Problem]:
    # Compared case-insensitively too: on Windows two such names would be one file if unpacked.
    seen: set[str] = set()
    problems: list[Problem] = []
    for info in infos:
        key = info.filename.rstrip("/").casefold()
        if key in seen:
            problems.append(make_problem("archive.duplicate_name", info.filename))
        seen.add(key)
    return problems


def _single_top_folder(infos: list[zipfile.ZipInfo]) -> tuple[str, Problem | None]:
    tops = {info.filename.split("/", 1)[0] for info in infos}
    files_at_top = [i.filename for i in infos if "/" not in i.filename]
    if len(tops) != 1 or files_at_top:
        shown = ", ".join(sorted(tops)[:5])
        return "", make_problem("archive.top_level", shown or "-")
    return tops.pop(), None


def _locate(source: ByteSource, info: zipfile.ZipInfo) -> tuple[int, int, zipfile.ZipInfo]:
    """Return (header offset, data offset, info) after checking the local header agrees."""
    offset = info.header_offset
    header = source.read_at(offset, _LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise ProblemError(make_problem("archive.corrupt", f"{info.filename}: local header"))
    fields = _LOCAL.unpack(header)
    flags, method, name_length, extra_length = fields[3], fields[4], fields[10], fields[11]
    encoding = "utf-8" if info.flag_bits & _UTF8_FLAG else "cp437"
    name = source.read_at(offset + _LOCAL.size, name_length)
    try:
        same_name = name == info.orig_filename.encode(encoding)
    except UnicodeEncodeError:
        same_name = False
    if not same_name or method != info.compress_type or (flags & _ENCRYPTED_FLAGS):
        raise ProblemError(
            make_problem("archive.corrupt", f"{info.filename}: local header disagrees")
        )
    return offset, offset + _LOCAL.size + name_length + extra_length, info
