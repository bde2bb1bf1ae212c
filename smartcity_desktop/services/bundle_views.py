"""What the bundle and key screens show, as plain data: previews, status, formatted times.

Installing a root key or certifying a request is only safe after a person compared a fingerprint
by phone, so the screens need to read such a file and show who it claims to be *before* anything
is stored. These helpers read and check the files without changing the trust store; the changing
calls stay in ``services.trust``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from smartcity_desktop.crypto.certificates import CertificationRequest, RootKey
from smartcity_desktop.crypto.keys import fingerprint
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_date_long, format_datetime_long, to_local
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import active_key_row
from smartcity_desktop.services.regions import get_region
from smartcity_desktop.services.trust import (
    _read_small_file,
    office_certificate,
    problem_to_user_error,
)


@dataclass(frozen=True)
class RequestPreview:
    office_code: str
    office_name: str  # from the region list; empty when unknown
    role: str
    operator: str
    fingerprint: str
    created: str  # long local date and time


@dataclass(frozen=True)
class RootPreview:
    regency_code: str
    regency_name: str
    fingerprint: str


@dataclass(frozen=True)
class KeyStatus:
    fingerprint: str
    key_id: str
    certified: bool
    valid_from: str  # long dates; empty when not certified
    valid_until: str
    expired: bool


def _region_name(ctx: AppContext, code: str) -> str:
    region = get_region(ctx, code)
    return region.display_name if region else ""


def preview_request(ctx: AppContext, path: Path) -> RequestPreview:
    """Read and check a certification request (its signature proves key possession)."""
    try:
        request = CertificationRequest.from_bytes(_read_small_file(path, _("permintaan")))
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    return RequestPreview(
        office_code=request.office_code,
        office_name=_region_name(ctx, request.office_code),
        role=request.role,
        operator=request.operator,
        fingerprint=request.public_key.fingerprint,
        created=format_datetime_long(to_local(request.created)),
    )


def preview_root(ctx: AppContext, path: Path) -> RootPreview:
    """Read and check a regency root key file without installing it."""
    try:
        root = RootKey.from_bytes(_read_small_file(path, _("kunci induk")))
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    return RootPreview(root.regency_code, _region_name(ctx, root.regency_code), root.fingerprint)


def key_status(ctx: AppContext, now: datetime | None = None) -> KeyStatus:
    key = active_key_row(ctx)
    certificate = office_certificate(ctx)
    moment = now or datetime.now(UTC)
    if certificate is None:
        return KeyStatus(fingerprint(key.public_key), key.key_id, False, "", "", False)
    return KeyStatus(
        fingerprint=fingerprint(key.public_key),
        key_id=key.key_id,
        certified=True,
        valid_from=format_date_long(to_local(certificate.valid_from).date()),
        valid_until=format_date_long(to_local(certificate.valid_until).date()),
        expired=not certificate.valid_from <= moment <= certificate.valid_until,
    )


def qr_png(text: str, scale: int = 6) -> bytes:
    """A QR code of ``text`` as PNG bytes (a phone can read the fingerprint off the screen)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportSummary:
    sequence: int
    when: str  # long local date and time
    files: list[str]
    size: int
    full: bool


def last_export_summary(ctx: AppContext) -> ExportSummary | None:
    from smartcity_desktop.services.exchange import last_export

    row = last_export(ctx)
    if row is None:
        return None
    return ExportSummary(
        sequence=row.sequence,
        when=format_datetime_long(to_local(row.created_at)),
        files=list(json.loads(row.files)),
        size=row.size or 0,
        full=row.full,
    )


def format_when(value: str | datetime | None) -> str:
    """A stored time (naive UTC, or ISO text ending in Z) in long local form."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_datetime_long(to_local(value))
