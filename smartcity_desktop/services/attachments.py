"""Attaching photos and PDFs to records, removing them, and opening them.

The blob is written first and the row second, in one transaction; if the row cannot be written the
newly written blob is removed again, so nothing half-saved is left behind. A file name is shown,
never used: an attachment is opened as a copy named by its hash and the extension of its checked
type, so a name such as "surat.pdf.exe" can never make the system run it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import Status, content_hash, new_record_id
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.blobs import CHUNK
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.filetypes import (
    EXTENSIONS,
    identify_file,
    opened_name,
    safe_display_name,
    type_label,
    visible_name,
)
from smartcity_desktop.storage.media import AttachmentError, PreparedFile, prepare_attachment
from smartcity_desktop.storage.models import RECORD_MODELS, Attachment

# Copies handed to a viewer are kept this long, so one still open is not pulled away.
OPENED_COPY_SECONDS = 24 * 3600

# Re-exported for the GUI, which talks to services only.
__all__ = [
    "AttachmentError",
    "AttachmentInfo",
    "AttachmentService",
    "PreparedFile",
    "attachment_values",
]


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    record_kind: str
    record_id: str
    sha256: str
    filename: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    path: Path

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def attachment_values(row: Attachment) -> dict[str, object]:
    return {
        "record_kind": row.record_kind,
        "record_id": row.record_id,
        "sha256": row.sha256,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "caption": row.caption,
    }


class AttachmentService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def prepare(self, path: Path) -> PreparedFile:
        """The slow part (reading, decoding, shrinking): safe to run off the GUI thread."""
        return prepare_attachment(path)

    def attach_file(self, kind: RecordKind, record_id: str, path: Path) -> Change:
        return self.attach_prepared(kind, record_id, self.prepare(path))

    def attach_prepared(self, kind: RecordKind, record_id: str, prepared: PreparedFile) -> Change:
        kind = RecordKind(kind)
        blobs = self.ctx.blobs
        sha, new_blob = blobs.put_bytes(prepared.data)
        try:
            with self.ctx.db.transaction() as session:
                record = session.get(RECORD_MODELS[kind.value], record_id)
                if record is None or record.deleted:
                    raise UserError(_("Catatan untuk lampiran ini tidak ditemukan."))
                if record.office_code != self.ctx.office.code:
                    raise UserError(_("Lampiran hanya dapat ditambahkan pada catatan kantor ini."))
                now = self.ctx.clock()
                final = record.status == Status.FINAL.value
                row = Attachment(
                    id=new_record_id(),
                    office_code=self.ctx.office.code,
                    revision=1 if final else 0,
                    status=Status.FINAL.value if final else Status.DRAFT.value,
                    deleted=False,
                    created_at=now,
                    updated_at=now,
                    author=self.ctx.office.operator,
                    record_kind=kind.value,
                    record_id=record_id,
                    sha256=sha,
                    filename=safe_display_name(prepared.filename, prepared.media_type),
                    media_type=prepared.media_type,
                    size=len(prepared.data),
                    width=prepared.width,
                    height=prepared.height,
                )
                row.content_hash = content_hash(
                    "attachment",
                    row.id,
                    row.office_code,
                    row.revision,
                    row.status,
                    False,
                    attachment_values(row),
                )
                session.add(row)
                attachment_id = row.id
        except BaseException:
            if new_blob:
                blobs.remove(sha)
            raise
        return Change(
            Action.ATTACHED, frozenset({kind.value, "attachment"}), (record_id, attachment_id)
        )

    def remove(self, attachment_id: str) -> Change:
        with self.ctx.db.transaction() as session:
            row = session.get(Attachment, attachment_id)
            if row is None or row.deleted:
                raise UserError(_("Lampiran tidak ditemukan (mungkin sudah dihapus)."))
            if row.office_code != self.ctx.office.code:
                raise UserError(_("Lampiran milik kantor lain tidak dapat dihapus."))
            row.deleted = True
            if row.status == Status.FINAL.value:
                row.revision += 1
            row.updated_at = self.ctx.clock()
            row.content_hash = content_hash(
                "attachment",
                row.id,
                row.office_code,
                row.revision,
                row.status,
                True,
                attachment_values(row),
            )
            return Change(
                Action.DETACHED, frozenset({row.record_kind, "attachment"}), (row.record_id, row.id)
            )

    def for_record(self, record_id: str) -> list[AttachmentInfo]:
        """The record's live attachments, made by the record's own office only: another office
        could have sent a photo row pointing at this record before the record itself arrived."""
        with self.ctx.db.session() as session:
            found = session.scalars(
                select(Attachment)
                .where(Attachment.record_id == record_id, Attachment.deleted.is_(False))
                .order_by(Attachment.created_at)
            ).all()
            owners: dict[str, str | None] = {}
            for kind in {r.record_kind for r in found}:
                model = RECORD_MODELS.get(kind)
                owners[kind] = (
                    session.scalar(select(model.office_code).where(model.id == record_id))
                    if model is not None
                    else None
                )
            rows = [r for r in found if owners.get(r.record_kind) == r.office_code]
        blobs = self.ctx.blobs
        return [
            AttachmentInfo(
                r.id,
                r.record_kind,
                r.record_id,
                r.sha256,
                _display_name(r.filename, r.media_type),
                r.media_type,
                r.size,
                r.width,
                r.height,
                blobs.path_for(r.sha256),
            )
            for r in rows
        ]

    def opened_copy(self, attachment_id: str) -> Path:
        """A copy of the attachment for the system's viewer: ``<sha256>.<extension>`` in the data
        folder's cache, the extension being that of its type as checked on its bytes now."""
        with self.ctx.db.session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None or row.deleted:
                raise UserError(_("Lampiran tidak ditemukan (mungkin sudah dihapus)."))
            sha, media_type = row.sha256, row.media_type
            name = _display_name(row.filename, row.media_type)
        source = self.ctx.blobs.path_for(sha)
        try:
            found = identify_file(source)
        except FileNotFoundError as exc:
            raise UserError(
                _("Lampiran '{name}' tidak dapat dibuka: berkasnya tidak ada.").format(name=name),
                code="attachment.missing",
            ) from exc
        # Rows imported before bundles' files were checked may still declare another type.
        if media_type not in EXTENSIONS or found.media_type != media_type:
            raise UserError(
                _(
                    "Lampiran '{name}' tidak dibuka: isinya {actual}, bukan {declared}. Berkas "
                    "seperti ini dapat berbahaya; hapus lampiran ini."
                ).format(
                    name=name,
                    actual=found.description,
                    declared=type_label(media_type) if media_type in EXTENSIONS else media_type,
                ),
                code="attachment.type_mismatch",
            )
        folder = self.ctx.paths.opened_copies
        target = folder / opened_name(sha, media_type)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _remove_old_copies(folder, keep=target)
            if _holds(target, sha):
                os.utime(target)
                return target
            partial = folder / f".{target.name}.{secrets.token_hex(4)}.partial"
            try:
                digest = hashlib.sha256()
                with source.open("rb") as src, partial.open("xb") as out:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != sha:
                    raise UserError(
                        _(
                            "Lampiran '{name}' tidak dapat dibuka: berkasnya di folder data sudah "
                            "berubah atau rusak."
                        ).format(name=name),
                        code="attachment.damaged",
                    )
                partial.chmod(0o444)  # a viewer must not save its edits into the copy
                if target.exists():  # a copy someone changed: read-only, so unlock it first
                    target.chmod(0o644)
                    target.unlink()
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        except OSError as exc:
            raise (translate_os_error(exc, folder) or exc) from exc
        return target

    def count(self) -> int:
        with self.ctx.db.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Attachment)
                    .where(Attachment.deleted.is_(False))
                )
                or 0
            )


def _display_name(filename: str, media_type: str) -> str:
    # Rows stored before names were made safe are shown safely too.
    if media_type in EXTENSIONS:
        return safe_display_name(filename, media_type)
    return visible_name(filename)


def _holds(path: Path, sha256: str) -> bool:
    try:
        with path.open("rb") as fh:
            digest = hashlib.sha256()
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256


def _remove_old_copies(folder: Path, *, keep: Path) -> None:
    """Best effort: a copy still open in a viewer on Windows cannot be removed, and stays."""
    cutoff = time.time() - OPENED_COPY_SECONDS
    for entry in folder.iterdir():
        if entry == keep or entry.name.startswith("."):
            continue
        try:
            if entry.stat().st_mtime < cutoff:
                entry.chmod(0o644)
                entry.unlink()
        except OSError:
            continue
