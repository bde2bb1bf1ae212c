"""The rows of a verified bundle: read and checked like user input, planned against what is stored,
then written in the caller's transaction, one chunk at a time.

The importer runs, for each chunk of ``read_chunks``: ``plan`` (references, id collisions, what
importing does to each row, counted in the report), then ``write``. All chunks of a bundle go into
one transaction, so a refusal in any chunk leaves nothing behind. What a check needs from the
whole bundle (ids already used, the owner of a row a later row refers to) is kept in ``SeenRows``,
a few dozen bytes per row instead of the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from smartcity_desktop.bundles.reader import VerificationResult, VerifiedBundle
from smartcity_desktop.crypto.offices import is_office_code, is_within
from smartcity_desktop.domain.fields import FIELDS, LINK_FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import canonical_json
from smartcity_desktop.domain.review import RECORD_TARGETS, TargetKind, may_review
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_records import (
    ATTACHMENT_KIND,
    RECORD_KINDS,
    REVIEW_KIND,
    IncomingRow,
    RowError,
    check_row,
)
from smartcity_desktop.services.exchange.common import CHUNK as _CHUNK
from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS
from smartcity_desktop.services.exchange.common import Refused as _Refused
from smartcity_desktop.services.import_report import BundleReport, RecordOutcome
from smartcity_desktop.storage.stored_reads import Query, stored_rows

# Reading and planning need no database layer (``smartcity verify`` plans through a read-only
# sqlite3 connection); the writing side imports SQLAlchemy and the models inside ``write``.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from smartcity_desktop.services.context import AppContext

# The most rows one bundle may carry; a bundle claiming more is refused before any row is read
# (the header's counts are verified against the files).
MAX_ROWS_PER_BUNDLE = 200_000
# Rows checked, planned and written together. The import holds one chunk of rows at a time, so
# its memory does not grow with the bundle; the checks that span the whole bundle use SeenRows.
CHUNK_ROWS = 2_000
# Every row a bundle may refer to comes before the rows referring to it (records before their
# attachments; problems and potentials before the proposals linking them), so a reference to a
# row of the same bundle always finds that row among those already read.
assert all(
    EXCHANGED_KINDS.index(target) < EXCHANGED_KINDS.index("proposal")
    for target in LINK_FIELDS.values()
)
assert all(EXCHANGED_KINDS.index(k) < EXCHANGED_KINDS.index(ATTACHMENT_KIND) for k in RECORD_KINDS)


class Planned(NamedTuple):
    """One row and what importing it does: its action, and the stored row's content hash."""

    row: IncomingRow
    action: str
    existing_hash: str


class SeenRows:
    """Every row of the bundle read so far, reduced to what the whole-bundle checks need: its id,
    kind and office (one shared tuple per kind and office), not the row."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[str, str]] = {}
        self._pairs: dict[tuple[str, str], tuple[str, str]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, row: IncomingRow) -> bool:
        """False if the bundle already had a row with this id (of any kind)."""
        if row.id in self._by_id:
            return False
        pair = (row.kind, row.office_code)
        self._by_id[row.id] = self._pairs.setdefault(pair, pair)
        return True

    def owner(self, kind: str, record_id: str) -> str | None:
        """The office of the bundle's row ``record_id`` of ``kind``, if it has one."""
        pair = self._by_id.get(record_id)
        return pair[1] if pair is not None and pair[0] == kind else None


def read_chunks(verified: VerifiedBundle, seen: SeenRows) -> Iterator[list[IncomingRow]]:
    """The rows of ``verified`` checked like user input, in bundle order, at most CHUNK_ROWS of
    one kind at a time; each row is added to ``seen``. Raises Refused for a bundle claiming too
    many rows or unknown kinds (before reading any row), for an invalid row, and for an id used
    twice in the bundle."""
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
    return _chunks(verified, seen)


def _chunks(verified: VerifiedBundle, seen: SeenRows) -> Iterator[list[IncomingRow]]:
    for kind in EXCHANGED_KINDS:
        if kind not in verified.kinds:
            continue
        chunk: list[IncomingRow] = []
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
            if not seen.add(row):
                raise _Refused(
                    "record.duplicate_id",
                    _("Paket memuat data dengan id yang sama dua kali ({id}).").format(id=row.id),
                )
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def plan(
    db: Session | Query,
    rows: list[IncomingRow],
    seen: SeenRows,
    report: BundleReport,
    *,
    receiver: str = "",
    also_seen: Sequence[SeenRows] = (),
) -> list[Planned]:
    """Check one chunk of rows (all of one kind) against what is stored and against the rows of
    the bundle read so far, and count what importing them does in ``report``. ``db``: the
    import's session, or the query function of a read-only connection (``verify``). ``receiver``
    is the importing office's code (a desa takes only reviews of its own records); ``also_seen``,
    the rows of the bundles forwarded inside this one, which its reviews may name."""
    if not rows:
        return []
    if callable(db):
        query = db
    else:  # an import's session; verify passes a query and never loads SQLAlchemy
        from smartcity_desktop.services.raw_sql import qmark_query

        query = qmark_query(db)
    if rows[0].kind == REVIEW_KIND:
        _check_reviews(query, rows, [seen, *also_seen], report.sender_role or "", receiver)
    else:
        _check_references(query, rows, seen)
    kind = rows[0].kind
    existing = {
        rid: (office, rev, chash)
        for rid, office, rev, chash in stored_rows(
            query, kind, ("office_code", "revision", "content_hash"), [r.id for r in rows]
        )
    }
    planned = []
    for row in rows:
        stored = existing.get(row.id)
        action = _action(row, stored)
        planned.append(Planned(row, action, stored[2] if stored is not None else ""))
        if report.lists(action):
            title = str(row.values.get("title") or row.values.get("filename") or "")
            report.add_outcome(RecordOutcome(kind, row.id, row.revision, action, title))
        else:
            report.count_outcome(kind, action)
    return planned


def _owners(query: Query, kind: str, ids: Iterable[str]) -> dict[str, str]:
    """The office owning each of ``ids`` that exists here in the table of ``kind``."""
    return dict(stored_rows(query, kind, ("office_code",), ids))


def _check_references(query: Query, rows: list[IncomingRow], seen: SeenRows) -> None:
    """A bundle speaks only for its sender: its attachment rows must not hang files on another
    office's record, and its proposals may link only records the sender can have known (its own,
    those of offices below it, and those of the offices above it). Targets not known here yet (a
    bundle arriving out of order) are allowed. A target in the bundle itself is judged by the
    bundle's row."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for target_kind, target in _targets(row):
            if seen.owner(target_kind, target) is None:
                wanted.setdefault(target_kind, set()).add(target)
    owners = {kind: _owners(query, kind, ids) for kind, ids in wanted.items()}
    # The search index is keyed by record id alone: a row reusing the id of a record of another
    # kind would stay out of search, and its next revision would take that record out instead.
    # (Rows of this bundle already written are no match: an id is refused twice in one bundle.)
    kind = rows[0].kind
    if kind in RECORD_KINDS:
        ids = [row.id for row in rows]
        for other in RECORD_KINDS:
            if other != kind and (taken := _owners(query, other, ids)):
                raise _Refused(
                    "record.id_collision",
                    _(
                        "Data {kind} {id} dalam paket memakai id yang sudah dipakai data {other} "
                        "di kantor ini. Paket ditolak; minta kantor pengirim memeriksa datanya."
                    ).format(kind=kind, id=min(taken), other=other),
                )

    def owner_of(kind: str, target: str) -> str | None:
        owner = seen.owner(kind, target)
        return owner if owner is not None else owners[kind].get(target)

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


def _check_reviews(
    query: Query,
    rows: list[IncomingRow],
    seens: Sequence[SeenRows],
    sender_role: str,
    receiver: str,
) -> None:
    """Who may review whom (docs/bundle-format.md section 6): a kecamatan the records and villages
    of its own desa, the kabupaten those of its regency and the kecamatan's verifications; a desa
    reviews nobody. A target not known here yet (out of order) is allowed, except at a desa, which
    takes reviews of its own records only."""
    sender = rows[0].office_code
    if sender_role not in ("kecamatan", "kabupaten"):
        raise _Refused(
            "record.review_not_allowed",
            _(
                "Paket dari {office} ({role}) memuat reviu, padahal hanya kecamatan dan kabupaten "
                "yang mereviu data desa. Paket ditolak; tidak ada yang ditulis. Hubungi kantor "
                "pengirim."
            ).format(office=sender, role=sender_role),
        )
    at_desa = receiver.count(".") == 3

    def seen_owner(kind: str, target: str) -> str | None:
        return next((o for s in seens if (o := s.owner(kind, target)) is not None), None)

    wanted: dict[str, set[str]] = {}
    for row in rows:
        kind, target = row.values["target_kind"], row.values["target_id"]
        if kind != TargetKind.DESA and seen_owner(kind, target) is None:
            wanted.setdefault(kind, set()).add(target)
    owners = {kind: _owners(query, kind, ids) for kind, ids in wanted.items()}
    review_targets: dict[str, str] = {}
    if at_desa and wanted.get(REVIEW_KIND):
        review_targets = dict(stored_rows(query, REVIEW_KIND, ("target_id",), wanted[REVIEW_KIND]))
    for row in rows:
        kind, target = row.values["target_kind"], row.values["target_id"]
        if kind == TargetKind.DESA:
            owner: str | None = target
            if not is_office_code(target) or target.count(".") != 3:
                raise _review_outside(row, target)
        else:
            owner = seen_owner(kind, target) or owners[kind].get(target)
        if owner is None:
            if at_desa and kind in RECORD_TARGETS:
                raise _review_outside(row, target)
            continue
        if not may_review(sender, sender_role, owner):
            raise _review_outside(row, owner)
        if not at_desa:
            continue
        # At a desa: a record of its own, its own village, or a verification of its own village.
        about = review_targets.get(target, receiver) if kind == REVIEW_KIND else owner
        if about != receiver:
            raise _review_outside(row, about)


def _review_outside(row: IncomingRow, owner: str) -> _Refused:
    return _Refused(
        "record.review_outside_area",
        _(
            "Reviu {id} dalam paket dari {office} menyangkut data di luar wilayahnya ({target}). "
            "Kecamatan hanya mereviu desa di bawahnya dan kabupaten hanya wilayahnya; desa hanya "
            "menerima reviu atas datanya sendiri. Paket ditolak; tidak ada yang ditulis."
        ).format(id=row.id, office=row.office_code, target=owner),
    )


def _targets(row: IncomingRow) -> Iterator[tuple[str, str]]:
    """The (kind, id) of every record ``row`` refers to."""
    if row.kind == ATTACHMENT_KIND:
        yield row.values["record_kind"], row.values["record_id"]
    elif row.kind == "proposal":
        for field_name, target_kind in LINK_FIELDS.items():
            for target in row.values[field_name]:
                yield target_kind, target


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
    if row.kind in (ATTACHMENT_KIND, REVIEW_KIND):
        cols.update(row.values)
        return cols
    values = row.values
    for name, joined in _value_columns(row.kind):
        cols[name] = ",".join(values[name]) if joined else values[name]
    return cols


def write(
    ctx: AppContext,
    session: Session,
    planned: list[Planned],
    report: BundleReport,
    verified: VerifiedBundle,
    result: VerificationResult,
    new_blobs: list[str],
) -> None:
    """Write one planned chunk in the caller's transaction; every blob written is added to
    ``new_blobs`` at once, so the caller can remove them again if anything later fails. The
    caller syncs the blobs (``ctx.blobs.sync``) once, before it commits."""
    from sqlalchemy import bindparam, delete, insert, update

    from smartcity_desktop.services.exchange.attachments import store_attachment
    from smartcity_desktop.services.exchange.common import MODELS
    from smartcity_desktop.services.stored_words import store_for
    from smartcity_desktop.storage.models import (
        ProposalLink,
        RecordConflict,
        table_of,
    )
    from smartcity_desktop.storage.search_index import insert_indexed

    trust = report.trust_level or ""
    bundle = result.content_hash or ""
    inserts: dict[str, list[dict[str, Any]]] = {}
    updates: dict[str, list[dict[str, Any]]] = {}
    conflicts: list[dict[str, Any]] = []
    confirmed: dict[str, list[str]] = {}
    links: list[dict[str, Any]] = []
    relinked: list[str] = []
    for row, action, existing_hash in planned:
        if action == "conflict":
            conflicts.append(
                {
                    "kind": row.kind,
                    "record_id": row.id,
                    "office_code": row.office_code,
                    "revision": row.revision,
                    "existing_hash": existing_hash,
                    "incoming_hash": row.content_hash,
                    "incoming": canonical_json(row.raw).decode(),
                    "bundle_hash": bundle,
                    "detected_at": ctx.clock(),
                    "resolved": False,
                }
            )
            continue
        if action == "unchanged":
            confirmed.setdefault(row.kind, []).append(row.id)
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
            store_attachment(ctx.blobs, verified, row, new_blobs)  # bytes checked against the row
    if conflicts:  # Core, not session.add: the session would keep every object until commit
        session.execute(insert(RecordConflict), conflicts)
    if trust == "certified":  # the same content, now proven by a certificate
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
    # The key words of the problems written, for Isu strategis (stored_words): split here once
    # rather than in the next analysis process.
    store_for(connection, "problem", [*inserts.get("problem", ()), *updates.get("problem", ())])
    for start in range(0, len(relinked), _CHUNK):
        session.execute(
            delete(ProposalLink).where(
                ProposalLink.proposal_id.in_(relinked[start : start + _CHUNK])
            )
        )
    insert_indexed(connection, table_of(ProposalLink), links)
