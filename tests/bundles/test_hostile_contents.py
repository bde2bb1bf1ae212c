"""Faults inside a well-formed archive: manifests, signature, header, records."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.crypto.keys import SigningKey
from tests.bundles.helpers import DESA, raw_bundle, verify_refused

PHOTO = b"\xff\xd8photo-bytes"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def _payload(problem_lines: bytes | None = None) -> dict[str, bytes]:
    lines = (
        problem_lines
        if problem_lines is not None
        else (b'{"id":"p-1","office_code":"32.16.01.2001","title":"Banjir"}\n')
    )
    attachment = json.dumps({"id": "a", "office_code": DESA, "sha256": PHOTO_SHA}).encode()
    return {
        "data/records/problem.jsonl": lines,
        "data/records/attachment.jsonl": attachment + b"\n",
        f"data/attachments/{PHOTO_SHA}": PHOTO,
    }


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def test_raw_builder_makes_valid_bundle(tmp_path: Path, key: SigningKey) -> None:
    result = verify_bundle(raw_bundle(tmp_path / "ok.scb", key, _payload()))
    assert result.ok, result.problems


def test_payload_file_not_listed(tmp_path: Path, key: SigningKey) -> None:
    def drop(tags: dict[str, bytes]) -> None:
        tags[fmt.MANIFEST] = b"".join(
            line + b"\n" for line in tags[fmt.MANIFEST].splitlines() if b"attachments" not in line
        )

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=drop), "manifest.unlisted_file"
    )


def test_listed_file_missing(tmp_path: Path, key: SigningKey) -> None:
    def add(tags: dict[str, bytes]) -> None:
        tags[fmt.MANIFEST] += f"{'0' * 64}  data/attachments/{'1' * 64}\n".encode()

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=add), "manifest.missing_file"
    )


def test_manifest_hash_mismatch(tmp_path: Path, key: SigningKey) -> None:
    def corrupt(tags: dict[str, bytes]) -> None:
        tags[fmt.MANIFEST] = tags[fmt.MANIFEST].replace(
            PHOTO_SHA.encode() + b"  ", b"0" * 64 + b"  "
        )

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=corrupt), "manifest.hash_mismatch"
    )


@pytest.mark.parametrize(
    "escape", ["../../etc/passwd", "/etc/passwd", "data/../../x", "data\\..\\x"]
)
def test_manifest_path_escaping_bag(tmp_path: Path, key: SigningKey, escape: str) -> None:
    def add(tags: dict[str, bytes]) -> None:
        tags[fmt.MANIFEST] += f"{'0' * 64}  {escape}\n".encode()

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=add), "manifest.path_escape"
    )


def test_tagmanifest_leaves_out_header(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    import zipfile

    from tests.bundles.helpers import read_entries, write_entries

    entries = []
    for info, data in read_entries(path):
        if info.filename.endswith(fmt.TAGMANIFEST):
            data = b"".join(line + b"\n" for line in data.splitlines() if b"header" not in line)
        entries.append((info, data))
    assert zipfile.is_zipfile(path)
    verify_refused(write_entries(tmp_path / "c.scb", entries), "manifest.tag_not_covered")


def test_payload_oxum_disagrees(tmp_path: Path, key: SigningKey) -> None:
    def lie(tags: dict[str, bytes]) -> None:
        tags[fmt.BAG_INFO_TXT] = b"Payload-Oxum: 5.3\n"

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=lie), "manifest.size_mismatch"
    )


def test_no_signature(tmp_path: Path, key: SigningKey) -> None:
    verify_refused(raw_bundle(tmp_path / "b.scb", key, _payload(), sign=False), "signature.missing")


def test_malformed_signature(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    from tests.bundles.helpers import read_entries, write_entries

    entries = [
        (i, b'{"signature": "not base64!"}' if i.filename.endswith(fmt.SIGNATURE) else d)
        for i, d in read_entries(path)
    ]
    verify_refused(write_entries(tmp_path / "c.scb", entries), "signature.malformed")


def test_signature_by_other_key_invalid(tmp_path: Path, key: SigningKey) -> None:
    # A forger re-hashes everything after changing a record but cannot re-sign with the key.
    forged = raw_bundle(tmp_path / "f.scb", SigningKey.generate(), _payload())
    from tests.bundles.helpers import read_entries, write_entries

    honest_header = None
    honest = raw_bundle(tmp_path / "h.scb", key, _payload())
    for info, data in read_entries(honest):
        if info.filename.endswith(fmt.HEADER):
            honest_header = data
    assert honest_header is not None
    entries = read_entries(forged)
    sig = next(d for i, d in entries if i.filename.endswith(fmt.SIGNATURE))
    sig_doc = json.loads(sig)
    sig_doc["key_id"] = key.public.key_id
    path = write_entries(
        tmp_path / "x.scb",
        [
            (i, json.dumps(sig_doc).encode() if i.filename.endswith(fmt.SIGNATURE) else d)
            for i, d in entries
        ],
    )
    # header still names the forger's key, so the key ids disagree
    verify_refused(path, "signature.key_mismatch")


def test_signature_invalid_after_tampering(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    from tests.bundles.helpers import read_entries, write_entries

    entries = read_entries(path)
    good_sig = next(d for i, d in entries if i.filename.endswith(fmt.SIGNATURE))
    tampered = raw_bundle(
        tmp_path / "t.scb",
        key,
        _payload(b'{"id":"p-1","office_code":"32.16.01.2001","title":"Diubah"}\n'),
    )
    entries = [
        (i, good_sig if i.filename.endswith(fmt.SIGNATURE) else d)
        for i, d in read_entries(tampered)
    ]
    verify_refused(write_entries(tmp_path / "c.scb", entries), "signature.invalid")


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b'{"id":"\xff\xfe","office_code":"32.16.01.2001"}\n', "record.invalid_utf8"),
        (b'{"id":"a","id":"b","office_code":"32.16.01.2001"}\n', "record.duplicate_key"),
        (b'{"n":NaN,"office_code":"32.16.01.2001"}\n', "record.not_finite"),
        (b'{"n":-Infinity,"office_code":"32.16.01.2001"}\n', "record.not_finite"),
        (b'{"s":"\\ud800","office_code":"32.16.01.2001"}\n', "record.lone_surrogate"),
        (
            b'{"x":' + b"[" * 50 + b"]" * 50 + b',"office_code":"32.16.01.2001"}\n',
            "record.too_deep",
        ),
        (b'{"x":' + b"[" * 5000 + b"]" * 5000 + b"}\n", "record.too_deep"),
        (b"[1,2,3]\n", "record.not_object"),
        (b"{not json}\n", "record.syntax"),
        (b'{"id":"p","office_code":"32.16.01.2002"}\n', "record.office_not_sender"),
    ],
)
def test_hostile_records(tmp_path: Path, key: SigningKey, line: bytes, code: str) -> None:
    verify_refused(raw_bundle(tmp_path / "b.scb", key, _payload(line)), code)


def test_record_line_too_long(tmp_path: Path, key: SigningKey) -> None:
    line = b'{"x":"' + os.urandom(1 << 20).hex().encode() + b'"}\n'
    verify_refused(raw_bundle(tmp_path / "b.scb", key, _payload(line)), "record.too_long")


def test_schema_newer_than_app(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), schema_version=9)
    verify_refused(path, "header.schema_too_new", max_schema_version=3)


def test_header_count_disagrees(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(
        tmp_path / "b.scb",
        key,
        _payload(),
        header={"record_counts": {"problem": 5, "attachment": 1}},
    )
    verify_refused(path, "header.count_mismatch")


def test_header_office_and_role_disagree(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), role="kecamatan")
    verify_refused(path, "header.office_invalid")


def test_unsupported_format_version(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), header={"format_version": 2})
    verify_refused(path, "header.unsupported_format")


def test_attachment_referenced_but_absent(tmp_path: Path, key: SigningKey) -> None:
    payload = _payload()
    del payload[f"data/attachments/{PHOTO_SHA}"]
    verify_refused(raw_bundle(tmp_path / "b.scb", key, payload), "record.attachment_missing")


def test_attachment_present_but_unreferenced(tmp_path: Path, key: SigningKey) -> None:
    payload = _payload()
    payload["data/records/attachment.jsonl"] = b""
    verify_refused(raw_bundle(tmp_path / "b.scb", key, payload), "record.attachment_unreferenced")


def test_unknown_member_in_payload(tmp_path: Path, key: SigningKey) -> None:
    payload = {**_payload(), "data/notes.txt": b"hello"}
    verify_refused(raw_bundle(tmp_path / "b.scb", key, payload), "archive.unexpected_member")
