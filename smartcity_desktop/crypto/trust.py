"""Offline trust: which signer keys an office accepts, and why. Pure data and pure functions.

The trust state (root keys, local pins, revocation lists) is plain dataclasses serialised to one
JSON document; where it is stored (a file, a database table) is the caller's business. Two more
facts come from the office's own records and are never stored in that document: the certificates
its root issued (a kabupaten's ``issued``) and the offices it has already accepted certified
bundles from (``certified_offices``). Both say "this office is certified", which ends its pins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final, Protocol

from smartcity_desktop.crypto.canonical_json import StrictJsonError, loads_strict
from smartcity_desktop.crypto.certificates import (
    Certificate,
    RevocationList,
    RootKey,
    accept_revocation_list,
)
from smartcity_desktop.crypto.keys import PublicKey, normalise_fingerprint
from smartcity_desktop.crypto.offices import code_matches_role, is_within
from smartcity_desktop.crypto.problem_texts import make_problem
from smartcity_desktop.crypto.problems import Problem, ProblemError
from smartcity_desktop.crypto.timestamps import format_utc, parse_utc

CERTIFIED: Final = "certified"
LOCALLY_TRUSTED: Final = "locally_trusted"
REFUSED: Final = "refused"

TRUST_STATE_FORMAT = "smartcity-trust-state-v1"


class SignedClaim(Protocol):
    """What a bundle header says about its sender; BundleHeader satisfies this."""

    @property
    def sender_office(self) -> str: ...
    @property
    def sender_role(self) -> str: ...
    @property
    def sender_key_id(self) -> str: ...
    @property
    def sender_certificate(self) -> dict[str, Any] | None: ...
    @property
    def sequence(self) -> int: ...
    @property
    def created(self) -> datetime: ...


@dataclass(frozen=True)
class Pin:
    """An uncertified office key trusted locally after its fingerprint was checked by phone."""

    office_code: str
    role: str
    fingerprint: str
    pinned_at: datetime
    note: str = ""

    def __post_init__(self) -> None:
        if not code_matches_role(self.office_code, self.role):
            raise ProblemError(make_problem("pin.malformed", self.office_code))
        object.__setattr__(self, "fingerprint", normalise_fingerprint(self.fingerprint))

    def to_dict(self) -> dict[str, Any]:
        return {
            "office_code": self.office_code,
            "role": self.role,
            "fingerprint": self.fingerprint,
            "pinned_at": format_utc(self.pinned_at),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, item: Any) -> Pin:
        try:
            return cls(
                item["office_code"],
                item["role"],
                item["fingerprint"],
                parse_utc(item["pinned_at"]),
                str(item.get("note", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProblemError(make_problem("pin.malformed", str(exc))) from None


@dataclass(frozen=True)
class TrustState:
    roots: tuple[RootKey, ...] = ()
    pins: tuple[Pin, ...] = ()
    revocations: tuple[RevocationList, ...] = ()
    # From the office's own records, filled in when loaded; not part of the stored document.
    issued: tuple[Certificate, ...] = field(default=(), compare=False)
    certified_offices: frozenset[str] = field(default=frozenset(), compare=False)

    def with_root(self, root: RootKey) -> TrustState:
        kept = tuple(r for r in self.roots if r.key_id != root.key_id)
        return replace(self, roots=(*kept, root))

    def with_pin(self, pin: Pin) -> TrustState:
        """Add a pin; a later pin for the same office replaces the earlier (a new phone check)."""
        kept = tuple(p for p in self.pins if p.office_code != pin.office_code)
        return replace(self, pins=(*kept, pin))

    def without_pin(self, office_code: str) -> TrustState:
        return replace(self, pins=tuple(p for p in self.pins if p.office_code != office_code))

    def with_revocation_list(self, new: RevocationList) -> TrustState:
        """Accept a newer revocation list for its regency; raises ProblemError on rollback."""
        current = next((r for r in self.revocations if r.regency_code == new.regency_code), None)
        accepted = accept_revocation_list(current, new, self.roots)
        others = tuple(r for r in self.revocations if r.regency_code != new.regency_code)
        return replace(self, revocations=(*others, accepted))

    def pins_for(self, office_code: str) -> list[Pin]:
        return [p for p in self.pins if p.office_code == office_code]

    def pin_for(self, office_code: str) -> Pin | None:
        return next(iter(self.pins_for(office_code)), None)

    def issued_for(self, office_code: str) -> list[Certificate]:
        """Certificates for ``office_code`` that this office's own root issued (and signed)."""
        return [
            c
            for c in self.issued
            if c.office_code == office_code and any(c.is_signed_by(r) for r in self.roots)
        ]

    def is_certified(self, office_code: str) -> bool:
        """Whether ``office_code`` is known here to hold a certificate: then its pins stop
        counting and its bundles are judged by the certificate rules alone."""
        return office_code in self.certified_offices or bool(self.issued_for(office_code))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": TRUST_STATE_FORMAT,
            "roots": [r.to_dict() for r in self.roots],
            "pins": [p.to_dict() for p in self.pins],
            "revocations": [r.to_dict() for r in self.revocations],
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrustState:
        try:
            doc = loads_strict(data)
        except StrictJsonError as exc:
            raise ProblemError(make_problem("pin.malformed", str(exc))) from None
        if not isinstance(doc, dict) or doc.get("format") != TRUST_STATE_FORMAT:
            raise ProblemError(make_problem("pin.malformed", "format"))
        return cls(
            tuple(RootKey.from_dict(r) for r in doc.get("roots", [])),
            tuple(Pin.from_dict(p) for p in doc.get("pins", [])),
            tuple(RevocationList.from_dict(r) for r in doc.get("revocations", [])),
        )


@dataclass(frozen=True)
class TrustDecision:
    level: str
    reasons: tuple[Problem, ...] = ()
    certificate: Certificate | None = None
    pin: Pin | None = None
    notes: tuple[Problem, ...] = field(default=())

    @property
    def accepted(self) -> bool:
        return self.level != REFUSED

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.reasons]


def evaluate_trust(header: SignedClaim, signer: PublicKey, state: TrustState) -> TrustDecision:
    """Decide whether a bundle whose signature ``signer`` verified may be imported.

    Order: key identity, revocation, then the certificate the bundle carries, then a certificate
    this office issued itself for the signing key; without either, a local pin on the same key
    makes the bundle "locally trusted", unless the office is known to be certified (its pins no
    longer count); anything else is refused.
    """
    office, role = header.sender_office, header.sender_role
    if signer.key_id != header.sender_key_id:
        return _refused(make_problem("trust.key_id_mismatch"))
    revoked = _revocation(state.revocations, office, signer.key_id, header.sequence)
    if revoked is not None:
        return _refused(revoked)

    cert_problems: list[Problem] = []
    certificate: Certificate | None = None
    holds_certificate = state.is_certified(office)
    if header.sender_certificate is not None:
        try:
            certificate = Certificate.from_dict(header.sender_certificate)
        except ProblemError:
            cert_problems.append(make_problem("trust.certificate_malformed"))
        if certificate is not None:
            cert_problems.extend(_certificate_problems(certificate, header, signer, state.roots))
            if not cert_problems:
                return TrustDecision(CERTIFIED, certificate=certificate)
            # Signed by a root we know for this very office: the office is certified, and the
            # certificate's verdict stands (an expired certificate is not rescued by a pin).
            if certificate.office_code == office and any(
                certificate.is_signed_by(r) for r in state.roots
            ):
                holds_certificate = True

    issued = _issued_here(header, signer, state)
    if issued is not None:
        return TrustDecision(CERTIFIED, certificate=issued)

    pins = state.pins_for(office)
    matching = [p for p in pins if p.fingerprint == signer.fingerprint and p.role == role]
    if pins and holds_certificate:
        return _refused(
            *cert_problems,
            make_problem(
                "trust.pin_superseded",
                office=office,
                pinned=pins[0].fingerprint,
                actual=signer.fingerprint,
            ),
        )
    if matching:
        return TrustDecision(
            LOCALLY_TRUSTED, pin=matching[0], certificate=certificate, notes=tuple(cert_problems)
        )
    if cert_problems:
        return _refused(*cert_problems)
    if pins:
        return _refused(
            make_problem(
                "trust.pin_mismatch",
                office=office,
                pinned=pins[0].fingerprint,
                actual=signer.fingerprint,
            )
        )
    return _refused(make_problem("trust.unknown_office", office=office))


def _issued_here(header: SignedClaim, signer: PublicKey, state: TrustState) -> Certificate | None:
    """A certificate this office's root issued for the signing key, as proof for a bundle that
    carries none (or an older one): typically signed before the certificate existed.

    The bundle may predate the certificate (the key was the office's before it was certified) but
    not outlive it; revocation was checked before.
    """
    for cert in state.issued_for(header.sender_office):
        if (
            cert.public_key == signer
            and cert.key_id == header.sender_key_id
            and cert.role == header.sender_role
            and header.created <= cert.valid_until
            and any(is_within(cert.office_code, r.regency_code) for r in state.roots)
        ):
            return cert
    return None


def _certificate_problems(
    cert: Certificate, header: SignedClaim, signer: PublicKey, roots: Sequence[RootKey]
) -> list[Problem]:
    problems: list[Problem] = []
    issuer = next((r for r in roots if cert.is_signed_by(r)), None)
    if issuer is None:
        problems.append(make_problem("trust.certificate_untrusted"))
    elif not is_within(cert.office_code, issuer.regency_code):
        problems.append(
            make_problem(
                "trust.outside_regency", office=cert.office_code, regency=issuer.regency_code
            )
        )
    if cert.public_key != signer or cert.key_id != header.sender_key_id:
        problems.append(make_problem("trust.key_id_mismatch"))
    if cert.office_code != header.sender_office:
        problems.append(
            make_problem(
                "trust.office_mismatch", cert_office=cert.office_code, office=header.sender_office
            )
        )
    if cert.role != header.sender_role:
        problems.append(
            make_problem("trust.role_mismatch", cert_role=cert.role, role=header.sender_role)
        )
    if not cert.covers(header.created):
        problems.append(
            make_problem(
                "trust.certificate_expired",
                office=cert.office_code,
                created=format_utc(header.created),
            )
        )
    return problems


def _revocation(
    lists: Sequence[RevocationList], office: str, key_id: str, sequence: int
) -> Problem | None:
    for revocations in lists:
        entry = revocations.find(office, key_id)
        if entry is not None and sequence > entry.revoked_after_sequence:
            return make_problem(
                "trust.revoked",
                office=office,
                after=entry.revoked_after_sequence,
                sequence=sequence,
            )
    return None


def _refused(*reasons: Problem) -> TrustDecision:
    return TrustDecision(REFUSED, reasons=reasons)
