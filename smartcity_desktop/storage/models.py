"""SQLAlchemy ORM models: the one SQLite file behind an office.

Ownership rule, kept from the first migration: every record, attachment and review row carries the
``office_code`` of the office that made it, and only that office changes it. Upper levels add
``Review`` rows pointing at a village's record instead of editing it, so bundles never conflict.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from smartcity_desktop.storage import table_names as tables

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A value that can pass 2^31 (a cost in rupiah, a bundle's number or size): 64 bits on PostgreSQL
# (migration 0015); SQLite's INTEGER is 64-bit already, and stays INTEGER (a primary key that is
# also the rowid).
WIDE_INTEGER = BigInteger().with_variant(Integer(), "sqlite")

# The states of an export (BundleExport.status).
EXPORT_PENDING = "pending"
EXPORT_DONE = "done"
EXPORT_ABANDONED = "abandoned"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OfficeIdentity(Base):
    """The office this data folder belongs to (exactly one row, id = 1)."""

    __tablename__ = "office_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class OfficeKey(Base):
    """Key pairs of this office; ``purpose`` is 'office' or, at a kabupaten, 'root'."""

    __tablename__ = "office_key"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    certificate: Mapped[str | None] = mapped_column(Text)


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Region(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(String(20), index=True)


class OwnedRow:
    """Columns every exchanged row has: identity, owner, revision, tombstone, provenance."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(20), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(200))
    # The last revision this office put in a bundle (own rows only); NULL = never sent.
    sent_revision: Mapped[int | None] = mapped_column(Integer)
    # Rows received from other offices: how their bundle was trusted ('certified' or
    # 'locally_trusted', shown as "dipercaya lokal") and which bundle brought this revision.
    trust_level: Mapped[str | None] = mapped_column(String(20))
    source_bundle: Mapped[str | None] = mapped_column(String(64))


class LocatedRecord(OwnedRow):
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    dimension: Mapped[str | None] = mapped_column(String(20), index=True)
    sub_element: Mapped[str | None] = mapped_column(String(40))
    urusan: Mapped[str | None] = mapped_column(String(10))
    location_detail: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Problem(LocatedRecord, Base):
    __tablename__ = tables.PROBLEM
    # The proposal form's link picker reads (id, title, status) of every live row by title.
    __table_args__ = (
        Index("ix_problem_link_choice", "deleted", "title", "id", "status"),
        Index("ix_problem_queue", "office_code", "created_at", "id"),
        # Analysis (migration 0010): live rows counted per village; the data-change check.
        Index("ix_problem_live", "office_code", "deleted"),
        Index("ix_problem_changes", "updated_at", "revision"),
        # A proposal's linked problems (village, severity) read from the index alone (0016).
        Index("ix_problem_link_facts", "id", "deleted", "office_code", "severity"),
    )
    causes: Mapped[str | None] = mapped_column(Text)
    since_date: Mapped[str | None] = mapped_column(String(10))
    affected_count: Mapped[int | None] = mapped_column(Integer)
    affected_unit: Mapped[str | None] = mapped_column(String(10))
    severity: Mapped[str | None] = mapped_column(String(20))
    info_source: Mapped[str | None] = mapped_column(String(20))


class Potential(LocatedRecord, Base):
    __tablename__ = tables.POTENTIAL
    __table_args__ = (
        Index("ix_potential_link_choice", "deleted", "title", "id", "status"),
        Index("ix_potential_queue", "office_code", "created_at", "id"),
        Index("ix_potential_live", "office_code", "deleted"),
        Index("ix_potential_changes", "updated_at", "revision"),
    )
    potential_type: Mapped[str | None] = mapped_column(String(20))
    magnitude: Mapped[str | None] = mapped_column(String(200))


class Proposal(LocatedRecord, Base):
    __tablename__ = tables.PROPOSAL
    # A village's records in a stable order (review queue: next and previous record).
    __table_args__ = (
        Index("ix_proposal_queue", "office_code", "created_at", "id"),
        Index("ix_proposal_live", "office_code", "deleted"),
        Index("ix_proposal_changes", "updated_at", "revision"),
    )
    opd: Mapped[str | None] = mapped_column(String(200))
    beneficiaries: Mapped[str | None] = mapped_column(String(200))
    volume: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    estimated_cost: Mapped[int | None] = mapped_column(WIDE_INTEGER)
    funding_source: Mapped[str | None] = mapped_column(String(20))
    bidang_desa: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    implementation: Mapped[str | None] = mapped_column(String(20))
    partners: Mapped[str | None] = mapped_column(String(200))  # comma-separated codes
    scale: Mapped[str | None] = mapped_column(String(20))
    quick_win: Mapped[str | None] = mapped_column(String(20))


class ProposalLink(Base):
    """A proposal's link to a problem or potential it answers (part of the proposal's content)."""

    __tablename__ = "proposal_link"
    proposal_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    target_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # "Is this problem answered by a live proposal?" from the index alone (migration 0010).
    __table_args__ = (Index("ix_proposal_link_answer", "target_id", "proposal_id"),)


class Attachment(OwnedRow, Base):
    """A photo or PDF attached to a record; the bytes live in the blob store under ``sha256``."""

    __tablename__ = tables.ATTACHMENT
    record_kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(String(200))


class Review(OwnedRow, Base):
    """An upper office's review of another office's record; never edits the record itself.

    Columns after the owned-row ones are ``domain.review.REVIEW_FIELDS``; one row per reviewing
    office and target (the service keeps it so: a new verdict is the next revision of the row).
    """

    __tablename__ = "review"
    __table_args__ = (
        # A review queue asks "this office's review of that record" for thousands of records.
        Index("ix_review_office_target", "office_code", "target_id"),
        Index("ix_review_office_state", "office_code", "state"),
        Index("ix_review_changes", "updated_at", "revision"),
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # Optimistic locking on the revision the service already counts: every UPDATE says
        # "WHERE revision = <the one read>", so a save racing another PC's save of the same
        # review changes nothing and fails instead of silently overwriting it.
        return {"version_id_col": cls.__table__.c.revision, "version_id_generator": False}

    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(36), index=True)
    target_revision: Mapped[int | None] = mapped_column(Integer)
    target_hash: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int | None] = mapped_column(Integer)
    redirect_urusan: Mapped[str | None] = mapped_column(String(10))
    redirect_opd: Mapped[str | None] = mapped_column(String(200))
    redirect_level: Mapped[str | None] = mapped_column(String(20))
    merge_into: Mapped[str | None] = mapped_column(String(36), index=True)
    # Who saved this revision here, as "login@computer" (several analyst PCs share one office and
    # so one operator name); local to this database, never in a bundle. NULL for received rows.
    changed_by: Mapped[str | None] = mapped_column(String(200))


class FormDraft(Base):
    """Unsaved form contents, written every few seconds so a power cut loses little typing."""

    __tablename__ = "form_draft"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class TrustStore(Base):
    """This office's trust state (root keys, pins, revocation lists) as one signed-document set."""

    __tablename__ = tables.TRUST_STORE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who changed this office's trust, when, and from what to what; rows are only ever added."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40), index=True)
    operator: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)  # JSON, e.g. {"old": fingerprint, "new": ...}


class BundleExport(Base):
    """Bundles this office wrote; ``sequence`` numbers are never reused.

    A row is written ("pending") before the bundle's file exists, so that the number is taken even
    if the export is interrupted; it becomes "done" once every file has its final name, or
    "abandoned" when an interrupted export is found later. Only "done" bundles went out.
    """

    __tablename__ = "bundle_export"
    sequence: Mapped[int] = mapped_column(WIDE_INTEGER, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), server_default=EXPORT_DONE)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # known once written
    key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    full: Mapped[bool] = mapped_column(Boolean)
    files: Mapped[str] = mapped_column(Text)  # JSON list of final file names; [] until written
    folder: Mapped[str | None] = mapped_column(Text)  # where the files go
    size: Mapped[int | None] = mapped_column(WIDE_INTEGER)  # known once written
    parts_sha256: Mapped[str | None] = mapped_column(String(64))  # a split bundle's whole hash
    counts: Mapped[str] = mapped_column(Text)  # JSON {kind: n}
    __table_args__ = (
        CheckConstraint(
            f"status IN ('{EXPORT_PENDING}', '{EXPORT_DONE}', '{EXPORT_ABANDONED}')", name="status"
        ),
    )


class BundleLedger(Base):
    """Every bundle this office imported: the same content twice is recognised and skipped."""

    __tablename__ = tables.BUNDLE_LEDGER
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender_office: Mapped[str] = mapped_column(String(20))
    sender_role: Mapped[str] = mapped_column(String(12))
    sender_key_id: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(WIDE_INTEGER)
    bundle_created_at: Mapped[datetime] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    trust_level: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(WIDE_INTEGER)
    outcome: Mapped[str] = mapped_column(Text)  # JSON {"new": n, "updated": n, ...}
    forwarded_by: Mapped[str | None] = mapped_column(String(64))
    # Unique: two imports running at once on two PCs cannot both record one sender's number (the
    # same bundle twice, or a reused number with other content); the later one fails.
    __table_args__ = (
        Index("ix_bundle_ledger_sender_seq", "sender_office", "sequence", unique=True),
    )


class RecordConflict(Base):
    """The same record revision arrived with different content: kept for a person to review."""

    __tablename__ = "record_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    existing_hash: Mapped[str] = mapped_column(String(64))
    incoming_hash: Mapped[str] = mapped_column(String(64))
    incoming: Mapped[str] = mapped_column(Text)  # the incoming row as canonical JSON
    bundle_hash: Mapped[str] = mapped_column(String(64))
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class IssuedCertificate(Base):
    """Certificates a kabupaten issued, so it can revoke an office's keys later."""

    __tablename__ = tables.ISSUED_CERTIFICATE
    serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(20), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    certificate: Mapped[str] = mapped_column(Text)


class SearchDoc(Base):
    """Maps full-text index rows to records; kept in step by triggers (see migration 0001)."""

    __tablename__ = "search_doc"
    rowid: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[str] = mapped_column(String(36), unique=True)


class SearchSuspended(Base):
    """While a row exists here (inside one bulk transaction), the search triggers stand still."""

    __tablename__ = "search_suspended"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


# Full-text index: an FTS5 virtual table, created by the migration, not by the ORM.
SEARCH_TABLE = "record_search"

RECORD_MODELS: dict[str, type[LocatedRecord]] = {
    "problem": Problem,
    "potential": Potential,
    "proposal": Proposal,
}


def table_of(model: type[Any]) -> Table:
    """The Core table behind an ORM class, for bulk statements that bypass the ORM."""
    return cast(Table, model.__table__)


# SQLAlchemy's SQLite DateTime storage format; bulk writes that bypass SQLAlchemy's type
# processing (tens of thousands of rows per import) must store exactly the same text.
_SQLITE_DATETIME = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}.{:06d}"


def sqlite_datetime(value: datetime) -> str:
    return _SQLITE_DATETIME.format(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def bulk_insert_raw(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert uniform rows with one driver-level executemany (no per-row type processing)."""
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        # psycopg sends the rows in one pipelined executemany; its own types need no formatting.
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _c in columns)})"
    )
    times = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, DateTime)]
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(row.values())
        for i in times:
            if values[i] is not None:
                values[i] = sqlite_datetime(values[i])
        params.append(tuple(values))
    connection.exec_driver_sql(sql, params)


class RecordWords(Base):
    """The key words of a record's texts (``domain.keywords``), derived data kept beside the record
    so that Isu strategis and Data serupa need not split 80,000 texts in every new process.

    A row is valid for one revision of a record (``content_hash``) under one version of the word
    rules (``rules``: a digest of the stop words and the splitting rules); any other row is stale
    and computed again when read. Words are separated by single spaces (a key word never holds
    one); ``title_words`` keeps the title's order, ``words`` is sorted. Written by the record
    save and import paths and filled on first read (``services.stored_words``); not
    a record: it never travels in a bundle, and no change notice is sent for it.
    """

    __tablename__ = "record_words"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64))
    rules: Mapped[str] = mapped_column(String(16))
    title_words: Mapped[str] = mapped_column(Text)
    words: Mapped[str] = mapped_column(Text)


class IssueDecision(OwnedRow, Base):
    """A person's correction of the isu strategis clusters, owned by the office that made it.

    Clusters are computed from the records each time; a decision names them by their stable keys
    (sub-element, urusan and seed words) and records by id, never by a position in a list, so it
    still applies after new revisions of the same records are imported. ``action`` is 'merge'
    (``cluster_keys``: the clusters shown as one) or 'split' (``record_ids`` taken out of
    ``cluster_keys[0]`` into a cluster of their own). A withdrawn decision is a tombstone.
    """

    __tablename__ = "issue_decision"
    area_code: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    cluster_keys: Mapped[str] = mapped_column(Text)  # JSON list
    record_ids: Mapped[str] = mapped_column(Text)  # JSON list
    label: Mapped[str | None] = mapped_column(String(200))


class RpjmdCrosswalk(Base):
    """Which RPJMD programme a proposal belongs to, by its urusan, sub-element or OPD.

    An empty string (never NULL) means "any", so that the unique key also holds for rows that
    leave a part out. The office's own planning table; it does not travel in bundles.
    """

    __tablename__ = "rpjmd_crosswalk"
    __table_args__ = (UniqueConstraint("urusan", "sub_element", "opd"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    urusan: Mapped[str] = mapped_column(String(10))
    sub_element: Mapped[str] = mapped_column(String(40))
    opd: Mapped[str] = mapped_column(String(200))
    programme_code: Mapped[str] = mapped_column(String(50))
    programme_name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
