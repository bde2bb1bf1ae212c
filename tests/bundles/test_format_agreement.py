"""The reader does what docs/bundle-format.md says, on each point where they used to disagree:
bagit.txt byte for byte, which bag-info fields count, directory entries, manifest order, a record
kind without rows, and how deep bundles may be forwarded."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.manifests import format_bag_info
from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.bundles.writer import Sender, write_bundle
from smartcity_desktop.crypto.keys import SigningKey
from tests.bundles.helpers import (
    DESA,
    KECAMATAN,
    raw_bundle,
    read_entries,
    verify_refused,
    write_entries,
)

ROW = b'{"id":"p-1","office_code":"32.16.01.2001","title":"Banjir"}\n'


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def _payload() -> dict[str, bytes]:
    return {"data/records/problem.jsonl": ROW}


def test_bagit_txt_with_crlf_is_refused(tmp_path: Path, key: SigningKey) -> None:
    def crlf(tags: dict[str, bytes]) -> None:
        tags[fmt.BAGIT_TXT] = fmt.BAGIT_DECLARATION.replace(b"\n", b"\r\n")

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=crlf), "bag.bad_declaration"
    )


def test_bag_info_needs_only_a_correct_payload_oxum(tmp_path: Path, key: SigningKey) -> None:
    def other_fields(tags: dict[str, bytes]) -> None:
        oxum = f"{len(ROW)}.1"
        tags[fmt.BAG_INFO_TXT] = format_bag_info(
            [("Contact-Name", "Siti"), ("Payload-Oxum", oxum), ("X-Anything", "ok")]
        ).replace(b"\n", b"\r\n")

    result = verify_bundle(raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=other_fields))
    assert result.ok, result.problems


def test_bag_info_without_payload_oxum_is_refused(tmp_path: Path, key: SigningKey) -> None:
    def no_oxum(tags: dict[str, bytes]) -> None:
        tags[fmt.BAG_INFO_TXT] = format_bag_info([("Source-Organization", DESA)])

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=no_oxum),
        "manifest.size_mismatch",
    )


@pytest.mark.parametrize("folder", ["", "data", "data/records", "data/attachments"])
def test_directory_entries_of_the_layout_are_accepted(
    tmp_path: Path, key: SigningKey, folder: str
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), top="scb-x")
    entries = read_entries(path)
    directory = zipfile.ZipInfo(f"scb-x/{folder}/".replace("//", "/"), (2026, 1, 1, 0, 0, 0))
    write_entries(path, [(directory, b""), *entries])
    result = verify_bundle(path)
    assert result.ok, result.problems


@pytest.mark.parametrize("folder", ["extra", "data/extra", "data/records/old"])
def test_other_directory_entries_are_refused(tmp_path: Path, key: SigningKey, folder: str) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), top="scb-x")
    entries = read_entries(path)
    directory = zipfile.ZipInfo(f"scb-x/{folder}/", (2026, 1, 1, 0, 0, 0))
    write_entries(path, [*entries, (directory, b"")])
    result = verify_refused(path, "archive.unexpected_member")
    assert result.problems[0].detail == f"{folder}/"


def test_manifest_out_of_path_order_is_refused(tmp_path: Path, key: SigningKey) -> None:
    payload = {**_payload(), "data/records/attachment.jsonl": b""}

    def reverse(tags: dict[str, bytes]) -> None:
        lines = tags[fmt.MANIFEST].splitlines(keepends=True)
        assert len(lines) == 2
        tags[fmt.MANIFEST] = b"".join(reversed(lines))

    result = verify_refused(
        raw_bundle(tmp_path / "b.scb", key, payload, edit_tags=reverse), "manifest.malformed"
    )
    assert "manifest-sha256.txt" in result.problems[0].detail


@pytest.mark.parametrize(
    "variant",
    [
        lambda line: line.upper().replace(
            b"DATA/RECORDS/PROBLEM.JSONL", b"data/records/problem.jsonl"
        ),
        lambda line: line.replace(b"  ", b" "),
        lambda line: line.replace(b"\n", b"\r\n"),
    ],
    ids=["uppercase-hex", "one-space", "crlf"],
)
def test_manifest_in_another_form_is_refused(tmp_path: Path, key: SigningKey, variant) -> None:  # type: ignore[no-untyped-def]
    def edit(tags: dict[str, bytes]) -> None:
        tags[fmt.MANIFEST] = variant(tags[fmt.MANIFEST])

    verify_refused(
        raw_bundle(tmp_path / "b.scb", key, _payload(), edit_tags=edit), "manifest.malformed"
    )


def test_tag_manifest_out_of_order_is_refused(tmp_path: Path, key: SigningKey) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), top="scb-x")
    entries = []
    for info, data in read_entries(path):
        if info.filename.endswith(fmt.TAGMANIFEST):
            data = b"".join(reversed(data.splitlines(keepends=True)))
        entries.append((info, data))
    # Re-signing is not needed: the order is checked before the signature.
    verify_refused(write_entries(path, entries), "manifest.malformed")


def test_kind_without_rows_needs_its_empty_records_file(tmp_path: Path, key: SigningKey) -> None:
    with_empty = {**_payload(), "data/records/potential.jsonl": b""}
    result = verify_bundle(raw_bundle(tmp_path / "ok.scb", key, with_empty))
    assert result.ok, result.problems
    assert result.header is not None and result.header.record_counts["potential"] == 0

    counted_without_file = raw_bundle(
        tmp_path / "b.scb",
        key,
        _payload(),
        header={"record_counts": {"problem": 1, "potential": 0}},
    )
    verify_refused(counted_without_file, "header.count_mismatch")

    file_without_count = raw_bundle(
        tmp_path / "c.scb", key, with_empty, header={"record_counts": {"problem": 1}}
    )
    verify_refused(file_without_count, "header.count_mismatch")


def test_writer_output_meets_the_stricter_rules(tmp_path: Path, key: SigningKey) -> None:
    write_bundle(
        tmp_path / "w.scb",
        sender=Sender(DESA, "desa", key),
        sequence=1,
        records={"problem": [], "potential": [{"office_code": DESA, "id": "x"}]},
        app_version="0.1.0",
        schema_version=1,
    )
    assert verify_bundle(tmp_path / "w.scb").ok


def test_forwarding_is_one_level_deep(tmp_path: Path) -> None:
    """A village bundle inside a kecamatan bundle may not itself carry forwarded bundles: only a
    kecamatan forwards, so one level is all there is."""
    village_key, kecamatan_key = SigningKey.generate(), SigningKey.generate()
    other_village = tmp_path / "other.scb"
    write_bundle(
        other_village,
        sender=Sender("32.16.01.2002", "desa", SigningKey.generate()),
        sequence=1,
        records={"problem": []},
        app_version="0.1.0",
        schema_version=1,
    )
    village = tmp_path / "village.scb"
    write_bundle(
        village,
        sender=Sender(DESA, "desa", village_key),
        sequence=1,
        records={"problem": []},
        app_version="0.1.0",
        schema_version=1,
        forwarded=[other_village],
    )
    outer = tmp_path / "kec.scb"
    write_bundle(
        outer,
        sender=Sender(KECAMATAN, "kecamatan", kecamatan_key),
        sequence=1,
        records={"problem": []},
        app_version="0.1.0",
        schema_version=1,
        forwarded=[village],
    )
    result = verify_bundle(outer)
    assert not result.all_ok
    (nested,) = result.forwarded
    assert nested.codes == ["forwarded.too_deep"]
    assert hashlib.sha256(village.read_bytes()).hexdigest() in result.header.forwarded  # type: ignore[union-attr]


@pytest.mark.parametrize("folder", ["attachments", "forwarded"])
def test_content_named_files_must_bear_their_hash(
    tmp_path: Path, key: SigningKey, folder: str
) -> None:
    data = b"\x89PNG not really"
    wrong = hashlib.sha256(b"other bytes").hexdigest()
    name = f"data/{folder}/{wrong}" + (".scb" if folder == "forwarded" else "")
    payload = {**_payload(), name: data}
    result = verify_refused(raw_bundle(tmp_path / "b.scb", key, payload), "manifest.hash_mismatch")
    assert result.problems[0].detail == name
