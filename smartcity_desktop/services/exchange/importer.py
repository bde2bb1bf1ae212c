"""Verify and import: every file is hostile until proven otherwise.

The bundle layer checks the archive, bag, signature and trust; this module then checks that the
receiving office may receive it, consults the ledger (already imported, sequence reused with other
content), then checks every row like user input and writes it, a chunk of rows at a time, all in
one transaction: a refusal anywhere rolls back every row written before it, and the photos written
for them are removed again, so a refused bundle leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from smartcity_desktop.bundles.format import forwarded_path
from smartcity_desktop.bundles.parts import HEADER_SIZE, PartHeader, assemble_parts, is_part_file
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.reader import VerificationResult, VerifiedBundle, verify_bundle
from smartcity_desktop.crypto.offices import is_within, parent_code, regency_of
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.common import Refused as _Refused
from smartcity_desktop.services.exchange.kept import discard, keep_bundle
from smartcity_desktop.services.exchange.ledger import MAX_SEQUENCE, gaps
from smartcity_desktop.services.exchange.rows import SeenRows, plan, read_chunks, write
from smartcity_desktop.services.import_report import BundleReport, Finding
from smartcity_desktop.services.read_only import ReadOnlyOffice
from smartcity_desktop.services.trust_state import read_trust_state
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.stored_reads import Query, bundle_imported, sequence_taken

# SQLAlchemy and the models are imported where an import writes: ``verify`` reads through the
# plain SQL of storage.stored_reads, from a read-only connection when the CLI opened one
# (services/read_only.py), so ``smartcity verify`` never loads the database layer.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Office = AppContext | ReadOnlyOffice

# How long an import waits on SQLite for another process's import to finish before it says the
# database is busy (PostgreSQL imports of one sender wait for each other without a limit).
IMPORT_WAIT_SECONDS = 120.0

# Called with the bundle's content hash inside the import transaction, once its rows are written
# and before its ledger entry: the moment where an interruption (a lost connection, a second
# import of the same bundle) matters most. Tests and monitoring wait there (``rows_written_hook``).
_rows_written_hooks: list[Callable[[str], None]] = []


@contextmanager
def rows_written_hook(hook: Callable[[str], None]) -> Iterator[None]:
    """Run ``hook(content_hash)`` at that moment of every import, for the block."""
    _rows_written_hooks.append(hook)
    try:
        yield
    finally:
        _rows_written_hooks.remove(hook)


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
    ctx: Office, paths: Sequence[Path], progress: Progress | None = None
) -> list[BundleReport]:
    """Check each bundle as importing it would, writing nothing to the database (the parts of a
    split bundle are joined in the staging folder and removed again)."""
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
    # Here, not at the top: the receipt's PDF library is not loaded by ``verify``.
    from smartcity_desktop.services.backups import back_up_before_import
    from smartcity_desktop.services.receipts import write_receipt

    if not dry_run:
        back_up_before_import(ctx)  # one backup for the whole batch, before anything is written
    reports = []
    for group in group_inputs(paths):
        report = _process(ctx, group, mode="dry-run" if dry_run else "import", progress=progress)
        if report.status == "imported" and receipts:
            try:
                report.receipt = write_receipt(ctx, report)
            except UserError as exc:
                report.findings.append(Finding("receipt.failed", str(exc)))
        reports.append(report)
    return reports


def _process(
    ctx: Office, group: list[Path], *, mode: str, progress: Progress | None
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
        with _stored(ctx) as query:
            trust = read_trust_state(query)
        result = verify_bundle(
            path, trust=trust, max_schema_version=SCHEMA_VERSION, progress=progress
        )
        _describe(report, result)
        _describe_forwarded(report, result)
        intact = result.header is not None and not any(
            not p.code.startswith("trust.") for p in result.problems
        )
        if intact:  # "not for this office" says more than "unknown sender"
            _check_scope(ctx, result)
        if not result.all_ok:
            for problem in result.problems:
                report.findings.append(Finding(problem.code, problem.message))
            for nested_report in report.forwarded:  # named, so the operator knows which one
                report.findings.extend(
                    Finding(f.code, _forwarded_message(nested_report, f.message))
                    for f in nested_report.findings
                )
            report.status = "refused"
            return report
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


def _describe_forwarded(report: BundleReport, result: VerificationResult) -> None:
    """One report per forwarded bundle, with its own verdict (the dry run lists them)."""
    # The reader verifies them in the order of the sorted digests of the outer header.
    digests = sorted(result.header.forwarded) if result.header is not None else []
    for n, nested in enumerate(result.forwarded):
        nested_report = BundleReport(files=list(report.files))
        if n < len(digests):
            nested_report.member = forwarded_path(digests[n])
        _describe(nested_report, nested)
        nested_report.findings = [Finding(p.code, p.message) for p in nested.problems]
        nested_report.status = "verified" if nested.ok else "refused"
        report.forwarded.append(nested_report)


def _forwarded_message(nested: BundleReport, message: str) -> str:
    if nested.sender_office is None or nested.sequence is None:
        # Damaged before its header could be read: named by its place in the outer bundle.
        return _(
            "Paket teruskan {name} (pengirimnya tidak terbaca karena paketnya rusak): {message}"
        ).format(name=nested.member or "?", message=message)
    return _("Paket teruskan dari {office} nomor {seq}: {message}").format(
        office=nested.sender_office, seq=nested.sequence, message=message
    )


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
    """Which offices' bundles an office takes in: a kecamatan its villages and its kabupaten
    (feedback); the kabupaten any office of its regency; a village its own kecamatan and
    kabupaten (feedback)."""
    if sender_code == own_code:
        return False
    if own_role == "kecamatan":  # its villages; its kabupaten's verdicts (feedback)
        return (sender_role == "desa" and parent_code(sender_code) == own_code) or (
            sender_role == "kabupaten" and sender_code == regency_of(own_code)
        )
    if own_role == "kabupaten":
        return is_within(sender_code, own_code)
    if own_role == "desa":
        return sender_code in (parent_code(own_code), regency_of(own_code))
    return False


def _check_scope(ctx: Office, result: VerificationResult) -> None:
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
    ctx: Office,
    result: VerificationResult,
    report: BundleReport,
    *,
    mode: str,
    progress: Progress | None,
) -> None:
    """The bundle and every bundle forwarded inside it: the forwarded ones first (the forwarder's
    reviews are about their records), each as if it had come directly. An import or a dry run
    runs in one transaction; ``verify`` makes the same checks through plain reads, without a
    transaction (which would check every page of the database before its first write)."""
    header = result.header
    assert header is not None and result.content_hash is not None
    _check_sequence_range(header.sender_office, header.sequence)
    new_blobs: list[str] = []
    kept: list[str] = []
    try:
        if mode == "verify":
            with _stored(ctx) as query:
                _check_bundle(ctx, None, query, result, report, mode, progress, new_blobs, kept)
            return
        assert isinstance(ctx, AppContext)
        from sqlalchemy.exc import IntegrityError

        from smartcity_desktop.services.raw_sql import qmark_query
        from smartcity_desktop.storage.write_locks import take_turn

        try:
            with ctx.db.transaction() as session:
                # Before the ledger is read: an import of the same sender's bundle on another PC
                # (or in another process) waits here until this one has committed or rolled back.
                take_turn(
                    session, *_import_lock_names(result), sqlite_wait_seconds=IMPORT_WAIT_SECONDS
                )
                query = qmark_query(session)
                _check_bundle(ctx, session, query, result, report, mode, progress, new_blobs, kept)
                if mode != "import":
                    session.rollback()
        except IntegrityError:
            # Only a writer that did not take its turn gets here (the ledger's keys still hold):
            # say what the ledger says now, as for an import that came second.
            _undo_files(ctx, new_blobs, kept)
            new_blobs.clear()
            kept.clear()
            with _stored(ctx) as query:
                if not _already_imported(query, result.content_hash, report):
                    _check_sequence_free(query, header.sender_office, header.sequence)
                    raise
    except ProblemError as exc:  # the file changed between verifying and reading it
        _undo_files(ctx, new_blobs, kept)
        raise _Refused(exc.problem.code, exc.problem.message) from exc
    except BaseException:
        _undo_files(ctx, new_blobs, kept)
        raise


def _import_lock_names(result: VerificationResult) -> list[str]:
    """The senders whose ledger entries this bundle may write: its own and every forwarded one."""
    offices = {r.header.sender_office for r in (result, *result.forwarded) if r.header is not None}
    return [f"smartcity:import:{office}" for office in offices]


def _check_bundle(
    ctx: Office,
    session: Session | None,
    query: Query,
    result: VerificationResult,
    report: BundleReport,
    mode: str,
    progress: Progress | None,
    new_blobs: list[str],
    kept: list[str],
) -> None:
    """The ledger, the forwarded bundles and the rows; written only when ``session`` is given
    and ``mode`` is "import"."""
    header = result.header
    assert header is not None and result.content_hash is not None
    writing = session is not None and mode == "import"
    if _already_imported(query, result.content_hash, report):
        return
    _check_sequence_free(query, header.sender_office, header.sequence)
    nested_seen: list[SeenRows] = []
    for nested, nested_report in zip(result.forwarded, report.forwarded, strict=True):
        nested_seen.append(
            _import_forwarded(
                ctx, session, query, nested, nested_report, report, mode=mode,
                progress=progress, new_blobs=new_blobs,
            )
        )  # fmt: skip
    with result.open() as verified:
        _import_rows(
            ctx, session if writing else None, query, verified, result, report,
            progress=progress, new_blobs=new_blobs, also_seen=nested_seen,
        )  # fmt: skip
        _take_revocations(ctx, session if writing else None, query, result, report)
        if writing:
            assert session is not None and isinstance(ctx, AppContext)
            for hook in list(_rows_written_hooks):
                hook(result.content_hash)
            _add_ledger(ctx, session, result, report, size=result.path.stat().st_size)
            # A village's bundle is kept at its kecamatan to forward the original; removed
            # again if the commit fails.
            if (
                ctx.office.role == "kecamatan"
                and header.sender_role == "desa"
                and keep_bundle(ctx.paths, result.content_hash, result.path, window=result.window)
            ):
                kept.append(result.content_hash)
            report.missing_sequences = gaps(session, header.sender_office)
            report.status = "imported"
        else:
            report.status = "verified" if mode == "verify" else "dry-run"


def _take_revocations(
    ctx: Office,
    session: Session | None,
    query: Query,
    result: VerificationResult,
    report: BundleReport,
) -> None:
    """The revocation list a feedback bundle carries: installed with the bundle's rows (given a
    ``session``) when it verifies under this office's roots and is newer; noted either way."""
    from smartcity_desktop.services.exchange.carried_revocations import judge_carried

    header = result.header
    assert header is not None
    if not header.extra:
        return
    outcome = judge_carried(header.extra, read_trust_state(query), installing=session is not None)
    if outcome.finding is not None:
        report.findings.append(outcome.finding)
    if session is not None and outcome.new_state is not None:
        from smartcity_desktop.storage.models import TrustStore

        assert isinstance(ctx, AppContext)
        session.merge(
            TrustStore(id=1, document=outcome.new_state.to_bytes(), updated_at=ctx.clock())
        )
        session.flush()


def _import_forwarded(
    ctx: Office,
    session: Session | None,
    query: Query,
    nested: VerificationResult,
    nested_report: BundleReport,
    outer: BundleReport,
    *,
    mode: str,
    progress: Progress | None,
    new_blobs: list[str],
) -> SeenRows:
    """One forwarded bundle, checked as if it had come directly: who may send it here, the
    ledger (one received directly before is "already imported", not a duplicate) and its rows.
    Any refusal refuses the outer bundle (the caller's transaction rolls back)."""
    header = nested.header
    assert header is not None and nested.content_hash is not None
    writing = session is not None and mode == "import"
    try:
        if header.sender_office == ctx.office.code or not may_receive(
            ctx.office.code, ctx.office.role, header.sender_office, header.sender_role
        ):
            raise _Refused(
                "forwarded.not_for_us",
                _(
                    "Paket teruskan dari {sender} ({role}) bukan untuk kantor ini ({office})."
                ).format(
                    sender=header.sender_office, role=header.sender_role, office=ctx.office.name
                ),
            )
        _check_sequence_range(header.sender_office, header.sequence)
        if _already_imported(query, nested.content_hash, nested_report):
            return SeenRows()
        _check_sequence_free(query, header.sender_office, header.sequence)
        with nested.open() as verified:
            seen = _import_rows(
                ctx, session if writing else None, query, verified, nested, nested_report,
                progress=progress, new_blobs=new_blobs,
            )  # fmt: skip
        if writing:
            assert session is not None and isinstance(ctx, AppContext)
            _add_ledger(
                ctx, session, nested, nested_report, size=nested.window[1],
                forwarded_by=outer.sender_office, file_name=outer.name,
            )  # fmt: skip
            nested_report.missing_sequences = gaps(session, header.sender_office)
            nested_report.status = "imported"
        else:
            nested_report.status = "verified" if mode == "verify" else "dry-run"
        return seen
    except _Refused as exc:
        nested_report.findings.append(exc.finding)
        nested_report.status = "refused"
        raise _Refused(
            exc.finding.code, _forwarded_message(nested_report, exc.finding.message)
        ) from exc


def _check_sequence_range(office: str, sequence: int) -> None:
    if sequence > MAX_SEQUENCE:
        raise _Refused(
            "ledger.sequence_out_of_range",
            _(
                "Nomor paket {seq} dari kantor {office} terlalu besar untuk dicatat. Paket ditolak; "
                "hubungi kantor itu."
            ).format(seq=sequence, office=office),
        )


def _already_imported(query: Query, content_hash: str, report: BundleReport) -> bool:
    if not bundle_imported(query, content_hash):
        return False
    report.status = "already"
    report.findings.append(
        Finding(
            "ledger.already_imported",
            _("Paket ini sudah pernah diimpor; tidak ada yang ditulis."),
        )
    )
    return True


def _check_sequence_free(query: Query, office: str, sequence: int) -> None:
    if sequence_taken(query, office, sequence):
        raise _Refused(
            "ledger.sequence_reused",
            _(
                "Kantor {office} sudah mengirim paket nomor {seq} dengan isi lain. Dua paket "
                "bernomor sama bisa berarti kuncinya dicuri: paket ditolak; hubungi kantor itu "
                "dan kabupaten."
            ).format(office=office, seq=sequence),
        )


def _add_ledger(
    ctx: AppContext,
    session: Session,
    result: VerificationResult,
    report: BundleReport,
    *,
    size: int,
    forwarded_by: str | None = None,
    file_name: str | None = None,
) -> None:
    from smartcity_desktop.storage.models import BundleLedger

    header = result.header
    assert header is not None and result.content_hash is not None
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
            file_name=(file_name or report.name)[:255],
            size=size,
            outcome=json.dumps(report.action_counts()),
            forwarded_by=forwarded_by,
        )
    )
    session.flush()


def _import_rows(
    ctx: Office,
    session: Session | None,
    query: Query,
    verified: VerifiedBundle,
    result: VerificationResult,
    report: BundleReport,
    *,
    progress: Progress | None,
    new_blobs: list[str],
    also_seen: Sequence[SeenRows] = (),
) -> SeenRows:
    """Check, plan and (given a ``session``) write the rows chunk by chunk in its transaction:
    only one chunk of rows is held at a time, whatever the size of the bundle. ``also_seen``: the
    rows of the bundles forwarded inside this one (not written in a dry run)."""
    progress = progress or NoProgress()
    total = sum(verified.header.record_counts.values())
    seen = SeenRows()
    for chunk in read_chunks(verified, seen):
        planned = plan(
            session if session is not None else query, chunk, seen, report,
            receiver=ctx.office.code, also_seen=also_seen,
        )  # fmt: skip
        if session is not None:
            assert isinstance(ctx, AppContext)
            write(ctx, session, planned, report, verified, result, new_blobs)
        if progress.cancelled():
            raise Cancelled()
        progress.report(len(seen), total, "")
    if session is not None:
        assert isinstance(ctx, AppContext)
        ctx.blobs.sync(new_blobs)  # photos on disk before the rows that point at them commit
    return seen


def _undo_files(ctx: Office, shas: list[str], kept: list[str]) -> None:
    if not isinstance(ctx, AppContext):
        return  # verify writes no files
    for sha in shas:
        ctx.blobs.remove(sha)
    for content_hash in kept:
        discard(ctx.paths, content_hash)


@contextmanager
def _stored(ctx: Office) -> Iterator[Query]:
    """Plain SQL reads of the office database: the read-only connection of a ReadOnlyOffice, or
    a session of the full database (no transaction: a read needs no integrity check first)."""
    if isinstance(ctx, ReadOnlyOffice):
        yield ctx.query
        return
    from smartcity_desktop.services.raw_sql import qmark_query  # SQLAlchemy: not for verify

    with ctx.db.session() as session:
        yield qmark_query(session)
