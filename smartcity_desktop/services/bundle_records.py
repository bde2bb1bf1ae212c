"""How rows travel inside bundles: serialising this office's rows and checking incoming ones.

A bundle row is ``{"id", "office_code", "revision", "status", "deleted", "content_hash",
"created_at", "updated_at", "author", "values": {...}}``; attachment rows that are not deleted also
carry ``"sha256"`` at the top level, which ties them to the file in the bundle. Incoming rows are
checked as strictly as a user's input: the domain validation applies, and the content hash is
recomputed, so a row cannot say one thing and hash another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from smartcity_desktop.domain.fields import RecordKind, field_names
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.domain.review import (
    REVIEW_FIELD_NAMES,
    normalise_review,
    validate_review,
)
from smartcity_desktop.domain.review import (
    REVIEW_KIND as REVIEW_KIND,  # reviews travel as rows of their own kind
)
from smartcity_desktop.domain.validation import is_canonical, non_canonical_fields, validate
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.filetypes import safe_display_name
from smartcity_desktop.storage.media import MAX_INPUT_BYTES

# The record schema carried in bundles; a bundle with a newer one is refused.
SCHEMA_VERSION = 1
MAX_REVISION = 1_000_000
MAX_AUTHOR_LENGTH = 200
# Row times as the writer makes them (format_time); the seconds fraction is optional.
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
RECORD_KINDS = ("problem", "potential", "proposal")
ATTACHMENT_KIND = "attachment"
# Reviews (REVIEW_KIND, domain/review.py) travel as rows of their own kind; their file is written
# only when a bundle carries reviews, so a village's bundle stays readable by older readers.
ROW_KEYS = frozenset(
    {
        "id",
        "office_code",
        "revision",
        "status",
        "deleted",
        "content_hash",
        "created_at",
        "updated_at",
        "author",
        "values",
    }
)
ATTACHMENT_VALUE_KEYS = (
    "record_kind",
    "record_id",
    "sha256",
    "filename",
    "media_type",
    "size",
    "width",
    "height",
    "caption",
)
MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA = re.compile(r"[0-9a-f]{64}")


def format_time(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: object) -> datetime:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise ValueError("time")
    moment = datetime.fromisoformat(text[:-1])
    if moment.tzinfo is not None:
        raise ValueError("time")
    return moment


def bundle_row(meta: Any, values: dict[str, Any], *, sha256: str | None = None) -> dict[str, Any]:
    """``meta`` is an ORM row (or anything with the owned-row columns)."""
    row: dict[str, Any] = {
        "id": meta.id,
        "office_code": meta.office_code,
        "revision": meta.revision,
        "status": meta.status,
        "deleted": bool(meta.deleted),
        "content_hash": meta.content_hash,
        "created_at": format_time(meta.created_at),
        "updated_at": format_time(meta.updated_at),
        "author": meta.author,
        "values": values,
    }
    if sha256 is not None:
        row["sha256"] = sha256
    return row


@dataclass(frozen=True)
class IncomingRow:
    kind: str
    id: str
    office_code: str
    revision: int
    deleted: bool
    content_hash: str
    created_at: datetime
    updated_at: datetime
    author: str
    values: dict[str, Any]
    raw: dict[str, Any]


class RowError(ValueError):
    """An incoming row that is not acceptable; the message names the field (mostly English, for
    logs; the field-name messages a writer of another program needs are translated)."""


def _field_list(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)[:5])


def _check_value_keys(values: dict[str, Any], declared: tuple[str, ...]) -> None:
    """Name unknown and missing fields of ``values`` rather than calling the values malformed."""
    unknown = set(values) - set(declared)
    if unknown:
        raise RowError(
            _("kolom tidak dikenal dalam values: {names}").format(names=_field_list(unknown))
        )
    missing = set(declared) - set(values)
    if missing:
        raise RowError(
            _("kolom tidak ada dalam values: {names} (isi null bila kosong)").format(
                names=_field_list(missing)
            )
        )


def check_row(kind: str, raw: dict[str, Any]) -> IncomingRow:
    keys = set(raw)
    allowed = ROW_KEYS | ({"sha256"} if kind == ATTACHMENT_KIND else set())
    if not keys <= allowed:
        raise RowError(_("kolom tidak dikenal: {names}").format(names=_field_list(keys - allowed)))
    if not keys >= ROW_KEYS:
        raise RowError(_("kolom tidak ada: {names}").format(names=_field_list(ROW_KEYS - keys)))
    record_id, office, revision = raw["id"], raw["office_code"], raw["revision"]
    if not isinstance(record_id, str) or not _UUID.fullmatch(record_id):
        raise RowError("id")
    if not isinstance(office, str) or not isinstance(revision, int) or isinstance(revision, bool):
        raise RowError("office_code/revision")
    if revision < 1 or revision > MAX_REVISION or raw["status"] != "final":
        raise RowError("revision/status: only finalised rows travel")
    if not isinstance(raw["deleted"], bool) or not isinstance(raw["values"], dict):
        raise RowError("deleted/values")
    author = raw["author"]
    if not isinstance(author, str) or len(author) > MAX_AUTHOR_LENGTH:
        raise RowError("author")
    try:
        created, updated = parse_time(raw["created_at"]), parse_time(raw["updated_at"])
    except ValueError as exc:
        raise RowError("created_at/updated_at") from exc
    if kind == ATTACHMENT_KIND:
        values = _check_attachment_values(raw["values"])
        if not raw["deleted"] and raw.get("sha256") != values["sha256"]:
            raise RowError("sha256")
    elif kind == REVIEW_KIND:
        values = _check_review_values(raw["values"])
    else:
        record_kind = RecordKind(kind)
        values = raw["values"]
        if not is_canonical(record_kind, values):
            _check_value_keys(values, field_names(record_kind))
            raise RowError(
                _(
                    "nilai kolom {names} tidak dalam bentuk baku (lihat docs/bundle-format.md)"
                ).format(names=_field_list(set(non_canonical_fields(record_kind, values))))
            )
        problems = validate(record_kind, values, final=True)
        if problems:
            raise RowError("; ".join(f"{p.field}: {p.code}" for p in problems))
    expected = content_hash(kind, record_id, office, revision, "final", raw["deleted"], values)
    if raw["content_hash"] != expected:
        raise RowError("content_hash does not match the content")
    if kind == ATTACHMENT_KIND:  # the sender's name is only shown, and only made safe
        values["filename"] = safe_display_name(values["filename"], values["media_type"])
    return IncomingRow(
        kind,
        record_id,
        office,
        revision,
        raw["deleted"],
        expected,
        created,
        updated,
        author,
        values,
        raw,
    )


def _check_review_values(values: dict[str, Any]) -> dict[str, Any]:
    """A review row's values, checked like the reviewer's own input (domain/review.py)."""
    _check_value_keys(values, REVIEW_FIELD_NAMES)
    if normalise_review(values) != values or any(
        isinstance(v, (bool, float)) for v in values.values()
    ):
        raise RowError(_("nilai reviu tidak dalam bentuk baku (lihat docs/bundle-format.md)"))
    problems = validate_review(values)
    if problems:
        raise RowError("; ".join(f"{p.field}: {p.code}" for p in problems))
    return dict(values)


def _check_attachment_values(values: dict[str, Any]) -> dict[str, Any]:
    _check_value_keys(values, ATTACHMENT_VALUE_KEYS)
    if (
        values["record_kind"] not in RECORD_KINDS
        or not isinstance(values["record_id"], str)
        or not _UUID.fullmatch(values["record_id"])
    ):
        raise RowError("attachment record")
    if not isinstance(values["sha256"], str) or not _SHA.fullmatch(values["sha256"]):
        raise RowError("attachment sha256")
    name = values["filename"]
    if (
        not isinstance(name, str)
        or not name
        or len(name) > 255
        or any(c in name for c in "/\\\x00")
    ):
        raise RowError("attachment filename")
    if values["media_type"] not in MEDIA_TYPES:
        raise RowError("attachment media_type")
    size = values["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_INPUT_BYTES:
        raise RowError("attachment size")
    for dim in ("width", "height"):
        v = values[dim]
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 < v < 100_000):
            raise RowError(f"attachment {dim}")
    caption = values["caption"]
    if caption is not None and (not isinstance(caption, str) or len(caption) > 200):
        raise RowError("attachment caption")
    return dict(values)


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
