"""Import receipts: after each successful import, a "Tanda Terima" PDF in ``<data>/receipts``.

``services.exchange.importer.import_files`` calls ``write_receipt`` for every bundle it imported. The PDF is
written to a temporary file beside its final name and renamed into place, so a failure never leaves
half a receipt that looks complete.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _, current_language
from smartcity_desktop.reports.dates import to_local
from smartcity_desktop.reports.receipt import ReceiptData, build_receipt_pdf
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.import_report import BundleReport
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.regions import get_region
from smartcity_desktop.services.reports import _letterhead, write_document
from smartcity_desktop.services.settings import get_settings
from smartcity_desktop.storage.errors import translate_os_error

RECEIPTS_FOLDER = "receipts"


class ReceiptError(UserError):
    code = "receipt.write_failed"


def receipt_path(ctx: AppContext, report: BundleReport) -> Path:
    sender = report.sender_office or "unknown"
    digest = (report.content_hash or "")[:8]
    name = f"tanda-terima-{sender}-{report.sequence or 0:06d}-{digest}.pdf"
    return ctx.paths.root / RECEIPTS_FOLDER / name


def gather_receipt_data(ctx: AppContext, report: BundleReport) -> ReceiptData:
    if report.sender_office is None or report.sequence is None or report.content_hash is None:
        raise ValueError("a receipt needs an imported bundle's sender, sequence and hash")
    settings = get_settings(ctx)
    head, head_title = _letterhead(ctx, settings["office_address"])
    office = ctx.office
    if office.role == "kecamatan":
        # The recap's letterhead names the kecamatan as the district line; for the kecamatan's
        # own letter that would print its name twice.
        head = replace(head, district="")
    sender_region = get_region(ctx, report.sender_office)
    # Counted for every record, listed or not: a receipt for 200,000 rows is as small as any.
    actions = {kind: dict(per_kind) for kind, per_kind in report.kind_actions.items()}
    return ReceiptData(
        letterhead=head,
        head_title=head_title,
        head_name=settings["kepala_desa_name"],
        receiver_code=office.code,
        operator=office.operator,
        fingerprint=office_fingerprint(ctx),
        sender_code=report.sender_office,
        sender_name=sender_region.display_name if sender_region else "",
        sender_role=report.sender_role or "",
        sequence=report.sequence,
        content_hash=report.content_hash,
        trust_level=report.trust_level or "",
        created=to_local(datetime.fromisoformat(report.created)) if report.created else None,
        imported_at=to_local(ctx.clock()),
        files=[p.name for p in report.files],
        counts=dict(report.counts),
        actions=actions,
        missing_sequences=list(report.missing_sequences),
    )


def write_receipt(ctx: AppContext, report: BundleReport, *, language: str | None = None) -> Path:
    """Write the receipt for an imported bundle and return its path.

    ``language`` defaults to the caller's current language (worker threads do not inherit the GUI
    thread's language, so the GUI passes it explicitly). Raises a UserError when the file cannot
    be written; no partial file is left behind.
    """
    language = language or current_language()
    data = gather_receipt_data(ctx, report)
    target = receipt_path(ctx, report)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(exc, target.parent) from exc
    write_document(
        target, language, lambda path: build_receipt_pdf(data, path, language), _write_error
    )
    return target


def _write_error(exc: OSError, where: Path) -> UserError:
    return translate_os_error(exc, where) or ReceiptError(
        _(
            "Tanda terima tidak dapat disimpan ke {where} ({reason}). Data sudah diimpor dan "
            "tercatat di riwayat; periksa izin dan ruang kosong folder data."
        ).format(where=where, reason=exc.strerror or exc)
    )
