"""The rows of a verified bundle: read and checked like user input, planned against what is stored,
then written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.reader import VerificationResult, VerifiedBundle
from smartcity_desktop.crypto.offices import is_within
from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import canonical_json
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_records import (
    ATTACHMENT_KIND,
    RECORD_KINDS,
    IncomingRow,
    RowError,
    check_row,
)
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.common import CHUNK as _CHUNK
from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
from smartcity_desktop.services.exchange.common import Refused as _Refused
from smartcity_desktop.services.import_report import BundleReport, RecordOutcome
from smartcity_desktop.services.records import LINK_FIELDS
from smartcity_desktop.storage.models import ProposalLink, RecordConflict, bulk_insert_raw, table_of
from smartcity_desktop.storage.search_index import insert_indexed

# Rows are checked in memory before anything is written; a bundle claiming more is refused
# before any is read (the header's counts are verified against the files).
MAX_ROWS_PER_BUNDLE = 200_000


def read_rows(verified: VerifiedBundle) -> list[IncomingRow]:
    claimed = sum(verified.header.record_counts.values())
    if claimed > MAX_ROWS_PER_BUNDLE:
        raise _Refused(
            "record.too_many",
            _(
                "Paket berisi {n} baris data, lebih dari batas {limit} per paket. Minta kantor "
                "pengirim membuat beberapa paket yang lebih kecil."
            ).format(n=claimed, limit=MAX_ROWS_PER_BUNDLE),
        )
    unknown = set(verified.kinds) - set(EXCHANGED_KINDS)
    if unknown:
        raise _Refused(
            "record.unknown_kind",
            _(
                "Paket berisi jenis data yang tidak dikenal ({kinds}). Perbarui aplikasi SmartCity."
            ).format(kinds=", ".join(sorted(unknown))),
        )
    rows = []
    seen: set[str] = set()
    for kind in EXCHANGED_KINDS:
        if kind not in verified.kinds:
            continue
        for number, raw in enumerate(verified.iter_records(kind), start=1):
            try:
                row = check_row(kind, raw)
            except (RowError, ValueError, TypeError, KeyError) as exc:
                raise _Refused(
                    "record.invalid",
                    _(
                        "Data {kind} nomor {n} dalam paket tidak sah ({detail}). Paket ditolak; "
                        "minta kantor pengirim memeriksa datanya."
                    ).format(kind=kind, n=number, detail=str(exc)[:200]),
                ) from exc
            if row.id in seen:
                raise _Refused(
                    "record.duplicate_id",
                    _("Paket memuat data dengan id yang sama dua kali ({id}).").format(id=row.id),
                )
            seen.add(row.id)
            rows.append(row)
    return rows


def plan(session: Session, rows: list[IncomingRow], report: BundleReport) -> None:
    _check_references(session, rows)
    by_kind: dict[str, list[IncomingRow]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    for kind, items in by_kind.items():
        model = MODELS[kind]
        existing: dict[str, tuple[str, int, str]] = {}
        ids = [r.id for r in items]
        for start in range(0, len(ids), _CHUNK):
            for rid, office, rev, chash in session.execute(
                select(model.id, model.office_code, model.revision, model.content_hash).where(
                    model.id.in_(ids[start : start + _CHUNK])
                )
            ):
                existing[rid] = (office, rev, chash)
        for row in items:
            action = _action(row, existing.get(row.id))
            title = str(row.values.get("title") or row.values.get("filename") or "")
            report.outcomes.append(RecordOutcome(kind, row.id, row.revision, action, title))


def _owners(session: Session, kind: str, ids: Iterable[str]) -> dict[str, str]:
    """The office owning each of ``ids`` that exists here in the table of ``kind``."""
    model = MODELS[kind]
    wanted = sorted(set(ids))
    owners: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        for rid, office in session.execute(
            select(model.id, model.office_code).where(model.id.in_(wanted[start : start + _CHUNK]))
        ):
            owners[rid] = office
    return owners


def _check_references(session: Session, rows: list[IncomingRow]) -> None:
    """A bundle speaks only for its sender: its attachment rows must not hang files on another
    office's record, and its proposals may link only records the sender can have known (its own,
    those of offices below it, and those of the offices above it). Targets not known here yet (a
    bundle arriving out of order) are allowed."""
    in_bundle = {(row.kind, row.id): row.office_code for row in rows}
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.kind == ATTACHMENT_KIND:
            wanted.setdefault(row.values["record_kind"], set()).add(row.values["record_id"])
        elif row.kind == "proposal":
            for field_name, target_kind in LINK_FIELDS.items():
                wanted.setdefault(target_kind, set()).update(row.values[field_name])
    owners = {kind: _owners(session, kind, ids) for kind, ids in wanted.items()}
    # The search index is keyed by record id alone: a row reusing the id of a record of another
    # kind would stay out of search, and its next revision would take that record out instead.
    for kind in RECORD_KINDS:
        ids = [row.id for row in rows if row.kind == kind]
        for other in RECORD_KINDS:
            if other != kind and ids and (taken := _owners(session, other, ids)):
                raise _Refused(
                    "record.id_collision",
                    _(
                        "Data {kind} {id} dalam paket memakai id yang sudah dipakai data {other} "
                        "di kantor ini. Paket ditolak; minta kantor pengirim memeriksa datanya."
                    ).format(kind=kind, id=min(taken), other=other),
                )

    def owner_of(kind: str, target: str) -> str | None:
        return in_bundle.get((kind, target)) or owners[kind].get(target)

    for row in rows:
        if row.kind == ATTACHMENT_KIND:
            owner = owner_of(row.values["record_kind"], row.values["record_id"])
            if owner is not None and owner != row.office_code:
                raise _foreign_reference(row, owner)
        elif row.kind == "proposal":
            for field_name, target_kind in LINK_FIELDS.items():
                for target in row.values[field_name]:
                    owner = owner_of(target_kind, target)
                    if owner is not None and not (
                        is_within(owner, row.office_code) or is_within(row.office_code, owner)
                    ):
                        raise _foreign_reference(row, owner)


def _foreign_reference(row: IncomingRow, owner: str) -> _Refused:
    return _Refused(
        "record.foreign_reference",
        _(
            "Data {kind} {id} dalam paket merujuk ke data milik kantor lain ({office}). Paket "
            "ditolak: sebuah kantor tidak boleh menambahkan lampiran atau tautan pada data kantor "
            "lain."
        ).format(kind=row.kind, id=row.id, office=owner),
    )


def _action(row: IncomingRow, existing: tuple[str, int, str] | None) -> str:
    if existing is None:
        return "new"
    office, revision, chash = existing
    if office != row.office_code:
        return "conflict"
    if row.revision > revision:
        return "updated"
    if row.revision < revision:
        return "older"
    return "unchanged" if chash == row.content_hash else "conflict"


@cache
def _value_columns(kind: str) -> tuple[tuple[str, bool], ...]:
    """A record kind's stored value columns, and whether each holds a joined list of codes."""
    return tuple(
        (spec.name, spec.type is FieldType.MULTICHOICE)
        for spec in FIELDS[RecordKind(kind)]
        if spec.type is not FieldType.LINKS
    )


def _columns(row: IncomingRow, trust: str, bundle: str) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "id": row.id,
        "office_code": row.office_code,
        "revision": row.revision,
        "status": "final",
        "deleted": row.deleted,
        "content_hash": row.content_hash,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "author": row.author,
        "sent_revision": None,
        "trust_level": trust,
        "source_bundle": bundle,
    }
    if row.kind == ATTACHMENT_KIND:
        cols.update(row.values)
        return cols
    values = row.values
    for name, joined in _value_columns(row.kind):
        cols[name] = ",".join(values[name]) if joined else values[name]
    return cols


def write(
    ctx: AppContext,
    session: Session,
    rows: list[IncomingRow],
    report: BundleReport,
    verified: VerifiedBundle,
    result: VerificationResult,
    progress: Progress | None,
    new_blobs: list[str],
) -> None:
    """Write the planned rows; every blob written is added to ``new_blobs`` at once, so the
    caller can remove them again if anything later fails."""
    progress = progress or NoProgress()
    trust = report.trust_level or ""
    bundle = result.content_hash or ""
    actions = {(o.kind, o.id): o.action for o in report.outcomes}
    inserts: dict[str, list[dict[str, Any]]] = {}
    updates: dict[str, list[dict[str, Any]]] = {}
    links: list[dict[str, Any]] = []
    relinked: list[str] = []
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            if progress.cancelled():
                raise Cancelled()
            progress.report(done, total, "")
        action = actions[(row.kind, row.id)]
        if action == "conflict":
            session.add(
                RecordConflict(
                    kind=row.kind,
                    record_id=row.id,
                    office_code=row.office_code,
                    revision=row.revision,
                    existing_hash=_existing_hash(session, row),
                    incoming_hash=row.content_hash,
                    incoming=canonical_json(row.raw).decode(),
                    bundle_hash=bundle,
                    detected_at=ctx.clock(),
                    resolved=False,
                )
            )
            continue
        if action not in ("new", "updated"):
            continue
        cols = _columns(row, trust, bundle)
        (inserts if action == "new" else updates).setdefault(row.kind, []).append(cols)
        if row.kind == "proposal":
            if action == "updated":  # a new proposal has no links to replace
                relinked.append(row.id)
            for field_name, target_kind in LINK_FIELDS.items():
                links.extend(
                    {"proposal_id": row.id, "target_kind": target_kind, "target_id": target}
                    for target in row.values[field_name]
                )
        if row.kind == ATTACHMENT_KIND and not row.deleted:
            sha = row.values["sha256"]
            if not ctx.blobs.claim(sha):  # claim: see services/cleanup.py
                with verified.open_attachment(sha) as stream:
                    _sha, written = ctx.blobs.put_stream(stream, expected_sha256=sha, sync=False)
                if written:
                    new_blobs.append(sha)
    if trust == "certified":  # the same content, now proven by a certificate
        confirmed: dict[str, list[str]] = {}
        for (kind, rid), action in actions.items():
            if action == "unchanged":
                confirmed.setdefault(kind, []).append(rid)
        for kind, ids in confirmed.items():
            model = MODELS[kind]
            for start in range(0, len(ids), _CHUNK):
                session.execute(
                    update(model)
                    .where(
                        model.id.in_(ids[start : start + _CHUNK]),
                        model.trust_level == "locally_trusted",
                    )
                    .values(trust_level="certified")
                    .execution_options(synchronize_session=False)
                )
    connection = session.connection()
    for kind in EXCHANGED_KINDS:
        table = table_of(MODELS[kind])
        # Core statements with the same keys in every row run as one executemany; the ORM's
        # bulk insert splits rows by which values are None (about two rows per statement).
        if inserts.get(kind):
            insert_indexed(connection, table, inserts[kind])
        if updates.get(kind):
            columns = [c for c in updates[kind][0] if c != "id"]
            connection.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({c: bindparam(f"b_{c}") for c in columns}),
                [{f"b_{k}": v for k, v in row.items()} for row in updates[kind]],
            )
    for start in range(0, len(relinked), _CHUNK):
        session.execute(
            delete(ProposalLink).where(
                ProposalLink.proposal_id.in_(relinked[start : start + _CHUNK])
            )
        )
    bulk_insert_raw(connection, table_of(ProposalLink), links)
    ctx.blobs.sync(new_blobs)  # photos on disk before the rows that point at them commit
    progress.report(total, total, "")


def _existing_hash(session: Session, row: IncomingRow) -> str:
    model = MODELS[row.kind]
    return session.scalar(select(model.content_hash).where(model.id == row.id)) or ""
