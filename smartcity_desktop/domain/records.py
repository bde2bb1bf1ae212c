"""Record identity, revision and content-hash rules shared by storage, bundles and reports."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.i18n import N_, _

# What importing a revision did, compared with the stored one (decided by services.exchange).
IMPORT_ACTIONS = ("new", "updated", "unchanged", "older", "conflict")
IMPORT_ACTION_LABELS = {
    "new": N_("baru"),
    "updated": N_("diperbarui"),
    "unchanged": N_("sama"),
    "older": N_("lebih lama"),
    "conflict": N_("konflik"),
}


def import_action_label(action: str) -> str:
    return _(IMPORT_ACTION_LABELS[action]) if action in IMPORT_ACTION_LABELS else action


class Status(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


def new_record_id() -> str:
    return str(uuid.uuid4())


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(
    kind: str,
    record_id: str,
    office_code: str,
    revision: int,
    status: str,
    deleted: bool,
    values: dict[str, Any],
) -> str:
    """SHA-256 over what a record says; the same revision with another hash is a conflict."""
    doc = {
        "kind": kind,
        "id": record_id,
        "office_code": office_code,
        "revision": revision,
        "status": status,
        "deleted": deleted,
        "values": values,
    }
    return hashlib.sha256(canonical_json(doc)).hexdigest()


@dataclass
class Record:
    """A record as services hand it to the GUI, CLI, reports and bundles."""

    kind: RecordKind
    id: str
    office_code: str
    revision: int
    status: Status
    deleted: bool
    content_hash: str
    created_at: datetime
    updated_at: datetime
    author: str
    values: dict[str, Any] = field(default_factory=dict)
    sent_revision: int | None = None

    @property
    def title(self) -> str:
        return str(self.values.get("title") or "")

    @property
    def is_final(self) -> bool:
        return self.status is Status.FINAL
