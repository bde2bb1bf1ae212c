"""Keys and offline trust for an office: root keys, certificates, pins, revocations, rotation.

The trust state is kept as one document (``crypto.trust.TrustState``) in the database. A kabupaten
always trusts its own root key; other offices install the regency's root public key from a file and
check its fingerprint by phone. Pins are added, replaced and removed only with the old and new
fingerprints in view, and each such change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
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
from smartcity_desktop.services.raw_sql import qmark_query
from smartcity_desktop.services.trust_state import read_trust_state
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import (
    AuditEntry,
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
    """The stored trust state plus what this office's own records say about who is certified
    (``services.trust_state``, shared with ``smartcity verify``)."""
    with ctx.db.session() as session:
        return read_trust_state(qmark_query(session))


def save_trust_state(ctx: AppContext, state: TrustState) -> None:
    with ctx.db.transaction() as session:
        session.merge(TrustStore(id=1, document=state.to_bytes(), updated_at=ctx.clock()))


def _save_audited(
    ctx: AppContext, state: TrustState, action: str, subject: str, detail: dict[str, str]
) -> None:
    """Save the trust state and its audit entry together, or neither."""
    now = ctx.clock()
    with ctx.db.transaction() as session:
        session.merge(TrustStore(id=1, document=state.to_bytes(), updated_at=now))
        session.add(
            AuditEntry(
                at=now,
                action=action,
                subject=subject,
                operator=ctx.office.operator,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
            )
        )


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    action: str  # pin.add | pin.replace | pin.remove
    subject: str  # the office the change is about
    operator: str
    detail: dict[str, str]


def audit_log(ctx: AppContext, subject: str | None = None) -> list[AuditRecord]:
    """Trust changes, oldest first (optionally only those about one office)."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    with ctx.db.session() as session:
        return [
            AuditRecord(aware(e.at), e.action, e.subject, e.operator, json.loads(e.detail))
            for e in session.scalars(query)
        ]


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


_NOT_BASE32 = {"0": "O", "1": "I/L", "8": "B"}  # look-alikes of letters a fingerprint uses


def parse_fingerprint(text: str) -> str:
    """A typed fingerprint in its canonical form (8 groups of 4, upper case, dashes).

    Accepts spaces, dashes or colons anywhere and lower case. Anything else is refused with the
    reason: the characters that are not in a fingerprint, or how many were typed.
    """
    compact = re.sub(r"[\s\-:]", "", text).upper()
    wrong = sorted({c for c in compact if not ("A" <= c <= "Z" or "2" <= c <= "7")})
    if wrong:
        hints = [f"{c} → {_NOT_BASE32[c]}" for c in wrong if c in _NOT_BASE32]
        message = _(
            "Sidik jari tidak boleh memuat {chars}: sidik jari hanya memakai huruf A-Z dan angka "
            "2-7."
        ).format(chars=" ".join(wrong))
        if hints:
            message += " " + _("Mungkin maksudnya: {hints}.").format(hints=", ".join(hints))
        raise TrustError(message, code="trust.bad_fingerprint")
    if len(compact) != 32:
        raise TrustError(
            _(
                "Sidik jari yang diketik {n} karakter, seharusnya 32 (8 kelompok 4, misalnya "
                "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567). Periksa kelompok yang terlewat atau "
                "terketik dua kali."
            ).format(n=len(compact)),
            code="trust.bad_fingerprint",
        )
    return normalise_fingerprint(compact)


def differing_groups(a: str, b: str) -> list[int]:
    """Which of the 8 groups (1-based) of two canonical fingerprints differ."""
    return [n for n, (x, y) in enumerate(zip(a.split("-"), b.split("-"), strict=True), 1) if x != y]


@dataclass(frozen=True)
class BundleSigner:
    """Who signed a bundle at hand, read from the bundle itself after checking it fully."""

    office_code: str
    role: str
    fingerprint: str
    name: str  # the file (or parts) it came from


def bundle_signer(ctx: AppContext, paths: Sequence[Path]) -> BundleSigner:
    """Verify one bundle (whole, or all its parts) without trusting anyone, and return its signer.

    A pin taken from a damaged or forged bundle would be worthless, so every check except trust
    must pass.
    """
    from smartcity_desktop.bundles.parts import assemble_parts, is_part_file
    from smartcity_desktop.bundles.reader import verify_bundle
    from smartcity_desktop.services.bundle_records import SCHEMA_VERSION

    files = [Path(p) for p in paths]
    name = ", ".join(p.name for p in files)
    staging: Path | None = None
    try:
        path = files[0]
        if len(files) > 1 or is_part_file(path):
            ctx.paths.staging.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="pin-", dir=ctx.paths.staging))
            path = assemble_parts(files, staging)
        result = verify_bundle(path, max_schema_version=SCHEMA_VERSION)
    except ProblemError as exc:
        result = None
        problem = exc.problem
    except OSError as exc:
        raise (translate_os_error(exc, files[0]) or UserError(str(exc))) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    if result is not None:
        if result.header is not None and result.signer is not None and result.ok:
            header = result.header
            return BundleSigner(
                header.sender_office, header.sender_role, result.signer.fingerprint, name
            )
        problem = result.problems[0]
    raise TrustError(
        _(
            "Paket {name} tidak dapat dipakai sebagai pembanding sidik jari: {reason} Tidak ada "
            "yang disimpan."
        ).format(name=name, reason=problem.message),
        code="trust.bundle_invalid",
    )


class PinReplaceRefused(TrustError):
    """The office already has a pin with another fingerprint; replacing it needs a confirmation
    that has seen both (``old`` and ``new``)."""

    code = "trust.pin_replace_unconfirmed"

    def __init__(self, message: str, old: Pin, new: Pin) -> None:
        super().__init__(message)
        self.old, self.new = old, new


@dataclass(frozen=True)
class PinResult:
    pin: Pin
    replaced: Pin | None  # the pin it replaced (another fingerprint), if any


def pin_office(
    ctx: AppContext,
    office_code: str,
    fingerprint_text: str,
    note: str = "",
    *,
    bundle: BundleSigner | None = None,
    replace: bool = False,
) -> PinResult:
    """Trust an uncertified office key after checking its fingerprint by phone (``trust pin``).

    With the office's ``bundle`` at hand the typed fingerprint must equal its signer's, so a typo
    is caught now and not at the next import. Replacing a pin with another fingerprint needs
    ``replace=True`` (after showing both); every change goes to the audit log.
    """
    try:
        role = role_of_code(office_code)
    except ValueError as exc:
        raise TrustError(_("Kode kantor '{code}' tidak valid.").format(code=office_code)) from exc
    fp = parse_fingerprint(fingerprint_text)
    if office_code == ctx.office.code:
        raise TrustError(_("Kantor ini tidak perlu menyematkan kuncinya sendiri."))
    if bundle is not None:
        _check_against_bundle(office_code, fp, bundle)
    state = load_trust_state(ctx)
    if state.is_certified(office_code):
        raise TrustError(
            _(
                "Kantor {code} sudah bersertifikat: paketnya diperiksa dengan sertifikat, dan "
                "sematan tidak akan dipakai. Bila paketnya ditolak, minta kantor itu memperbarui "
                "sertifikatnya di kabupaten."
            ).format(code=office_code),
            code="trust.office_certified",
        )
    pin = Pin(
        office_code=office_code,
        role=role,
        fingerprint=fp,
        pinned_at=datetime.now(UTC).replace(microsecond=0),
        note=note,
    )
    old = state.pin_for(office_code)
    replaced = old if old is not None and old.fingerprint != fp else None
    if replaced is not None and not replace:
        raise PinReplaceRefused(
            _(
                "Kantor {code} sudah disematkan dengan sidik jari lain. Lama: {old}. Baru: {new}. "
                "Sematan hanya diganti bila Anda menegaskannya (smartcity trust pin ... --replace, "
                "atau tombol Ganti di aplikasi) setelah menelepon kantor itu."
            ).format(code=office_code, old=replaced.fingerprint, new=fp),
            old=replaced,
            new=pin,
        )
    detail = {"role": role, "new": fp, "note": note}
    if old is not None:
        detail["old"] = old.fingerprint
    if bundle is not None:
        detail["checked_with_bundle"] = bundle.name
    action = "pin.replace" if replaced else ("pin.renew" if old else "pin.add")
    _save_audited(ctx, state.with_pin(pin), action, office_code, detail)
    return PinResult(pin, replaced)


def _check_against_bundle(office_code: str, fp: str, bundle: BundleSigner) -> None:
    if bundle.office_code != office_code:
        raise TrustError(
            _(
                "Paket {name} dibuat oleh kantor {other}, bukan {code}. Pilih paket dari kantor "
                "yang disematkan. Tidak ada yang disimpan."
            ).format(name=bundle.name, other=bundle.office_code, code=office_code),
            code="trust.bundle_other_office",
        )
    if bundle.fingerprint != fp:
        groups = ", ".join(str(n) for n in differing_groups(fp, bundle.fingerprint))
        raise TrustError(
            _(
                "Sidik jari yang diketik tidak sama dengan kunci yang menandatangani paket {name}. "
                "Diketik: {typed}. Kunci paket: {actual}. Berbeda pada kelompok ke-{groups}. "
                "Kemungkinan besar salah ketik: ulangi pengetikan sambil mendengarkan kantor itu "
                "membacakan sidik jarinya. Bila yang dibacakan memang berbeda dari kunci paket, "
                "jangan sematkan: paket itu mungkin bukan dari kantor tersebut. Tidak ada yang "
                "disimpan."
            ).format(name=bundle.name, typed=fp, actual=bundle.fingerprint, groups=groups),
            code="trust.pin_typo",
        )


def unpin_office(ctx: AppContext, office_code: str) -> Pin:
    """Remove an office's pin (``trust unpin``); its bundles are then refused until it is pinned
    again or certified. Written to the audit log."""
    state = load_trust_state(ctx)
    old = state.pin_for(office_code)
    if old is None:
        raise TrustError(
            _("Kantor {code} tidak disematkan di sini; tidak ada yang dihapus.").format(
                code=office_code
            ),
            code="trust.no_pin",
        )
    _save_audited(
        ctx,
        state.without_pin(office_code),
        "pin.remove",
        office_code,
        {"role": old.role, "old": old.fingerprint, "note": old.note},
    )
    return old


def current_pin(ctx: AppContext, office_code: str) -> Pin | None:
    return load_trust_state(ctx).pin_for(office_code)


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
    pins: list[dict[str, object]]
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
                "note": p.note,
                # a pin stops counting once its office is known to be certified
                "superseded": state.is_certified(p.office_code),
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
