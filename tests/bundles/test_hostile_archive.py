"""Hostile and damaged archives: each refused with its own code, nothing written."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.bundles.safezip import Limits
from tests.bundles.helpers import (
    honest_bundle,
    read_entries,
    rename_entry,
    verify_refused,
    write_entries,
)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return honest_bundle(tmp_path, photo=os.urandom(20_000))


def _with_extra_entry(bundle: Path, name: str, data: bytes = b"x") -> Path:
    entries = read_entries(bundle)
    entries.append((rename_entry(entries[0][0], name), data))
    return write_entries(bundle.with_name("hostile.scb"), entries)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.scb"
    path.write_bytes(os.urandom(5000))
    verify_refused(path, "archive.not_zip")


def test_pdf_renamed(tmp_path: Path) -> None:
    path = tmp_path / "laporan.scb"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    verify_refused(path, "archive.not_zip")


@pytest.mark.parametrize("where", ["start", "middle", "last_byte"])
def test_truncated(bundle: Path, where: str) -> None:
    data = bundle.read_bytes()
    cut = {"start": data[100:], "middle": data[: len(data) // 2], "last_byte": data[:-1]}[where]
    bundle.write_bytes(cut)
    result = verify_bundle(bundle)
    assert result.codes and result.codes[0] in {"archive.not_zip", "archive.corrupt"}


def test_flipped_bit_in_photo(bundle: Path) -> None:
    data = bytearray(bundle.read_bytes())
    (info,) = [i for i, _ in read_entries(bundle) if "/data/attachments/" in i.filename]
    data[info.header_offset + 200] ^= 0x01
    bundle.write_bytes(bytes(data))
    verify_refused(bundle, "manifest.hash_mismatch")


def test_flipped_bit_in_records(tmp_path: Path) -> None:
    path = honest_bundle(tmp_path)
    (info,) = [i for i, _ in read_entries(path) if i.filename.endswith("problem.jsonl")]
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0x10
    path.write_bytes(bytes(data))
    result = verify_bundle(path)
    assert result.codes[0] in {"archive.corrupt", "archive.size_mismatch", "manifest.hash_mismatch"}


@pytest.mark.parametrize(
    "name",
    [
        "scb-test/data/../../etc/passwd",
        "../evil.txt",
        "/abs/evil.txt",
        "C:\\Windows\\evil.txt",
        "scb-test\\data\\evil.txt",
        "C:/evil.txt",
    ],
)
def test_path_traversal_names(bundle: Path, name: str) -> None:
    verify_refused(_with_extra_entry(bundle, name), "archive.path_traversal")


def test_control_characters_in_name(bundle: Path) -> None:
    top = read_entries(bundle)[0][0].filename.split("/")[0]
    verify_refused(_with_extra_entry(bundle, f"{top}/data/evil\x07.txt"), "archive.bad_name")


def test_exact_duplicate_names(bundle: Path) -> None:
    entries = read_entries(bundle)
    info, _ = next(e for e in entries if e[0].filename.endswith("problem.jsonl"))
    entries.append((rename_entry(info, info.filename), b'{"office_code":"32.16.01.2001"}\n'))
    with pytest.warns(UserWarning):
        path = write_entries(bundle.with_name("dup.scb"), entries)
    verify_refused(path, "archive.duplicate_name")


def test_symlink_member(bundle: Path) -> None:
    entries = read_entries(bundle)
    top = entries[0][0].filename.split("/")[0]
    link = zipfile.ZipInfo(f"{top}/data/attachments/link")
    link.create_system = 3
    link.external_attr = (0o120777) << 16
    entries.append((link, b"/etc/passwd"))
    verify_refused(write_entries(bundle.with_name("link.scb"), entries), "archive.symlink")


def test_two_top_level_folders(bundle: Path) -> None:
    verify_refused(_with_extra_entry(bundle, "other-folder/readme.txt"), "archive.top_level")


def test_file_at_top_level(bundle: Path) -> None:
    verify_refused(_with_extra_entry(bundle, "readme.txt"), "archive.top_level")


def test_encrypted_member(bundle: Path) -> None:
    info = next(i for i, _ in read_entries(bundle) if i.filename.endswith("problem.jsonl"))
    data = bytearray(bundle.read_bytes())
    data[info.header_offset + 6] |= 0x1
    central = data.find(info.filename.encode(), data.find(b"PK\x01\x02")) - 46
    while data[central : central + 4] != b"PK\x01\x02":
        central = data.find(info.filename.encode(), central + 47) - 46
    data[central + 8] |= 0x1
    bundle.write_bytes(bytes(data))
    verify_refused(bundle, "archive.encrypted")


def test_zip_bomb_ratio(bundle: Path) -> None:
    top = read_entries(bundle)[0][0].filename.split("/")[0]
    entries = read_entries(bundle)
    bomb = zipfile.ZipInfo(f"{top}/data/attachments/{'0' * 64}")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    entries.append((bomb, bytes(50 << 20)))
    verify_refused(
        write_entries(bundle.with_name("bomb.scb"), entries), "archive.compression_ratio"
    )


def test_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.scb"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(2_100):
            archive.writestr(f"scb-x/data/attachments/{i:064x}", b"")
    verify_refused(path, "archive.too_many_members", limits=Limits(max_members=2_000))


def test_declared_size_larger_than_content(bundle: Path) -> None:
    # The central directory claims 1 GiB for a tiny member; zipfile would return the few bytes.
    data = bytearray(bundle.read_bytes())
    info = next(i for i, _ in read_entries(bundle) if i.filename.endswith("bagit.txt"))
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length].decode() == info.filename:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<L", data, central + 24, 1 << 30)
    bundle.write_bytes(bytes(data))
    result = verify_bundle(bundle)
    assert result.codes[0] in {"archive.size_mismatch", "archive.compression_ratio"}


def test_overlapping_entries(tmp_path: Path) -> None:
    # Two central directory entries pointing at one local header: the CVE-2024-0450 zip bomb.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scb-x/data/attachments/" + "a" * 64, b"A" * 1000)
        archive.writestr("scb-x/data/attachments/" + "b" * 64, b"B" * 1000)
    data = bytearray(buffer.getvalue())
    first = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first + 4)
    struct.pack_into("<L", data, second + 42, struct.unpack_from("<L", data, first + 42)[0])
    path = tmp_path / "overlap.scb"
    path.write_bytes(bytes(data))
    result = verify_bundle(path)
    assert result.codes[0] in {"archive.overlapping_entries", "archive.corrupt"}


def test_overlapping_entries_with_matching_names(tmp_path: Path) -> None:
    # Entry B's data range starts inside entry A's data: a pure overlap, names consistent.
    buffer = io.BytesIO()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("scb-x/b", b"B" * 100)
    inner_bytes = inner.getvalue()
    local_b = inner_bytes[: inner_bytes.find(b"PK\x01\x02")]
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scb-x/a", b"A" * 10 + local_b + b"A" * 10)
    data = bytearray(buffer.getvalue())
    cd_a = data.find(b"PK\x01\x02")
    local_b_offset = data.find(local_b)
    entry_b = bytearray(
        inner_bytes[inner_bytes.find(b"PK\x01\x02") : inner_bytes.find(b"PK\x05\x06")]
    )
    struct.pack_into("<L", entry_b, 42, local_b_offset)
    eocd = data.find(b"PK\x05\x06")
    cd = data[cd_a:eocd] + entry_b
    end = bytearray(data[eocd:])
    struct.pack_into("<HHL", end, 8, 2, 2, len(cd))
    path = tmp_path / "overlap2.scb"
    path.write_bytes(bytes(data[:cd_a] + cd + end))
    verify_refused(path, "archive.overlapping_entries")
