"""Keys and offline trust for an office: root keys, certificates, pins, revocations, rotation.

The trust state is kept as one document (``crypto.trust.TrustState``) in the database. A kabupaten
always trusts its own root key; other offices install the regency's root public key from a file and
check its fingerprint by phone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from smartcity_desktop.crypto.certificates import (
    Certificate,
    CertificationRequest,
    RevocationEntry,
    RootKey,
    certify,
    issue_revocation_list,
)
from smartcity_desktop.crypto.keys import SigningKey, fingerprint, normalise_fingerprint, unseal
from smartcity_desktop.crypto.offices import is_within, regency_of, role_of_code
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.trust import Pin, TrustState
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import active_key_row, unlock_key
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import (
    BundleExport,
    BundleLedger,
    IssuedCertificate,
    OfficeKey,
    TrustStore,
)

MAX_FILE = 1024 * 1024  # certificates, requests and lists are a few KB


class TrustError(UserError):
    code = "trust.refused"


def problem_to_user_error(exc: ProblemError) -> UserError:
    return UserError(exc.problem.message, code=exc.problem.code)


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- trust state ---------------------------------------------------------------------------------


def load_trust_state(ctx: AppContext) -> TrustState:
    with ctx.db.session() as session:
        row = session.get(TrustStore, 1)
    return TrustState.from_bytes(row.document) if row else TrustState()


def save_trust_state(ctx: AppContext, state: TrustState) -> None:
    with ctx.db.transaction() as session:
        session.merge(TrustStore(id=1, document=state.to_bytes(), updated_at=ctx.clock()))


def _read_small_file(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE + 1)
    except OSError as exc:
        raise UserError(
            _("Berkas {what} {path} tidak dapat dibaca: {reason}").format(
                what=what, path=path, reason=exc.strerror or exc
            )
        ) from exc
    if len(data) > MAX_FILE:
        raise UserError(
            _("Berkas {path} terlalu besar untuk berkas {what}.").format(path=path, what=what)
        )
    return data


def _write_file(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + ".partial")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise (translate_os_error(exc, path.parent) or UserError(str(exc))) from exc
    return path


def add_root(ctx: AppContext, path: Path) -> RootKey:
    """Install the regency's root public key (``trust add-root``)."""
    try:
        root = RootKey.from_bytes(_read_small_file(path, _("kunci induk")))
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    regency = regency_of(ctx.office.code)
    if root.regency_code != regency:
        raise TrustError(
            _(
                "Kunci induk ini milik wilayah {other}, bukan {own}. Minta berkas kunci induk dari "
                "kabupaten Anda sendiri."
            ).format(other=root.regency_code, own=regency),
            code="trust.root_other_regency",
        )
    save_trust_state(ctx, load_trust_state(ctx).with_root(root))
    return root


def pin_office(ctx: AppContext, office_code: str, fingerprint_text: str, note: str = "") -> Pin:
    """Trust an uncertified office key after checking its fingerprint by phone (``trust pin``)."""
    try:
        role = role_of_code(office_code)
    except ValueError as exc:
        raise TrustError(_("Kode kantor '{code}' tidak valid.").format(code=office_code)) from exc
    try:
        fp = normalise_fingerprint(fingerprint_text)
    except ValueError as exc:
        raise TrustError(str(exc), code="trust.bad_fingerprint") from exc
    if office_code == ctx.office.code:
        raise TrustError(_("Kantor ini tidak perlu menyematkan kuncinya sendiri."))
    pin = Pin(
        office_code=office_code,
        role=role,
        fingerprint=fp,
        pinned_at=datetime.now(UTC).replace(microsecond=0),
        note=note,
    )
    save_trust_state(ctx, load_trust_state(ctx).with_pin(pin))
    return pin


def install_revocations(ctx: AppContext, path: Path) -> int:
    """Install a newer revocation list (``trust update``); returns its version."""
    from smartcity_desktop.crypto.certificates import RevocationList

    try:
        revocations = RevocationList.from_bytes(_read_small_file(path, _("daftar pencabutan")))
        state = load_trust_state(ctx)
        if not state.roots:
            raise TrustError(
                _("Pasang dulu kunci induk kabupaten (trust add-root) sebelum daftar pencabutan."),
                code="trust.no_root",
            )
        state = state.with_revocation_list(revocations)
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    save_trust_state(ctx, state)
    return revocations.version


@dataclass(frozen=True)
class TrustSummary:
    roots: list[dict[str, str]]
    pins: list[dict[str, str]]
    revocations: list[dict[str, object]]
    office_key: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        return {
            "roots": self.roots,
            "pins": self.pins,
            "revocations": self.revocations,
            "office_key": self.office_key,
        }


def trust_summary(ctx: AppContext) -> TrustSummary:
    state = load_trust_state(ctx)
    key = active_key_row(ctx)
    cert = Certificate.from_dict(json.loads(key.certificate)) if key.certificate else None
    return TrustSummary(
        roots=[
            {"regency": r.regency_code, "key_id": r.key_id, "fingerprint": r.fingerprint}
            for r in state.roots
        ],
        pins=[
            {
                "office": p.office_code,
                "role": p.role,
                "fingerprint": p.fingerprint,
                "pinned_at": p.pinned_at.isoformat(),
            }
            for p in state.pins
        ],
        revocations=[
            {
                "regency": r.regency_code,
                "version": r.version,
                "entries": [
                    {
                        "office": e.office_code,
                        "key_id": e.key_id,
                        "after_sequence": e.revoked_after_sequence,
                    }
                    for e in r.entries
                ],
            }
            for r in state.revocations
        ],
        office_key={
            "key_id": key.key_id,
            "fingerprint": fingerprint(key.public_key),
            "certified": cert is not None,
            "valid_until": cert.valid_until.isoformat() if cert else None,
        },
    )


# --- keys ----------------------------------------------------------------------------------------


def write_request(ctx: AppContext, passphrase: str, out: Path) -> CertificationRequest:
    """A certification request for this office's key, signed by it (``keys request``)."""
    key = unlock_key(ctx, passphrase)
    office = ctx.office
    request = CertificationRequest.create(key, office.code, office.role, office.operator)
    _write_file(out, request.to_bytes())
    return request


def _require_kabupaten(ctx: AppContext) -> None:
    if ctx.office.role != "kabupaten":
        raise TrustError(
            _("Hanya kantor kabupaten yang dapat melakukan ini."), code="trust.not_kabupaten"
        )


def _root_signing_key(ctx: AppContext, passphrase: str) -> SigningKey:
    _require_kabupaten(ctx)
    return unlock_key(ctx, passphrase, purpose="root")


def export_root(ctx: AppContext, out: Path) -> RootKey:
    """Write the regency root public key file for offices to install (``keys export-root``)."""
    _require_kabupaten(ctx)
    root_id = active_key_row(ctx, "root").key_id
    root = next((r for r in load_trust_state(ctx).roots if r.key_id == root_id), None)
    if root is None:
        raise TrustError(
            _("Dokumen kunci induk tidak ditemukan di kantor ini."), code="trust.no_root"
        )
    _write_file(out, root.to_bytes())
    return root


def certify_request(
    ctx: AppContext, passphrase: str, request_path: Path, out: Path, valid_days: int = 730
) -> Certificate:
    """Certify an office's request with the regency root key (``keys certify``)."""
    if not 1 <= valid_days <= 3650:
        raise TrustError(_("Masa berlaku harus antara 1 dan 3650 hari."))
    root_key = _root_signing_key(ctx, passphrase)
    try:
        request = CertificationRequest.from_bytes(_read_small_file(request_path, _("permintaan")))
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    regency = regency_of(ctx.office.code)
    if not is_within(request.office_code, regency):
        raise TrustError(
            _("Permintaan dari kantor {code} berada di luar wilayah {regency}.").format(
                code=request.office_code, regency=regency
            ),
            code="trust.outside_regency",
        )
    try:
        certificate = certify(request, root_key, valid_days, regency_code=regency)
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    with ctx.db.transaction() as session:
        session.add(
            IssuedCertificate(
                serial=certificate.serial,
                office_code=certificate.office_code,
                key_id=certificate.key_id,
                issued_at=ctx.clock(),
                certificate=json.dumps(certificate.to_dict()),
            )
        )
    _write_file(out, certificate.to_bytes())
    return certificate


def install_certificate(ctx: AppContext, path: Path) -> Certificate:
    """Install this office's certificate (``keys install``): it must be for one of our keys,
    for this office and role, and signed by an installed root."""
    try:
        certificate = Certificate.from_bytes(_read_small_file(path, _("sertifikat")))
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    office = ctx.office
    if (certificate.office_code, certificate.role) != (office.code, office.role):
        raise TrustError(
            _("Sertifikat ini untuk kantor {code} ({role}), bukan kantor ini.").format(
                code=certificate.office_code, role=certificate.role
            ),
            code="trust.certificate_other_office",
        )
    roots = load_trust_state(ctx).roots
    if not roots:
        raise TrustError(
            _("Pasang dulu kunci induk kabupaten (trust add-root), lalu ulangi."),
            code="trust.no_root",
        )
    if not any(certificate.is_signed_by(root) for root in roots):
        raise TrustError(
            _("Sertifikat ini tidak ditandatangani oleh kunci induk yang terpasang."),
            code="trust.certificate_untrusted",
        )
    with ctx.db.transaction() as session:
        row = session.get(OfficeKey, certificate.key_id)
        if row is None or row.purpose != "office":
            raise TrustError(
                _(
                    "Sertifikat ini untuk kunci lain, bukan kunci kantor ini. "
                    "Buat permintaan baru dengan 'smartcity keys request'."
                ),
                code="trust.certificate_other_key",
            )
        row.certificate = json.dumps(certificate.to_dict())
    return certificate


def revoke_office(
    ctx: AppContext, passphrase: str, office_code: str, out: Path, key_id: str | None = None
) -> int:
    """Revoke an office's keys (certified here, or seen signing its bundles) into a new signed
    revocation list (``keys revoke``).

    Bundles up to the last sequence this regency already accepted from that key stay valid;
    anything signed later is refused.
    """
    root_key = _root_signing_key(ctx, passphrase)
    regency = regency_of(ctx.office.code)
    with ctx.db.session() as session:
        keys = {
            row.key_id
            for row in session.scalars(
                select(IssuedCertificate).where(IssuedCertificate.office_code == office_code)
            )
        }
        # Keys that were only pinned (never certified) signed bundles too: a stolen one must be
        # revocable, or every office that pinned it keeps accepting it.
        keys |= set(
            session.scalars(
                select(BundleLedger.sender_key_id).where(BundleLedger.sender_office == office_code)
            )
        )
        if key_id:
            keys &= {key_id}
        if not keys:
            raise TrustError(
                _("Tidak ada kunci bersertifikat untuk kantor {code}.").format(code=office_code),
                code="trust.nothing_to_revoke",
            )
        last_seen = {
            k: session.scalar(
                select(func.max(BundleLedger.sequence)).where(
                    BundleLedger.sender_office == office_code, BundleLedger.sender_key_id == k
                )
            )
            or 0
            for k in keys
        }
    state = load_trust_state(ctx)
    current = next((r for r in state.revocations if r.regency_code == regency), None)
    entries = list(current.entries) if current else []
    known = {(e.office_code, e.key_id) for e in entries}
    now = datetime.now(UTC).replace(microsecond=0)
    for k in sorted(keys):
        if (office_code, k) not in known:
            entries.append(RevocationEntry(office_code, k, last_seen[k], now))
    revocations = issue_revocation_list(
        root_key, regency, (current.version if current else 0) + 1, entries
    )
    try:
        state = state.with_revocation_list(revocations)
    except ProblemError as exc:
        raise problem_to_user_error(exc) from exc
    save_trust_state(ctx, state)
    _write_file(out, revocations.to_bytes())
    return revocations.version


def rotate_key(ctx: AppContext, passphrase: str) -> str:
    """Make a new office key (sealed with the same passphrase) and retire the old one.

    Bundles signed by the old key stay valid under its own certificate; the new key needs a new
    certificate (``keys request`` then ``keys install``). Returns the new fingerprint.
    """
    old = active_key_row(ctx)
    unseal(old.sealed_private_key, passphrase)  # proves the passphrase before changing anything
    new = SigningKey.generate()
    now = ctx.clock()
    with ctx.db.transaction() as session:
        row = session.get(OfficeKey, old.key_id)
        assert row is not None
        row.retired_at = now
        session.add(
            OfficeKey(
                key_id=new.public.key_id,
                purpose="office",
                public_key=new.public.raw,
                sealed_private_key=new.seal(passphrase),
                created_at=now,
            )
        )
    return new.public.fingerprint


def office_certificate(ctx: AppContext) -> Certificate | None:
    key = active_key_row(ctx)
    return Certificate.from_dict(json.loads(key.certificate)) if key.certificate else None


def next_sequence(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return (session.scalar(select(func.max(BundleExport.sequence))) or 0) + 1
