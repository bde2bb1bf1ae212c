"""Names, constants and the signed header of bundle format version 1 (see docs/bundle-format.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from smartcity_desktop.crypto.keys import PublicKey
from smartcity_desktop.crypto.offices import code_matches_role
from smartcity_desktop.crypto.signed_documents import b64decode, b64encode
from smartcity_desktop.crypto.timestamps import format_utc, parse_utc

FORMAT_VERSION: Final = 1
HEADER_FORMAT: Final = "smartcity-bundle"
SIGNATURE_FORMAT: Final = "smartcity-bundle-signature"
SIGNATURE_CONTEXT: Final = b"SmartCity-Bundle-v1\n"
BUNDLE_SUFFIX: Final = ".scb"

BAGIT_TXT: Final = "bagit.txt"
BAG_INFO_TXT: Final = "bag-info.txt"
MANIFEST: Final = "manifest-sha256.txt"
TAGMANIFEST: Final = "tagmanifest-sha256.txt"
HEADER: Final = "bundle-header.json"
SIGNATURE: Final = "signature.json"
TAG_FILES: Final = (BAGIT_TXT, BAG_INFO_TXT, MANIFEST, TAGMANIFEST, HEADER, SIGNATURE)
SIGNED_TAG_FILES: Final = (BAGIT_TXT, BAG_INFO_TXT, HEADER, MANIFEST)
BAGIT_DECLARATION: Final = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

RECORDS_DIR: Final = "data/records/"
ATTACHMENTS_DIR: Final = "data/attachments/"
FORWARDED_DIR: Final = "data/forwarded/"
RECORD_SUFFIX: Final = ".jsonl"

# Field conventions the verifier relies on; documented in docs/bundle-format.md.
RECORD_OFFICE_FIELD: Final = "office_code"
ATTACHMENT_KIND: Final = "attachment"
ATTACHMENT_HASH_FIELD: Final = "sha256"

KIND_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
SHA256_PATTERN: Final = re.compile(r"[0-9a-f]{64}")
RECORD_PATH: Final = re.compile(r"data/records/([a-z][a-z0-9_]{0,31})\.jsonl")
ATTACHMENT_PATH: Final = re.compile(r"data/attachments/([0-9a-f]{64})")
FORWARDED_PATH: Final = re.compile(r"data/forwarded/([0-9a-f]{64})\.scb")
# The only folders a bundle may carry a directory entry for ("" is the top folder itself).
LAYOUT_DIRECTORIES: Final = frozenset(
    {"", "data", RECORDS_DIR[:-1], ATTACHMENTS_DIR[:-1], FORWARDED_DIR[:-1]}
)


def record_path(kind: str) -> str:
    if not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"record kind must match {KIND_PATTERN.pattern}: {kind!r}")
    return f"{RECORDS_DIR}{kind}{RECORD_SUFFIX}"


def attachment_path(sha256: str) -> str:
    return f"{ATTACHMENTS_DIR}{sha256}"


def forwarded_path(sha256: str) -> str:
    return f"{FORWARDED_DIR}{sha256}{BUNDLE_SUFFIX}"


def bag_folder_name(office_code: str, sequence: int) -> str:
    return f"scb-{office_code}-{sequence:06d}"


def signed_message(tagmanifest: bytes) -> bytes:
    return SIGNATURE_CONTEXT + tagmanifest


@dataclass(frozen=True)
class BundleHeader:
    sender_office: str
    sender_role: str
    sender_public_key: PublicKey
    sender_certificate: dict[str, Any] | None
    sequence: int
    created: datetime
    app_version: str
    schema_version: int
    record_counts: Mapping[str, int]
    attachment_count: int
    forwarded: tuple[str, ...] = ()
    format_version: int = FORMAT_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sender_key_id(self) -> str:
        return self.sender_public_key.key_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": HEADER_FORMAT,
            "format_version": self.format_version,
            "sender": {
                "office_code": self.sender_office,
                "role": self.sender_role,
                "key_id": self.sender_key_id,
                "public_key": b64encode(self.sender_public_key.raw),
                "certificate": self.sender_certificate,
            },
            "sequence": self.sequence,
            "created": format_utc(self.created),
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "record_counts": dict(sorted(self.record_counts.items())),
            "attachment_count": self.attachment_count,
            "forwarded": sorted(self.forwarded),
            **({"extra": dict(self.extra)} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, doc: Any) -> BundleHeader:
        """Parse a header; ValueError with a short technical reason when malformed.

        ``format_version`` is read first so that a newer format can be reported as such.
        """
        if not isinstance(doc, dict) or doc.get("format") != HEADER_FORMAT:
            raise ValueError("not a SmartCity bundle header")
        version = doc.get("format_version")
        if version != FORMAT_VERSION:
            raise UnsupportedFormat(str(version))
        sender = doc.get("sender")
        if not isinstance(sender, dict):
            raise ValueError("sender missing")
        certificate = sender.get("certificate")
        if certificate is not None and not isinstance(certificate, dict):
            raise ValueError("certificate must be an object or null")
        raw_key = b64decode(sender.get("public_key"))
        if len(raw_key) != 32:
            raise ValueError("public key must be 32 bytes")
        key = PublicKey(raw_key)
        counts = doc.get("record_counts")
        if not isinstance(counts, dict) or not all(
            isinstance(k, str) and KIND_PATTERN.fullmatch(k) and _is_count(v)
            for k, v in counts.items()
        ):
            raise ValueError("record_counts malformed")
        forwarded = doc.get("forwarded")
        if (
            not isinstance(forwarded, list)
            or not all(isinstance(h, str) and SHA256_PATTERN.fullmatch(h) for h in forwarded)
            or len(set(forwarded)) != len(forwarded)
        ):
            raise ValueError("forwarded malformed")
        extra = doc.get("extra", {})
        if not isinstance(extra, dict):
            raise ValueError("extra malformed")
        header = cls(
            sender_office=_text(sender, "office_code"),
            sender_role=_text(sender, "role"),
            sender_public_key=key,
            sender_certificate=certificate,
            sequence=_count(doc, "sequence"),
            created=parse_utc(_text(doc, "created")),
            app_version=_text(doc, "app_version"),
            schema_version=_count(doc, "schema_version"),
            record_counts=counts,
            attachment_count=_count(doc, "attachment_count"),
            forwarded=tuple(forwarded),
            extra=extra,
        )
        if sender.get("key_id") != header.sender_key_id:
            raise ValueError("key_id does not match public_key")
        if header.sequence < 1:
            raise ValueError("sequence must start at 1")
        if header.to_dict() != doc:
            raise ValueError("unexpected or misplaced fields")
        return header

    def office_is_consistent(self) -> bool:
        return code_matches_role(self.sender_office, self.sender_role)


class UnsupportedFormat(ValueError):
    pass


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _count(doc: dict[str, Any], name: str) -> int:
    value = doc.get(name)
    if not _is_count(value):
        raise ValueError(f"{name} must be a non-negative integer")
    assert isinstance(value, int)
    return value


def _text(doc: dict[str, Any], name: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be non-empty text")
    return value
