"""The chain desa -> kecamatan -> kabupaten on real offices, for the forwarding and feedback
tests."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from smartcity_desktop.bundles.writer import Sender, write_bundle
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.review import normalise_review, review_hash
from smartcity_desktop.services import trust
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint, unlock_key
from smartcity_desktop.services.review import Decision, review_records, verify_village
from tests.conftest import PASSPHRASE
from tests.services.review_helpers import ids

TABLES = (
    "problem",
    "potential",
    "proposal",
    "attachment",
    "review",
    "bundle_ledger",
    "record_conflict",
    "proposal_link",
)


def pin(receiver: AppContext, *senders: AppContext) -> None:
    for sender in senders:
        trust.pin_office(receiver, sender.office.code, office_fingerprint(sender))


def accept_everything(kec: AppContext, desa_code: str) -> None:
    for kind in RecordKind:
        record_ids = ids(kec, kind, desa_code)
        if record_ids:
            review_records(kec, record_ids, Decision("diterima"))
    verify_village(kec, desa_code, "diterima")


def database_state(ctx: AppContext) -> dict[str, list[tuple[Any, ...]]]:
    with ctx.db.session() as s:
        return {
            table: sorted(tuple(map(str, r)) for r in s.execute(text(f"SELECT * FROM {table}")))
            for table in TABLES
        }


def files_state(ctx: AppContext) -> list[str]:
    root = ctx.paths.root
    return sorted(
        str(p.relative_to(root))
        for folder in (ctx.paths.attachments, ctx.paths.received_bundles)
        if folder.exists()
        for p in folder.rglob("*")
    )


def review_row(
    office: str, target_kind: str, target_id: str, state: str = "diterima"
) -> dict[str, Any]:
    """A well-formed review row as another program might write it (the checks are the import's)."""
    values = normalise_review(
        {
            "target_kind": target_kind,
            "target_id": target_id,
            "target_revision": 1,
            "target_hash": "0" * 64,
            "state": state,
            "reason": None if state == "diterima" else "duplikat",
        }
    )
    review_id = str(uuid.uuid4())
    now = "2026-12-01T10:00:00.000000Z"
    return {
        "id": review_id,
        "office_code": office,
        "revision": 1,
        "status": "final",
        "deleted": False,
        "content_hash": review_hash(review_id, office, 1, False, values),
        "created_at": now,
        "updated_at": now,
        "author": "Operator Uji",
        "values": values,
    }


def signed_bundle(
    ctx: AppContext,
    out: Path,
    *,
    records: dict[str, list[dict[str, Any]]] | None = None,
    forwarded: list[Path] | None = None,
    sequence: int = 50,
) -> Path:
    """A bundle signed with ``ctx``'s own key, with whatever rows and nested files it is given."""
    office = ctx.office
    written = write_bundle(
        out,
        sender=Sender(office.code, office.role, unlock_key(ctx, PASSPHRASE), None),
        sequence=sequence,
        records=records or {},
        app_version="uji",
        schema_version=SCHEMA_VERSION,
        forwarded=forwarded or [],
    )
    return written.paths[0]
