"""Reports for the office: gathers plain data from the services and hands it to ``reports``.

``build_desa_recap`` is what the GUI's Laporan page runs on a worker thread and what
``smartcity report desa`` runs. It writes to a temporary file in the target folder and renames it
into place only when the PDF is complete, so a cancelled or failed run never leaves half a file.
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _, current_language, set_language
from smartcity_desktop.reports.dates import to_local
from smartcity_desktop.reports.desa_recap import KINDS, build_recap_pdf
from smartcity_desktop.reports.progress import ReportCancelled, ReportProgress, check_cancelled
from smartcity_desktop.reports.recap_data import Letterhead, RecapData
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.regions import RegionView, get_region
from smartcity_desktop.services.settings import get_settings
from smartcity_desktop.storage.errors import DiskFullError, StorageError, translate_os_error

__all__ = [
    "ReportCancelled",
    "ReportProgress",
    "ReportWriteError",
    "build_desa_recap",
    "gather_recap_data",
]


T = TypeVar("T")


class ReportWriteError(StorageError):
    code = "report.write_failed"


def _ancestors(ctx: AppContext, code: str) -> dict[str, RegionView]:
    """The office's region and its parents by level; codes are their children's prefixes."""
    parts = code.split(".")
    found: dict[str, RegionView] = {}
    for n in range(2, len(parts) + 1):
        region = get_region(ctx, ".".join(parts[:n]))
        if region is not None:
            found[region.level] = region
    return found


def _strip_prefix(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _head_title(office: RegionView | None, role: str) -> str:
    if role == "kecamatan":
        return _("Camat")
    if role == "kabupaten":
        return _("Wali Kota") if office is not None and office.kind == "kota" else _("Bupati")
    if office is not None and office.kind == "kelurahan":
        return _("Lurah")
    return _("Kepala Desa")


def _letterhead(ctx: AppContext, address: str) -> tuple[Letterhead, str]:
    office = ctx.office
    regions = _ancestors(ctx, office.code)
    own = regions.get(
        {"desa": "desa_kelurahan", "kecamatan": "kecamatan"}.get(office.role, "kabupaten_kota")
    )
    regency = regions.get("kabupaten_kota")
    district = regions.get("kecamatan")
    regency_name = regency.name if regency else office.name
    head = Letterhead(
        regency=regency_name,
        # A kecamatan office is its own line of the letterhead: naming it twice reads as a slip.
        district=district.name if district and office.role == "desa" else "",
        office=office.name,
        office_place=own.name if own else office.name,
        regency_place=_strip_prefix(regency_name),
        address=address,
    )
    return head, _head_title(own, office.role)


def gather_recap_data(ctx: AppContext, progress: ReportProgress | None = None) -> RecapData:
    """Final, non-deleted records of this office, plus everything the letterhead needs."""
    settings = get_settings(ctx)
    head, head_title = _letterhead(ctx, settings["office_address"])
    service = RecordService(ctx)
    own = ctx.office.code
    records = {}
    drafts = 0
    for kind in KINDS:
        check_cancelled(progress)
        if progress is not None:  # total 0: a busy indicator; layout reports real steps later
            progress.report(0, 0, _("Mengumpulkan catatan"))
        records[RecordKind(kind)] = service.records(
            kind, ListFilter(status="final", office_code=own)
        )
        drafts += len(service.table_rows(kind, [], ListFilter(status="draft", office_code=own)))
    return RecapData(
        letterhead=head,
        head_title=head_title,
        head_name=settings["kepala_desa_name"],
        fingerprint=office_fingerprint(ctx),
        generated_at=to_local(ctx.clock()),
        records=records,
        drafts_left_out=drafts,
    )


def _write_error(exc: OSError, where: Path) -> UserError:
    translated = translate_os_error(exc, where)
    if isinstance(translated, DiskFullError):
        return translated
    # storage's read-only message talks about the data folder; this is the report's own folder.
    return ReportWriteError(
        _(
            "Laporan tidak dapat disimpan ke {where} ({reason}). Periksa izin folder, tutup berkas "
            "itu bila sedang dibuka di program lain, atau pilih folder lain."
        ).format(where=where, reason=exc.strerror or exc)
    )


def _check_target(out_path: Path) -> None:
    if out_path.is_dir():
        raise ReportWriteError(
            _("{path} adalah folder; tuliskan nama berkas, misalnya rekap-desa.pdf.").format(
                path=out_path
            )
        )
    if not out_path.parent.is_dir():
        raise ReportWriteError(
            _("Folder {folder} tidak ada. Pilih folder yang sudah ada untuk laporan.").format(
                folder=out_path.parent
            )
        )


def build_desa_recap(
    ctx: AppContext,
    out_path: Path,
    progress: ReportProgress | None = None,
    *,
    language: str | None = None,
) -> Path:
    """Write the village recap PDF to ``out_path`` and return it.

    ``language`` defaults to the caller's current language. Worker threads do not inherit the
    GUI thread's language (it is a context variable), so the GUI should pass it explicitly.
    Raises ``ReportCancelled`` when ``progress.cancelled()`` turns true, and a ``UserError`` when
    the file cannot be written; in both cases no file is left behind.
    """
    if ctx.office.role != "desa":
        # It would be an empty recap of the office's own (non-existent) records.
        raise UserError(
            _(
                "Rekap Desa dibuat oleh kantor desa/kelurahan. Kantor ini adalah {office}: "
                "gunakan Rekap Kecamatan atau Berita Acara Verifikasi."
            ).format(office=ctx.office.name),
            code="report.desa_only",
        )
    return write_report(ctx, out_path, progress, language, gather_recap_data, build_recap_pdf)


def write_report(
    ctx: AppContext,
    out_path: Path,
    progress: ReportProgress | None,
    language: str | None,
    gather: Callable[[AppContext, ReportProgress | None], T],
    layout: Callable[[T, Path, ReportProgress | None, str], Any],
) -> Path:
    """Gather a report's data and lay it out as a PDF at ``out_path`` (absolute, returned), in
    ``language`` or the current one, with ``progress`` and cancellation, through
    ``write_document``."""
    out_path = Path(out_path).absolute()
    language = language or current_language()
    _check_target(out_path)

    def build(tmp_path: Path) -> None:
        layout(gather(ctx, progress), tmp_path, progress, language)
        check_cancelled(progress)

    write_document(out_path, language, build, _write_error)
    return out_path


def write_document(
    target: Path,
    language: str,
    build: Callable[[Path], None],
    write_error: Callable[[OSError, Path], UserError],
) -> None:
    """Run ``build`` in ``language`` on a temporary file beside ``target``, then rename it into
    place: a cancelled or failed build never leaves half a file. An OSError while creating,
    writing or renaming becomes ``write_error(exc, folder or target)``."""
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.stem}-", suffix=".part", dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise write_error(exc, target.parent) from exc
    tmp_path = Path(tmp_name)
    try:
        # A copied context keeps the chosen language from leaking into the caller's thread.
        contextvars.copy_context().run(_build_in_language, language, build, tmp_path)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise write_error(exc, target) from exc
    finally:
        tmp_path.unlink(missing_ok=True)


def _build_in_language(language: str, build: Callable[[Path], None], path: Path) -> None:
    set_language(language)
    build(path)
