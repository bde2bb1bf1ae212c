"""The kecamatan's forward bundle: its own rows (reviews, village verdicts) plus the original
bundles of its villages, byte for byte, under ``data/forwarded/``, signed by the kecamatan.

The originals are the files kept at import (``kept.py``). Which were forwarded is recorded in the
ledger (``forwarded_by`` = this office's code; at the kabupaten the same column names the
kecamatan that forwarded a bundle) in the transaction that marks the export done, so a forward
interrupted at any point forwards them again next time and never counts one as sent that did not
go out. Number, lock and crash safety are the export's own (``export.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from smartcity_desktop.bundles.progress import NoProgress, Progress
from smartcity_desktop.crypto.offices import parent_code
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_journal as journal
from smartcity_desktop.services.exchange.export import ExportResult, _export
from smartcity_desktop.services.exchange.export_lock import export_lock
from smartcity_desktop.services.exchange.kept import kept_path
from smartcity_desktop.storage.models import BundleLedger


def forwardable(ctx: AppContext, desa: Sequence[str] = ()) -> list[BundleLedger]:
    """The imported village bundles not yet forwarded (of the villages ``desa``, if given),
    oldest first, whose original file is kept."""
    _check_kecamatan(ctx)
    for code in desa:
        if parent_code(code) != ctx.office.code:
            raise UserError(
                _("Desa {code} tidak berada di bawah {office}; pilih desa kecamatan ini.").format(
                    code=code, office=ctx.office.name
                ),
                code="forward.outside_area",
            )
    query = select(BundleLedger).where(
        BundleLedger.sender_role == "desa", BundleLedger.forwarded_by.is_(None)
    )
    if desa:
        query = query.where(BundleLedger.sender_office.in_(list(desa)))
    with ctx.db.session() as session:
        rows = session.scalars(
            query.order_by(BundleLedger.sender_office, BundleLedger.sequence)
        ).all()
        session.expunge_all()
    return [row for row in rows if kept_path(ctx.paths, row.content_hash).is_file()]


def forward_bundle(
    ctx: AppContext,
    passphrase: str,
    out: Path,
    *,
    desa: Sequence[str] = (),
    max_part_size: int | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the forward bundle: every village bundle not yet forwarded (or those of ``desa``)
    and this office's own unsent rows. Split into parts like any bundle with ``max_part_size``."""
    progress = progress or NoProgress()
    _check_kecamatan(ctx)
    if max_part_size is not None and max_part_size < 64 * 1024:
        raise UserError(_("Ukuran bagian terlalu kecil: minimal 64K."), code="export.part_size")
    with export_lock(ctx.paths, ctx.db):
        journal.abandon_pending(ctx)
        chosen = [(row.content_hash, kept_path(ctx.paths, row.content_hash))
                  for row in forwardable(ctx, desa)]  # fmt: skip
        try:
            return _export(ctx, passphrase, out, False, max_part_size, progress, chosen)
        except UserError as exc:
            if exc.code != "export.nothing":
                raise
            raise UserError(
                _(
                    "Tidak ada paket desa yang belum diteruskan dan tidak ada reviu yang belum "
                    "dikirim. Impor paket desa lebih dulu (halaman Terima Data)."
                ),
                code="forward.nothing",
            ) from exc


def _check_kecamatan(ctx: AppContext) -> None:
    if ctx.office.role != "kecamatan":
        raise UserError(
            _("Hanya kecamatan yang meneruskan paket desa ke kabupaten."),
            code="forward.not_kecamatan",
        )
