"""Export: this office's changed final rows (new revisions and tombstones) into a signed bundle."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartcity_desktop import __version__
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.writer import AttachmentFile, BundleWriteError, Sender, stage_bundle
from smartcity_desktop.crypto.certificates import Certificate
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.offices import regency_of
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.review import values_of
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.attachments import attachment_values
from smartcity_desktop.services.bundle_records import (
    ATTACHMENT_KIND,
    REVIEW_KIND,
    SCHEMA_VERSION,
    bundle_row,
)
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_journal as journal
from smartcity_desktop.services.exchange.common import CHUNK as _CHUNK
from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
from smartcity_desktop.services.exchange.export_lock import export_lock
from smartcity_desktop.services.office import unlock_key
from smartcity_desktop.services.records import values_from_row
from smartcity_desktop.services.trust import load_trust_state, office_certificate
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import (
    EXPORT_ABANDONED,
    EXPORT_DONE,
    BundleExport,
    ProposalLink,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    sequence: int
    content_hash: str
    counts: dict[str, int]
    size: int
    full: bool
    forwarded: tuple[str, ...] = ()  # content hashes of the village bundles carried


def pending_counts(ctx: AppContext, *, full: bool = False) -> dict[str, int]:
    """How many rows the next export would carry, per kind."""
    office = ctx.office.code
    with ctx.db.session() as session:
        counts = {
            kind: session.scalar(
                select(func.count())
                .select_from(MODELS[kind])
                .where(*_export_filter(MODELS[kind], office, full))
            )
            or 0
            for kind in EXCHANGED_KINDS
        }
    if not counts[REVIEW_KIND]:  # only offices that review have reviews to send
        del counts[REVIEW_KIND]
    return counts


def _export_filter(model: Any, office: str, full: bool) -> list[Any]:
    conditions = [model.office_code == office, model.status == "final"]
    if not full:
        conditions.append((model.sent_revision.is_(None)) | (model.sent_revision < model.revision))
    return conditions


def last_export(ctx: AppContext) -> BundleExport | None:
    """The latest bundle that was completely written (interrupted ones never went out)."""
    with ctx.db.session() as session:
        return session.scalars(
            select(BundleExport)
            .where(BundleExport.status == EXPORT_DONE)
            .order_by(BundleExport.sequence.desc())
        ).first()


def abandoned_numbers(ctx: AppContext, before: int | None = None) -> list[int]:
    """Numbers of interrupted exports since the last complete one (the one before ``before``):
    the receiver will see them missing."""
    below = [BundleExport.sequence < before] if before is not None else []
    with ctx.db.session() as session:
        last_done = session.scalar(
            select(func.max(BundleExport.sequence)).where(
                BundleExport.status == EXPORT_DONE, *below
            )
        )
        return list(
            session.scalars(
                select(BundleExport.sequence)
                .where(
                    BundleExport.status == EXPORT_ABANDONED,
                    BundleExport.sequence > (last_done or 0),
                    *below,
                )
                .order_by(BundleExport.sequence)
            )
        )


def export_bundle(
    ctx: AppContext,
    passphrase: str,
    out: Path,
    *,
    full: bool = False,
    max_part_size: int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the office's changes (or everything with ``full``) into a signed bundle.

    One export at a time per office (ExportBusy for a second one, from any process). The number is
    reserved before any file exists and the records are marked sent only once every file has its
    final name, so an interruption at any point never gives one number to two bundles nor counts
    as sent a record that did not go out.
    """
    progress = progress or NoProgress()
    if ctx.office.role == "kabupaten":
        # The top of the chain: nobody would import the bundle, yet its rows would count as sent.
        raise UserError(
            _(
                "Kabupaten tidak mengirim data ke kantor di atasnya, jadi tidak ada paket yang "
                "dibuat. Hasil verifikasi kabupaten sampai ke desa lewat berkas umpan balik: "
                "'smartcity feedback --out FOLDER' atau halaman Kirim Data."
            ),
            code="export.top_of_chain",
        )
    if max_part_size is not None and max_part_size < 64 * 1024:
        raise UserError(_("Ukuran bagian terlalu kecil: minimal 64K."), code="export.part_size")
    with export_lock(ctx.paths, ctx.db):
        # Holding the lock, any export still pending was interrupted: its number is burnt.
        journal.abandon_pending(ctx)
        return _export(ctx, passphrase, out, full, max_part_size, progress)


def _export(
    ctx: AppContext,
    passphrase: str,
    out: Path,
    full: bool,
    max_part_size: int | None,
    progress: Progress,
    forwarded: Sequence[tuple[str, Path]] = (),
) -> ExportResult:
    """The export itself, under the lock; ``forwarded``: (ledger content hash, kept file) of the
    village bundles a kecamatan forwards, marked forwarded with the export's done-marking."""
    signing_key, certificate = signing_identity(ctx, passphrase)
    _export_folder(out)  # before reading rows: a missing folder says so at once
    rows, sent, files = _select_rows(ctx, full)
    counts = {kind: len(items) for kind, items in rows.items()}
    if not full and not any(counts.values()) and not forwarded:
        raise UserError(
            _(
                "Tidak ada perubahan yang belum dikirim. Untuk mengirim semua data sekali lagi, "
                "pilih kirim semua data."
            ),
            code="export.nothing",
        )
    return write_signed(
        ctx,
        (signing_key, certificate),
        out,
        rows=rows,
        sent=sent,
        files=files,
        full=full,
        forwarded=forwarded,
        max_part_size=max_part_size,
        progress=progress,
    )


def signing_identity(ctx: AppContext, passphrase: str) -> tuple[SigningKey, Certificate | None]:
    """This office's unlocked key and its certificate; refuses an uncertified key where the
    regency certifies (its bundles would be refused everywhere)."""
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
    return signing_key, certificate


def write_signed(
    ctx: AppContext,
    identity: tuple[SigningKey, Certificate | None],
    out: Path,
    *,
    rows: dict[str, list[dict[str, Any]]],
    sent: journal.SentVersions,
    files: dict[str, AttachmentFile],
    full: bool,
    forwarded: Sequence[tuple[str, Path]] = (),
    max_part_size: int | None,
    progress: Progress,
    name: str = "smartcity-{office}-{sequence:06d}.scb",
    extra: dict[str, Any] | None = None,
) -> ExportResult:
    """Reserve the number, write, publish and mark done (journal.py), under the caller's lock.
    ``out`` is a file, or a folder that gets ``name`` (formatted with office and sequence);
    ``extra`` goes into the header's ``extra`` object."""
    office = ctx.office
    signing_key, certificate = identity
    folder = _export_folder(out)
    counts = {kind: len(items) for kind, items in rows.items()}
    sequence = journal.reserve(
        ctx, key_id=signing_key.public.key_id, full=full, counts=counts, folder=folder
    )
    target = folder / name.format(office=office.code, sequence=sequence) if out.is_dir() else out
    try:
        staged = stage_bundle(
            target,
            sender=Sender(office.code, office.role, signing_key, certificate),
            sequence=sequence,
            records=rows,
            app_version=__version__,
            schema_version=SCHEMA_VERSION,
            attachments=files.values(),
            forwarded=[path for _hash, path in forwarded],
            progress=progress,
            split_size=max_part_size,
            extra=extra,
        )
    except BaseException as exc:
        # No file ever had a final name: the number can be given to the next bundle.
        _close_quietly(journal.release, ctx, sequence)
        _raise_write_error(exc, target)
    published = False
    try:
        journal.record_staged(ctx, sequence, staged)
        published = True  # from here some final names may exist, even if publish fails half-way
        written = staged.publish()
        journal.finish(ctx, sequence, sent, forwarded=[h for h, _path in forwarded])
    except BaseException as exc:
        staged.discard(published=published)
        _close_quietly(journal.abandon if published else journal.release, ctx, sequence)
        _raise_write_error(exc, target)
    log.info("exported bundle %s #%d (%s)", office.code, sequence, counts)
    return ExportResult(
        written.paths,
        sequence,
        written.content_hash,
        counts,
        written.size,
        full,
        tuple(h for h, _path in forwarded),
    )


def _select_rows(
    ctx: AppContext, full: bool
) -> tuple[
    dict[str, list[dict[str, Any]]], dict[str, list[tuple[str, int]]], dict[str, AttachmentFile]
]:
    office = ctx.office.code
    rows: dict[str, list[dict[str, Any]]] = {}
    sent: dict[str, list[tuple[str, int]]] = {}
    files: dict[str, AttachmentFile] = {}
    with ctx.db.session() as session:
        for kind in EXCHANGED_KINDS:
            model = MODELS[kind]
            selected = session.scalars(
                select(model)
                .where(*_export_filter(model, office, full))
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
                elif kind == REVIEW_KIND:
                    rows[kind].append(bundle_row(row, values_of(row)))
                else:
                    values = values_from_row(RecordKind(kind), row, links.get(row.id, {}))
                    rows[kind].append(bundle_row(row, values))
            sent[kind] = [(r.id, r.revision) for r in selected]
    if not rows[REVIEW_KIND]:
        # No empty review file: a bundle without reviews stays readable by older readers.
        del rows[REVIEW_KIND]
    return rows, sent, files


def _raise_write_error(exc: BaseException, target: Path) -> NoReturn:
    """Raise the user's message for a failed write; anything unexpected passes unchanged."""
    if isinstance(exc, Cancelled):
        raise UserError(
            _("Pembuatan paket dibatalkan; tidak ada berkas yang dibuat."), code="export.cancelled"
        ) from exc
    if isinstance(exc, BundleWriteError):
        raise UserError(str(exc), code="export.failed") from exc
    if isinstance(exc, OSError):
        raise (
            translate_os_error(exc, target.parent)
            or UserError(
                _("Paket tidak dapat ditulis ke {path}: {reason}").format(
                    path=target, reason=exc.strerror or exc
                )
            )
        ) from exc
    raise exc


def _close_quietly(
    close: Callable[[AppContext, int], None], ctx: AppContext, sequence: int
) -> None:
    # The export already failed with its own message; if the journal cannot be updated either
    # (a full disk), the row stays pending and the next start or export closes it.
    try:
        close(ctx, sequence)
    except Exception:
        log.warning("export %d left pending after a failure", sequence, exc_info=True)


def _export_folder(out: Path) -> Path:
    folder = out if out.is_dir() else out.parent
    if not folder.is_dir():
        raise UserError(
            _("Folder tujuan {folder} tidak ada.").format(folder=folder),
            code="export.no_folder",
        )
    return folder


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
