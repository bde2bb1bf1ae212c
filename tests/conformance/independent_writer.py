"""A bundle writer made from docs/bundle-format.md alone, as another team would make one.

It imports only the Python standard library and ``cryptography`` (for Ed25519), never the
application: ``tests/conformance/test_independent_writer.py`` checks that, and that the application
imports what this writes. The conformance vectors are made with it too (``generate.py``), with hooks
that put exactly one fault into an otherwise valid bundle. Section numbers refer to the document.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"  # section 2.2
BUNDLE_CONTEXT = b"SmartCity-Bundle-v1\n"  # section 4
ROOT_CONTEXT = b"SmartCity-RootKey-v1\n"  # section 5
CERTIFICATE_CONTEXT = b"SmartCity-Certificate-v1\n"
REQUEST_CONTEXT = b"SmartCity-CertRequest-v1\n"
REVOCATION_CONTEXT = b"SmartCity-Revocations-v1\n"
SIGNED_TAG_FILES = ("bag-info.txt", "bagit.txt", "bundle-header.json", "manifest-sha256.txt")


def canonical_json(value: Any) -> bytes:
    """Section 3.3: sorted keys, no spaces, UTF-8 as is, no NaN/Infinity."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public: bytes) -> str:
    """Section 5.1."""
    return hashlib.sha256(b"smartcity-key-id\x00" + public).hexdigest()[:16]


def fingerprint(public: bytes) -> str:
    """Section 5.1: 160 bits of SHA-256, base32, 8 groups of 4 joined by '-'."""
    text = base64.b32encode(hashlib.sha256(public).digest()[:20]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def signed_document(context: bytes, body: dict[str, Any], signer: Ed25519PrivateKey) -> dict:
    """Section 5.2: the envelope; the message is the context line + canonical body."""
    signature = signer.sign(context + canonical_json(body))
    return {
        "body": body,
        "signature": {"key_id": key_id(public_raw(signer)), "value": b64(signature)},
    }


def root_key_document(root: Ed25519PrivateKey, regency: str, created: str) -> dict:
    public = public_raw(root)
    body = {
        "format": "smartcity-root-key-v1",
        "role": "root",
        "regency_code": regency,
        "public_key": b64(public),
        "key_id": key_id(public),
        "fingerprint": fingerprint(public),
        "created": created,
    }
    return signed_document(ROOT_CONTEXT, body, root)


def certificate_document(
    root: Ed25519PrivateKey,
    office_key: Ed25519PrivateKey,
    *,
    office: str,
    role: str,
    operator: str,
    serial: str,
    valid_from: str,
    valid_until: str,
    regency: str,
) -> dict:
    public = public_raw(office_key)
    body = {
        "format": "smartcity-certificate-v1",
        "serial": serial,
        "office_code": office,
        "role": role,
        "operator": operator,
        "public_key": b64(public),
        "key_id": key_id(public),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "regency_code": regency,
        "issuer_key_id": key_id(public_raw(root)),
        "issued": valid_from,
    }
    return signed_document(CERTIFICATE_CONTEXT, body, root)


def revocation_list_document(
    root: Ed25519PrivateKey,
    *,
    regency: str,
    version: int,
    issued: str,
    entries: list[dict[str, Any]],
) -> dict:
    """Section 5.6: ``entries`` hold office_code, key_id, revoked_after_sequence, revoked_at and
    reason. A feedback bundle carries the whole document in its header's ``extra`` (section 6)."""
    body = {
        "format": "smartcity-revocation-list-v1",
        "regency_code": regency,
        "version": version,
        "issued": issued,
        "issuer_key_id": key_id(public_raw(root)),
        "entries": entries,
    }
    return signed_document(REVOCATION_CONTEXT, body, root)


def content_hash(kind: str, row: Mapping[str, Any]) -> str:
    """Section 3.4."""
    subject = {
        "kind": kind,
        "id": row["id"],
        "office_code": row["office_code"],
        "revision": row["revision"],
        "status": row["status"],
        "deleted": row["deleted"],
        "values": row["values"],
    }
    return hashlib.sha256(canonical_json(subject)).hexdigest()


def make_row(
    kind: str,
    *,
    record_id: str,
    office: str,
    values: dict[str, Any],
    revision: int = 1,
    deleted: bool = False,
    author: str = "Operator",
    created_at: str = "2026-05-01T08:00:00.000000Z",
    updated_at: str = "2026-05-01T08:00:00.000000Z",
) -> dict[str, Any]:
    """Section 3.2: the row envelope, with its content hash."""
    row: dict[str, Any] = {
        "id": record_id,
        "office_code": office,
        "revision": revision,
        "status": "final",
        "deleted": deleted,
        "values": values,
        "author": author,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    if kind == "attachment" and not deleted:
        row["sha256"] = values["sha256"]
    row["content_hash"] = content_hash(kind, row)
    return row


Tags = dict[str, bytes]
Payload = dict[str, bytes]


@dataclass
class Bag:
    """One bundle: sections 1 to 4 of the document, in the order a writer works."""

    office: str
    role: str
    key: Ed25519PrivateKey
    certificate: dict[str, Any] | None
    sequence: int
    created: str  # YYYY-MM-DDTHH:MM:SSZ
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attachments: list[bytes] = field(default_factory=list)
    forwarded: list[bytes] = field(default_factory=list)
    schema_version: int = 1
    app_version: str = "independent-writer 1.0"
    deflate: bool = False  # records and tag files; attachments and forwarded are always stored
    directories: list[str] = field(default_factory=list)  # directory entries to add ("" = top)
    edit_payload: Callable[[Payload], None] | None = None  # before the manifest is made
    edit_header: Callable[[dict[str, Any]], None] | None = None
    edit_tags: Callable[[Tags], None] | None = None  # before the tag manifest is made
    edit_members: Callable[[dict[str, bytes]], None] | None = None  # after signing
    signature_context: bytes = BUNDLE_CONTEXT
    extra: dict[str, Any] | None = None  # the header's optional ``extra`` (section 4.1)

    @property
    def top(self) -> str:
        return f"scb-{self.office}-{self.sequence:06d}"

    def payload(self) -> Payload:
        payload: Payload = {}
        for kind, rows in self.records.items():
            payload[f"data/records/{kind}.jsonl"] = b"".join(
                canonical_json(r) + b"\n" for r in rows
            )
        for data in self.attachments:
            payload[f"data/attachments/{hashlib.sha256(data).hexdigest()}"] = data
        for data in self.forwarded:
            payload[f"data/forwarded/{hashlib.sha256(data).hexdigest()}.scb"] = data
        if self.edit_payload:
            self.edit_payload(payload)
        return payload

    def header(self, payload: Payload) -> dict[str, Any]:
        public = public_raw(self.key)
        counts = {
            name[len("data/records/") : -len(".jsonl")]: data.count(b"\n")
            for name, data in payload.items()
            if name.startswith("data/records/")
        }
        header = {
            "format": "smartcity-bundle",
            "format_version": 1,
            "sender": {
                "office_code": self.office,
                "role": self.role,
                "public_key": b64(public),
                "key_id": key_id(public),
                "certificate": self.certificate,
            },
            "sequence": self.sequence,
            "created": self.created,
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "record_counts": counts,
            "attachment_count": sum(1 for n in payload if n.startswith("data/attachments/")),
            "forwarded": sorted(
                n[len("data/forwarded/") : -len(".scb")]
                for n in payload
                if n.startswith("data/forwarded/")
            ),
        }
        if self.extra:
            header["extra"] = self.extra
        if self.edit_header:
            self.edit_header(header)
        return header

    def members(self) -> dict[str, bytes]:
        payload = self.payload()
        manifest = "".join(
            f"{hashlib.sha256(data).hexdigest()}  {name}\n"
            for name, data in sorted(payload.items())
        )
        oxum = f"{sum(len(d) for d in payload.values())}.{len(payload)}"
        bag_info = (
            f"Source-Organization: {self.office} ({self.role})\n"
            f"Bagging-Date: {self.created[:10]}\n"
            f"External-Identifier: {self.office}/{self.sequence}\n"
            f"Bag-Software-Agent: {self.app_version}\n"
            f"Payload-Oxum: {oxum}\n"
        )
        tags: Tags = {
            "bagit.txt": BAGIT_TXT,
            "bag-info.txt": bag_info.encode("utf-8"),
            "bundle-header.json": json.dumps(
                self.header(payload), indent=1, ensure_ascii=False
            ).encode("utf-8")
            + b"\n",
            "manifest-sha256.txt": manifest.encode("utf-8"),
        }
        if self.edit_tags:
            self.edit_tags(tags)
        tagmanifest = "".join(
            f"{hashlib.sha256(tags[name]).hexdigest()}  {name}\n"
            for name in sorted(SIGNED_TAG_FILES)
            if name in tags
        ).encode("utf-8")
        signature = {
            "format": "smartcity-bundle-signature",
            "format_version": 1,
            "algorithm": "ed25519",
            "key_id": key_id(public_raw(self.key)),
            "signature": b64(self.key.sign(self.signature_context + tagmanifest)),
        }
        members = {
            **tags,
            "tagmanifest-sha256.txt": tagmanifest,
            "signature.json": canonical_json(signature) + b"\n",
            **payload,
        }
        if self.edit_members:
            self.edit_members(members)
        return members

    def to_bytes(self) -> bytes:
        import io

        buffer = io.BytesIO()
        year, month, day = (int(p) for p in self.created[:10].split("-"))
        hour, minute, second = (int(p) for p in self.created[11:19].split(":"))
        stamp = (year, month, day, hour, minute, second)
        with zipfile.ZipFile(buffer, "w") as archive:
            for folder in self.directories:
                info = zipfile.ZipInfo(f"{self.top}/{folder}/".replace("//", "/"), stamp)
                info.create_system = 3
                info.external_attr = (0o040755 << 16) | 0x10
                archive.writestr(info, b"")
            for name, data in self.members().items():
                info = zipfile.ZipInfo(f"{self.top}/{name}", stamp)
                info.create_system = 3  # the same bytes on every platform
                info.external_attr = 0o100644 << 16
                stored = name.startswith(("data/attachments/", "data/forwarded/"))
                info.compress_type = (
                    zipfile.ZIP_DEFLATED if self.deflate and not stored else zipfile.ZIP_STORED
                )
                archive.writestr(info, data)
        return buffer.getvalue()

    def write(self, path: Path) -> Path:
        path.write_bytes(self.to_bytes())
        return path
