"""The chain desa -> kecamatan -> kabupaten on real offices, for the forwarding and feedback
tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.review import Decision, review_records, verify_village
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
