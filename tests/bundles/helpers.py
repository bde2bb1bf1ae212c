"""Builders for test bundles: honest ones through the writer, and hand-made or rewritten ones that
let a test put exactly one fault into an otherwise valid, correctly signed bundle."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.manifests import format_bag_info, format_manifest
from smartcity_desktop.bundles.writer import AttachmentFile, Sender, write_bundle
from smartcity_desktop.crypto.canonical_json import canonical_bytes
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.signed_documents import b64encode
from smartcity_desktop.crypto.timestamps import format_utc, utc_now

DESA = "32.16.01.2001"
KECAMATAN = "32.16.01"
KABUPATEN = "32.16"

Entry = tuple[zipfile.ZipInfo, bytes]


def problem_rows(office: str = DESA, count: int = 3) -> list[dict[str, Any]]:
    return [
        {
            "id": f"p-{i}",
            "office_code": office,
            "title": "Jalan desa rusak",
            "revision": 1,
            "severity": i % 3,
        }
        for i in range(count)
    ]


def honest_bundle(
    folder: Path,
    key: SigningKey | None = None,
    *,
    office: str = DESA,
    role: str = "desa",
    sequence: int = 1,
    photo: bytes | None = None,
    name: str = "bundle.scb",
    **kwargs: Any,
) -> Path:
    key = key or SigningKey.generate()
    photo = os.urandom(4096) if photo is None else photo
    digest = hashlib.sha256(photo).hexdigest()
    store = folder / f"store-{digest[:8]}"
    store.write_bytes(photo)
    records = {
        "problem": problem_rows(office),
        "attachment": [{"id": "a-1", "office_code": office, "sha256": digest}],
    }
    write_bundle(
        folder / name,
        sender=Sender(office, role, key, kwargs.pop("certificate", None)),
        sequence=sequence,
        records=records,
        app_version="0.1.0",
        schema_version=1,
        attachments=[AttachmentFile(digest, store)],
        **kwargs,
    )
    store.unlink()
    return folder / name


def raw_bundle(
    path: Path,
    key: SigningKey,
    payload: dict[str, bytes],
    *,
    office: str = DESA,
    role: str = "desa",
    header: dict[str, Any] | None = None,
    top: str = "scb-test",
    schema_version: int = 1,
    edit_tags: Callable[[dict[str, bytes]], None] | None = None,
    sign: bool = True,
) -> Path:
    """A correctly signed bundle around arbitrary payload bytes (records need not be valid)."""
    counts = {}
    for name, data in payload.items():
        match = fmt.RECORD_PATH.fullmatch(name)
        if match:
            counts[match.group(1)] = data.count(b"\n")
    attachments = [n for n in payload if fmt.ATTACHMENT_PATH.fullmatch(n)]
    forwarded = [m.group(1) for n in payload if (m := fmt.FORWARDED_PATH.fullmatch(n))]
    head = {
        "format": fmt.HEADER_FORMAT,
        "format_version": 1,
        "sender": {
            "office_code": office,
            "role": role,
            "key_id": key.public.key_id,
            "public_key": b64encode(key.public.raw),
            "certificate": None,
        },
        "sequence": 1,
        "created": format_utc(utc_now()),
        "app_version": "0.1.0",
        "schema_version": schema_version,
        "record_counts": counts,
        "attachment_count": len(attachments),
        "forwarded": sorted(forwarded),
    }
    head.update(header or {})
    tags = {
        fmt.BAGIT_TXT: fmt.BAGIT_DECLARATION,
        fmt.BAG_INFO_TXT: format_bag_info(
            [("Payload-Oxum", f"{sum(len(d) for d in payload.values())}.{len(payload)}")]
        ),
        fmt.HEADER: json.dumps(head, sort_keys=True).encode(),
        fmt.MANIFEST: format_manifest(
            {n: hashlib.sha256(d).hexdigest() for n, d in payload.items()}
        ),
    }
    if edit_tags:
        edit_tags(tags)
    tagmanifest = format_manifest(
        {n: hashlib.sha256(d).hexdigest() for n, d in tags.items() if n in fmt.SIGNED_TAG_FILES}
    )
    tags[fmt.TAGMANIFEST] = tagmanifest
    if sign:
        tags[fmt.SIGNATURE] = canonical_bytes(
            {
                "format": fmt.SIGNATURE_FORMAT,
                "format_version": 1,
                "algorithm": "ed25519",
                "key_id": key.public.key_id,
                "signature": b64encode(key.sign(fmt.signed_message(tagmanifest))),
            }
        )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**payload, **tags}.items():
            method = (
                zipfile.ZIP_STORED
                if name.startswith(("data/attachments/", "data/forwarded"))
                else zipfile.ZIP_DEFLATED
            )
            archive.writestr(f"{top}/{name}", data, compress_type=method)
    return path


def read_entries(path: Path) -> list[Entry]:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def write_entries(path: Path, entries: Iterable[Entry]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def rename_entry(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(name, info.date_time)
    copy.compress_type = info.compress_type
    copy.external_attr = info.external_attr
    return copy


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def verify_refused(path: Path, code: str, **kwargs: Any) -> Any:
    """Verify ``path``; assert ``code`` is reported and nothing in its folder was written."""
    from smartcity_desktop.bundles.reader import verify_bundle

    before = folder_snapshot(path.parent)
    result = verify_bundle(path, **kwargs)
    assert code in result.codes, result.problems
    assert not result.ok
    assert folder_snapshot(path.parent) == before
    return result
