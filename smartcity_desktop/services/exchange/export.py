"""Export: this office's changed final rows (new revisions and tombstones) into a signed bundle."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from smartcity_desktop import __version__
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.writer import AttachmentFile, BundleWriteError, Sender, write_bundle
from smartcity_desktop.crypto.offices import regency_of
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.attachments import attachment_values
from smartcity_desktop.services.bundle_records import ATTACHMENT_KIND, SCHEMA_VERSION, bundle_row
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.common import CHUNK as _CHUNK
from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
from smartcity_desktop.services.office import unlock_key
from smartcity_desktop.services.records import values_from_row
from smartcity_desktop.services.trust import load_trust_state, office_certificate
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import BundleExport, ProposalLink, table_of

log = logging.getLogger(__name__)


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
