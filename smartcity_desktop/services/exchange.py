"""Export, verify and import signed bundles: the database side of the bundle format.

Export writes this office's changed final rows (new revisions and tombstones) into a signed bundle.
Import treats every file as hostile: the bundle layer checks the archive, bag, signature and trust;
this module then checks that the receiving office may receive it, consults the ledger (already
imported, sequence reused with other content), checks every row like user input, and writes
everything in one transaction. Nothing is written before all checks have passed.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from smartcity_desktop import __version__
from smartcity_desktop.bundles.parts import HEADER_SIZE, PartHeader, assemble_parts, is_part_file
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.reader import VerificationResult, VerifiedBundle, verify_bundle
from smartcity_desktop.bundles.sizes import parse_size
from smartcity_desktop.bundles.writer import AttachmentFile, BundleWriteError, Sender, write_bundle
from smartcity_desktop.crypto.offices import is_within, parent_code, regency_of
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import canonical_json
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.attachments import attachment_values
from smartcity_desktop.services.bundle_records import (
    ATTACHMENT_KIND,
    RECORD_KINDS,
    SCHEMA_VERSION,
    IncomingRow,
    RowError,
    bundle_row,
    check_row,
)
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import unlock_key
from smartcity_desktop.services.records import LINK_FIELDS, values_from_row
from smartcity_desktop.services.trust import load_trust_state, office_certificate
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import (
    RECORD_MODELS,
    Attachment,
    BundleExport,
    BundleLedger,
    ProposalLink,
    RecordConflict,
    bulk_insert_raw,
    table_of,
)
from smartcity_desktop.storage.search_index import insert_indexed

log = logging.getLogger(__name__)

__all__ = [
    "export_bundle",
    "import_files",
    "ledger",
    "parse_size",
    "pending_counts",
    "verify_files",
]

EXCHANGED_KINDS = (*RECORD_KINDS, ATTACHMENT_KIND)
MODELS: dict[str, Any] = {**RECORD_MODELS, ATTACHMENT_KIND: Attachment}
ACTIONS = ("new", "updated", "unchanged", "older", "conflict")
_CHUNK = 500
MAX_SEQUENCE = 2**63 - 1  # the ledger stores sequence numbers as SQLite integers


# --- export --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    sequence: int
    content_hash: str
    counts: dict[str, int]
    size: int
    full: bool


def pending_counts(ctx: AppContext, *, full: bool = False) -> dict[str, int]:
    """How many rows the next export would carry, per kind."""
    office = ctx.office.code
    with ctx.db.session() as session:
        return {
            kind: session.scalar(
                select(func.count())
                .select_from(MODELS[kind])
                .where(*_export_filter(MODELS[kind], office, full))
            )
            or 0
            for kind in EXCHANGED_KINDS
        }


def _export_filter(model: Any, office: str, full: bool) -> list[Any]:
    conditions = [model.office_code == office, model.status == "final"]
    if not full:
        conditions.append((model.sent_revision.is_(None)) | (model.sent_revision < model.revision))
    return conditions


def last_export(ctx: AppContext) -> BundleExport | None:
    with ctx.db.session() as session:
        return session.scalars(select(BundleExport).order_by(BundleExport.sequence.desc())).first()


def export_bundle(
    ctx: AppContext,
    passphrase: str,
    out: Path,
    *,
    full: bool = False,
    max_part_size: int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the office's changes (or everything with ``full``) into a signed bundle."""
    progress = progress or NoProgress()
    office = ctx.office
    signing_key = unlock_key(ctx, passphrase)
    certificate = office_certificate(ctx)
    if certificate is None and any(
        root.regency_code == regency_of(office.code) for root in load_trust_state(ctx).roots
    ):
        # Under certification a bundle from an uncertified key is refused everywhere, and its rows
        # would count as sent; stop here instead (typically right after a key rotation).
        raise UserError(
            _(
                "Kunci kantor ini belum bersertifikat, sehingga paketnya akan ditolak. Buat "
                "permintaan sertifikat (halaman Kunci & Kepercayaan atau 'smartcity keys request'), "
                "minta kabupaten mensertifikasinya, pasang sertifikatnya, lalu kirim lagi."
            ),
            code="export.uncertified",
        )
    if max_part_size is not None and max_part_size < 64 * 1024:
        raise UserError(_("Ukuran bagian terlalu kecil: minimal 64K."), code="export.part_size")
    with ctx.db.session() as session:
        sequence = (session.scalar(select(func.max(BundleExport.sequence))) or 0) + 1
        rows: dict[str, list[dict[str, Any]]] = {}
        versions: dict[str, list[tuple[str, int]]] = {}
        files: dict[str, AttachmentFile] = {}
        for kind in EXCHANGED_KINDS:
            model = MODELS[kind]
            selected = session.scalars(
                select(model)
                .where(*_export_filter(model, office.code, full))
                .order_by(model.created_at, model.id)
            ).all()
            links = _links(session, [r.id for r in selected]) if kind == "proposal" else {}
            rows[kind] = []
            for row in selected:
                if kind == ATTACHMENT_KIND:
                    sha = None if row.deleted else row.sha256
                    rows[kind].append(bundle_row(row, attachment_values(row), sha256=sha))
                    if sha is not None:
                        path = ctx.blobs.path_for(sha)
                        if not path.is_file():
                            raise UserError(
                                _(
                                    "Berkas lampiran {name} hilang dari folder "
                                    "attachments. Pulihkan dari cadangan."
                                ).format(name=row.filename),
                                code="export.blob_missing",
                            )
                        files[sha] = AttachmentFile(sha, path)
                else:
                    values = values_from_row(RecordKind(kind), row, links.get(row.id, {}))
                    rows[kind].append(bundle_row(row, values))
            versions[kind] = [(r.id, r.revision) for r in selected]
    counts = {kind: len(items) for kind, items in rows.items()}
    if not full and not any(counts.values()):
        raise UserError(
            _(
                "Tidak ada perubahan yang belum dikirim. Gunakan --full untuk mengirim "
                "semua data sekali lagi."
            ),
            code="export.nothing",
        )
    out = _export_target(out, office.code, sequence)
    try:
        written = write_bundle(
            out,
            sender=Sender(office.code, office.role, signing_key, certificate),
            sequence=sequence,
            records=rows,
            app_version=__version__,
            schema_version=SCHEMA_VERSION,
            attachments=files.values(),
            progress=progress,
            split_size=max_part_size,
        )
    except Cancelled as exc:
        raise UserError(
            _("Pembuatan paket dibatalkan; tidak ada berkas yang dibuat."), code="export.cancelled"
        ) from exc
    except BundleWriteError as exc:
        raise UserError(str(exc), code="export.failed") from exc
    except OSError as exc:
        raise (
            translate_os_error(exc, out.parent)
            or UserError(
                _("Paket tidak dapat ditulis ke {path}: {reason}").format(
                    path=out, reason=exc.strerror or exc
                )
            )
        ) from exc
    with ctx.db.transaction() as session:
        for kind, pairs in versions.items():
            table = table_of(MODELS[kind])
            if pairs:  # only the revision that went out counts as sent
                session.connection().execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"), table.c.revision == bindparam("b_rev"))
                    .values(sent_revision=table.c.revision),
                    [{"b_id": i, "b_rev": r} for i, r in pairs],
                )
        session.add(
            BundleExport(
                sequence=sequence,
                content_hash=written.content_hash,
                key_id=signing_key.public.key_id,
                created_at=ctx.clock(),
                full=full,
                files=json.dumps([p.name for p in written.paths]),
                size=written.size,
                counts=json.dumps(counts),
            )
        )
    log.info("exported bundle %s #%d (%s)", office.code, sequence, counts)
    return ExportResult(written.paths, sequence, written.content_hash, counts, written.size, full)


def _export_target(out: Path, office: str, sequence: int) -> Path:
    if out.is_dir():
        out = out / f"smartcity-{office}-{sequence:06d}.scb"
    if not out.parent.is_dir():
        raise UserError(
            _("Folder tujuan {folder} tidak ada.").format(folder=out.parent),
            code="export.no_folder",
        )
    return out


def _links(session: Session, proposal_ids: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for start in range(0, len(proposal_ids), _CHUNK):
        chunk = proposal_ids[start : start + _CHUNK]
        for link in session.scalars(
            select(ProposalLink).where(ProposalLink.proposal_id.in_(chunk))
        ):
            field_name = "problem_ids" if link.target_kind == "problem" else "potential_ids"
            out.setdefault(link.proposal_id, {}).setdefault(field_name, []).append(link.target_id)
    return out


# --- verify and import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass
class RecordOutcome:
    kind: str
    id: str
    revision: int
    action: str
    title: str = ""


@dataclass
class BundleReport:
    """What happened to one bundle (one file, or one set of parts)."""

    files: list[Path]
    status: str = "refused"  # verified | imported | already | refused | dry-run
    sender_office: str | None = None
    sender_role: str | None = None
    sequence: int | None = None
    created: str | None = None
    content_hash: str | None = None
    trust_level: str | None = None  # certified | locally_trusted
    counts: dict[str, int] = field(default_factory=dict)
    outcomes: list[RecordOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing_sequences: list[int] = field(default_factory=list)
    forwarded: list[BundleReport] = field(default_factory=list)
    receipt: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("verified", "imported", "already", "dry-run")

    @property
    def name(self) -> str:
        return ", ".join(p.name for p in self.files)

    def action_counts(self) -> dict[str, int]:
        counted = Counter(o.action for o in self.outcomes)
        return {a: counted.get(a, 0) for a in ACTIONS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.files],
            "status": self.status,
            "ok": self.ok,
            "sender": {"office": self.sender_office, "role": self.sender_role},
            "sequence": self.sequence,
            "created": self.created,
            "content_hash": self.content_hash,
            "trust": self.trust_level,
            "record_counts": self.counts,
            "actions": self.action_counts(),
            "records": [
                {
                    "kind": o.kind,
                    "id": o.id,
                    "revision": o.revision,
                    "action": o.action,
                    "title": o.title,
                }
                for o in self.outcomes
            ],
            "problems": [{"code": f.code, "message": f.message} for f in self.findings],
            "missing_sequences": self.missing_sequences,
            "forwarded": [f.to_dict() for f in self.forwarded],
            "receipt": str(self.receipt) if self.receipt else None,
        }


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.finding = Finding(code, message)


def group_inputs(paths: Iterable[Path]) -> list[list[Path]]:
    """Whole bundles one per group; split parts grouped by the bundle they belong to."""
    groups: list[list[Path]] = []
    parts: dict[str, list[Path]] = {}
    for path in paths:
        if path.is_file() and is_part_file(path):
            try:
                with path.open("rb") as fh:
                    key = PartHeader.from_bytes(fh.read(HEADER_SIZE)).bundle_sha256
            except Exception:  # a damaged part header: let assembly name the problem
                key = f"?{path}"
            parts.setdefault(key, []).append(path)
        else:
            groups.append([path])
    groups.extend(parts.values())
    return groups


def verify_files(
    ctx: AppContext, paths: Sequence[Path], progress: Progress | None = None
) -> list[BundleReport]:
    return [_process(ctx, group, mode="verify", progress=progress) for group in group_inputs(paths)]


def import_files(
    ctx: AppContext,
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    receipts: bool = True,
) -> list[BundleReport]:
    """Import each bundle in its own transaction; a refused bundle does not stop the others."""
    reports = []
    for group in group_inputs(paths):
        report = _process(ctx, group, mode="dry-run" if dry_run else "import", progress=progress)
        if report.status == "imported" and receipts:
            from smartcity_desktop.services.receipts import write_receipt

            try:
                report.receipt = write_receipt(ctx, report)
            except UserError as exc:
                report.findings.append(Finding("receipt.failed", str(exc)))
        reports.append(report)
    return reports


def _process(
    ctx: AppContext, group: list[Path], *, mode: str, progress: Progress | None
) -> BundleReport:
    report = BundleReport(files=list(group))
    staging: Path | None = None
    try:
        for candidate in group:
            if not candidate.is_file():
                raise _Refused(
                    "io.missing",
                    _(
                        "Berkas {path} tidak ditemukan atau bukan berkas. Periksa nama dan lokasinya "
                        "(flashdisk masih terpasang?)."
                    ).format(path=candidate),
                )
        path = group[0]
        if len(group) > 1 or is_part_file(path):
            ctx.paths.staging.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="parts-", dir=ctx.paths.staging))
            try:
                path = assemble_parts(group, staging)
            except ProblemError as exc:
                raise _Refused(exc.problem.code, exc.problem.message) from exc
        result = verify_bundle(
            path, trust=load_trust_state(ctx), max_schema_version=SCHEMA_VERSION, progress=progress
        )
        _describe(report, result)
        intact = result.header is not None and not any(
            not p.code.startswith("trust.") for p in result.problems
        )
        if intact:  # "not for this office" says more than "unknown sender"
            _check_scope(ctx, result)
        if not result.all_ok:
            for problem in _all_problems(result):
                report.findings.append(Finding(problem.code, problem.message))
            report.status = "refused"
            return report
        if result.forwarded:
            # Importing only the outer rows would drop the villages' data without a word, and
            # the ledger would then call the file already imported once forwarding is supported.
            raise _Refused(
                "import.forwarded_unsupported",
                _(
                    "Paket ini membawa {n} paket kantor lain yang diteruskan, dan aplikasi ini "
                    "belum dapat mengimpor paket terusan. Paket ditolak agar data itu tidak hilang "
                    "tanpa kabar; minta paket asli dari kantor-kantor tersebut."
                ).format(n=len(result.forwarded)),
            )
        _import_verified(ctx, result, report, mode=mode, progress=progress)
    except _Refused as exc:
        report.findings.append(exc.finding)
        report.status = "refused"
    except Cancelled:
        report.findings.append(
            Finding("import.cancelled", _("Dibatalkan; tidak ada yang ditulis."))
        )
        report.status = "refused"
    except UserError as exc:  # disk full, read-only, busy: nothing was committed
        report.findings.append(Finding(exc.code, str(exc)))
        report.status = "refused"
    except OSError as exc:  # a stick pulled out, a full disk while joining parts: nothing committed
        error = translate_os_error(exc, exc.filename or ctx.paths.root)
        report.findings.append(
            Finding(error.code, str(error))
            if error is not None
            else Finding(
                "io.failed",
                _(
                    "Berkas {name} tidak dapat dibaca sampai selesai ({reason}); tidak ada yang "
                    "ditulis. Periksa flashdisk atau berkasnya lalu ulangi."
                ).format(name=report.name, reason=exc.strerror or exc),
            )
        )
        report.status = "refused"
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return report


def _all_problems(result: VerificationResult) -> Iterator[Any]:
    yield from result.problems
    for nested in result.forwarded:
        yield from _all_problems(nested)


def _describe(report: BundleReport, result: VerificationResult) -> None:
    header = result.header
    report.content_hash = result.content_hash
    if header is not None:
        report.sender_office = header.sender_office
        report.sender_role = header.sender_role
        report.sequence = header.sequence
        report.created = header.created.isoformat()
        report.counts = dict(header.record_counts)
    if result.trust is not None and result.trust.accepted:
        report.trust_level = result.trust.level


def may_receive(own_code: str, own_role: str, sender_code: str, sender_role: str) -> bool:
    """Which offices' bundles an office takes in: a kecamatan its villages; the kabupaten any
    office of its regency; a village its own kecamatan and kabupaten (feedback)."""
    if sender_code == own_code:
        return False
    if own_role == "kecamatan":
        return sender_role == "desa" and parent_code(sender_code) == own_code
    if own_role == "kabupaten":
        return is_within(sender_code, own_code)
    if own_role == "desa":
        return sender_code in (parent_code(own_code), regency_of(own_code))
    return False


def _check_scope(ctx: AppContext, result: VerificationResult) -> None:
    header = result.header
    assert header is not None
    office = ctx.office
    if header.sender_office == office.code:
        raise _Refused(
            "scope.own_bundle", _("Paket ini dibuat oleh kantor ini sendiri; tidak perlu diimpor.")
        )
    if not may_receive(office.code, office.role, header.sender_office, header.sender_role):
        raise _Refused(
            "scope.not_for_us",
            _(
                "Paket dari {sender} ({role}) bukan untuk kantor ini: {office} hanya menerima paket "
                "dari kantor di bawahnya."
            ).format(sender=header.sender_office, role=header.sender_role, office=office.name),
        )


def _import_verified(
    ctx: AppContext,
    result: VerificationResult,
    report: BundleReport,
    *,
    mode: str,
    progress: Progress | None,
) -> None:
    header = result.header
    assert header is not None and result.content_hash is not None
    if header.sequence > MAX_SEQUENCE:
        raise _Refused(
            "ledger.sequence_out_of_range",
            _(
                "Nomor paket {seq} dari kantor {office} terlalu besar untuk dicatat. Paket ditolak; "
                "hubungi kantor itu."
            ).format(seq=header.sequence, office=header.sender_office),
        )
    new_blobs: list[str] = []
    try:
        with ctx.db.transaction() as session:
            if session.get(BundleLedger, result.content_hash) is not None:
                report.status = "already"
                report.findings.append(
                    Finding(
                        "ledger.already_imported",
                        _("Paket ini sudah pernah diimpor; tidak ada yang ditulis."),
                    )
                )
                return
            clash = session.scalars(
                select(BundleLedger).where(
                    BundleLedger.sender_office == header.sender_office,
                    BundleLedger.sequence == header.sequence,
                )
            ).first()
            if clash is not None:
                raise _Refused(
                    "ledger.sequence_reused",
                    _(
                        "Kantor {office} sudah mengirim paket nomor {seq} dengan isi lain. Dua paket "
                        "bernomor sama bisa berarti kuncinya dicuri: paket ditolak; hubungi kantor itu "
                        "dan kabupaten."
                    ).format(office=header.sender_office, seq=header.sequence),
                )
            with result.open() as verified:
                rows = _read_rows(verified)
                _plan(session, rows, report)
                if mode == "import":
                    _write(ctx, session, rows, report, verified, result, progress, new_blobs)
                    session.add(
                        BundleLedger(
                            content_hash=result.content_hash,
                            sender_office=header.sender_office,
                            sender_role=header.sender_role,
                            sender_key_id=header.sender_key_id,
                            sequence=header.sequence,
                            bundle_created_at=header.created.replace(tzinfo=None),
                            imported_at=ctx.clock(),
                            trust_level=report.trust_level or "",
                            file_name=report.name[:255],
                            size=result.path.stat().st_size,
                            outcome=json.dumps(report.action_counts()),
                        )
                    )
                    session.flush()
                    report.missing_sequences = _gaps(session, header.sender_office)
                    report.status = "imported"
                else:
                    report.status = "verified" if mode == "verify" else "dry-run"
                    session.rollback()
    except ProblemError as exc:  # the file changed between verifying and reading it
        _remove_blobs(ctx, new_blobs)
        raise _Refused(exc.problem.code, exc.problem.message) from exc
    except BaseException:
        _remove_blobs(ctx, new_blobs)
        raise


def _remove_blobs(ctx: AppContext, shas: list[str]) -> None:
    for sha in shas:
        ctx.blobs.remove(sha)


# Rows are checked in memory before anything is written; a bundle claiming more is refused
# before any is read (the header's counts are verified against the files).
MAX_ROWS_PER_BUNDLE = 200_000


def _read_rows(verified: VerifiedBundle) -> list[IncomingRow]:
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


def _plan(session: Session, rows: list[IncomingRow], report: BundleReport) -> None:
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


def _write(
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
            if not ctx.blobs.exists(sha):
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


def _gaps(session: Session, office: str, limit: int = 100) -> list[int]:
    """The first missing sequence numbers below the highest seen; never walks the whole range
    (a sender chooses its numbers, and 10**12 is as valid as 12)."""
    gaps: list[int] = []
    expected = 1
    for seen in session.scalars(
        select(BundleLedger.sequence)
        .where(BundleLedger.sender_office == office)
        .distinct()
        .order_by(BundleLedger.sequence)
    ):
        while expected < seen and len(gaps) < limit:
            gaps.append(expected)
            expected += 1
        if len(gaps) >= limit:
            break
        expected = seen + 1
    return gaps


def ledger(ctx: AppContext) -> list[dict[str, Any]]:
    with ctx.db.session() as session:
        rows = session.scalars(select(BundleLedger).order_by(BundleLedger.imported_at)).all()
    return [
        {
            "content_hash": r.content_hash,
            "sender": r.sender_office,
            "role": r.sender_role,
            "key_id": r.sender_key_id,
            "sequence": r.sequence,
            "created": r.bundle_created_at.isoformat() + "Z",
            "imported_at": r.imported_at.isoformat() + "Z",
            "trust": r.trust_level,
            "file": r.file_name,
            "size": r.size,
            "outcome": json.loads(r.outcome),
            "forwarded_by": r.forwarded_by,
        }
        for r in rows
    ]
