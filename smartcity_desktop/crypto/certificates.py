"""Regency root keys, certification requests, certificates and revocation lists, all offline.

Each is a frozen dataclass with ``to_bytes()`` (a signed JSON file to carry on a USB stick) and
``from_bytes()`` (which checks structure and signature and raises ProblemError otherwise). A
certificate also round-trips through ``to_dict()``/``from_dict()`` for embedding in bundle headers.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from smartcity_desktop.crypto.canonical_json import canonical_bytes
from smartcity_desktop.crypto.keys import PublicKey, SigningKey
from smartcity_desktop.crypto.offices import (
    ROLES,
    code_matches_role,
    is_office_code,
    is_within,
    role_of_code,
)
from smartcity_desktop.crypto.problem_texts import make_problem
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.signed_documents import (
    b64encode,
    envelope,
    open_envelope,
    public_key_from,
    verify_envelope,
)
from smartcity_desktop.crypto.timestamps import format_utc, parse_utc, utc_now

ROOT_CONTEXT = b"SmartCity-RootKey-v1\n"
REQUEST_CONTEXT = b"SmartCity-CertRequest-v1\n"
CERTIFICATE_CONTEXT = b"SmartCity-Certificate-v1\n"
REVOCATION_CONTEXT = b"SmartCity-Revocations-v1\n"

ROOT_FORMAT = "smartcity-root-key-v1"
REQUEST_FORMAT = "smartcity-certification-request-v1"
CERTIFICATE_FORMAT = "smartcity-certificate-v1"
REVOCATION_FORMAT = "smartcity-revocation-list-v1"

MAX_VALID_DAYS = 3660


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer")
    return value


def _time(body: dict[str, Any], name: str) -> datetime:
    return parse_utc(_text(body, name))


class MissingFormat(ValueError):
    """The body has no ``format`` field: reported as such, not as a bad signature."""


def _check_format(body: dict[str, Any], expected: str) -> None:
    if "format" not in body:
        raise MissingFormat(expected)
    if body.get("format") != expected:
        raise ValueError(f"format must be {expected}")


class _SignedDocument(ABC):
    """The envelope and its file form, shared by every document here.

    A subclass supplies its signed body, the id of the key that signed it, the problem code for a
    malformed document and ``_parse``, which raises ValueError for anything wrong.
    """

    _MALFORMED: ClassVar[str]
    _FORMAT_MISSING: ClassVar[str]
    signature: bytes

    @abstractmethod
    def _signed_body(self) -> dict[str, Any]: ...

    @abstractmethod
    def _signer_key_id(self) -> str: ...

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self._signed_body(),
            "signature": {"key_id": self._signer_key_id(), "value": b64encode(self.signature)},
        }

    def to_bytes(self) -> bytes:
        return canonical_bytes(self.to_dict()) + b"\n"

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Self:
        return cls._load(doc)

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        return cls._load(data)

    @classmethod
    def _load(cls, data: bytes | dict[str, Any]) -> Self:
        try:
            return cls._parse(data)
        except MissingFormat as exc:
            raise ProblemError(make_problem(cls._FORMAT_MISSING, expected=str(exc))) from None
        except ValueError as exc:
            raise ProblemError(make_problem(cls._MALFORMED, str(exc))) from None

    @classmethod
    @abstractmethod
    def _parse(cls, data: bytes | dict[str, Any]) -> Self: ...


@dataclass(frozen=True)
class RootKey(_SignedDocument):
    """A kabupaten's root public key. Its fingerprint must be checked by phone when imported."""

    _MALFORMED = "root.malformed"
    _FORMAT_MISSING = "root.format_missing"

    regency_code: str
    public_key: PublicKey
    created: datetime
    signature: bytes = field(repr=False)

    @classmethod
    def create(
        cls, signing_key: SigningKey, regency_code: str, created: datetime | None = None
    ) -> RootKey:
        if not code_matches_role(regency_code, "kabupaten"):
            raise ValueError(f"not a regency code: {regency_code!r}")
        created = created or utc_now()
        body = cls._body(regency_code, signing_key.public, created)
        doc = envelope(ROOT_CONTEXT, body, signing_key)
        return cls.from_dict(doc)

    @staticmethod
    def _body(regency_code: str, key: PublicKey, created: datetime) -> dict[str, Any]:
        return {
            "format": ROOT_FORMAT,
            "role": "root",
            "regency_code": regency_code,
            "public_key": b64encode(key.raw),
            "key_id": key.key_id,
            "fingerprint": key.fingerprint,
            "created": format_utc(created),
        }

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    @property
    def fingerprint(self) -> str:
        return self.public_key.fingerprint

    def _signed_body(self) -> dict[str, Any]:
        return self._body(self.regency_code, self.public_key, self.created)

    def _signer_key_id(self) -> str:
        return self.key_id

    @classmethod
    def _parse(cls, data: bytes | dict[str, Any]) -> RootKey:
        body, signer_id, signature = open_envelope(data)
        _check_format(body, ROOT_FORMAT)
        if body.get("role") != "root":
            raise ValueError("role must be root")
        regency = _text(body, "regency_code")
        if not code_matches_role(regency, "kabupaten"):
            raise ValueError("bad regency code")
        key = public_key_from(body.get("public_key"))
        if (
            body.get("key_id") != key.key_id
            or body.get("fingerprint") != key.fingerprint
            or signer_id != key.key_id
        ):
            raise ValueError("key id or fingerprint does not match the key")
        if not verify_envelope(ROOT_CONTEXT, body, signature, key):
            raise ValueError("self-signature invalid")
        return cls(regency, key, _time(body, "created"), signature)


@dataclass(frozen=True)
class CertificationRequest(_SignedDocument):
    """Signed by the requesting key itself: proof that the requester holds the private key."""

    _MALFORMED = "request.malformed"
    _FORMAT_MISSING = "request.format_missing"

    office_code: str
    role: str
    operator: str
    public_key: PublicKey
    created: datetime
    signature: bytes = field(repr=False)

    @classmethod
    def create(
        cls,
        signing_key: SigningKey,
        office_code: str,
        role: str,
        operator: str,
        created: datetime | None = None,
    ) -> CertificationRequest:
        if not code_matches_role(office_code, role):
            raise ValueError(f"office code {office_code!r} does not match role {role!r}")
        body = cls._body(office_code, role, operator, signing_key.public, created or utc_now())
        return cls.from_dict(envelope(REQUEST_CONTEXT, body, signing_key))

    @staticmethod
    def _body(
        office_code: str, role: str, operator: str, key: PublicKey, created: datetime
    ) -> dict[str, Any]:
        return {
            "format": REQUEST_FORMAT,
            "office_code": office_code,
            "role": role,
            "operator": operator,
            "public_key": b64encode(key.raw),
            "key_id": key.key_id,
            "fingerprint": key.fingerprint,
            "created": format_utc(created),
        }

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    def _signed_body(self) -> dict[str, Any]:
        return self._body(self.office_code, self.role, self.operator, self.public_key, self.created)

    def _signer_key_id(self) -> str:
        return self.key_id

    @classmethod
    def _parse(cls, data: bytes | dict[str, Any]) -> CertificationRequest:
        body, signer_id, signature = open_envelope(data)
        _check_format(body, REQUEST_FORMAT)
        office, role = _text(body, "office_code"), _text(body, "role")
        if not code_matches_role(office, role):
            raise ValueError("office code and role disagree")
        key = public_key_from(body.get("public_key"))
        if body.get("key_id") != key.key_id or signer_id != key.key_id:
            raise ValueError("key id does not match the key")
        if body.get("fingerprint") != key.fingerprint:
            raise ValueError("fingerprint does not match the key")
        if not verify_envelope(REQUEST_CONTEXT, body, signature, key):
            raise ValueError("proof of possession invalid")
        return cls(office, role, _text(body, "operator"), key, _time(body, "created"), signature)


@dataclass(frozen=True)
class Certificate(_SignedDocument):
    _MALFORMED = "certificate.malformed"
    _FORMAT_MISSING = "certificate.format_missing"

    serial: str
    office_code: str
    role: str
    operator: str
    public_key: PublicKey
    valid_from: datetime
    valid_until: datetime
    regency_code: str
    issuer_key_id: str
    issued: datetime
    signature: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    def body(self) -> dict[str, Any]:
        return {
            "format": CERTIFICATE_FORMAT,
            "serial": self.serial,
            "office_code": self.office_code,
            "role": self.role,
            "operator": self.operator,
            "public_key": b64encode(self.public_key.raw),
            "key_id": self.key_id,
            "valid_from": format_utc(self.valid_from),
            "valid_until": format_utc(self.valid_until),
            "regency_code": self.regency_code,
            "issuer_key_id": self.issuer_key_id,
            "issued": format_utc(self.issued),
        }

    def covers(self, moment: datetime) -> bool:
        return self.valid_from <= moment <= self.valid_until

    def is_signed_by(self, root: RootKey) -> bool:
        return (
            root.key_id == self.issuer_key_id
            and root.regency_code == self.regency_code
            and verify_envelope(CERTIFICATE_CONTEXT, self.body(), self.signature, root.public_key)
        )

    def _signed_body(self) -> dict[str, Any]:
        return self.body()

    def _signer_key_id(self) -> str:
        return self.issuer_key_id

    @classmethod
    def _parse(cls, data: bytes | dict[str, Any]) -> Certificate:
        """Check structure only: whether a trusted root signed it is the trust evaluator's job."""
        body, signer_id, signature = open_envelope(data)
        _check_format(body, CERTIFICATE_FORMAT)
        office, role = _text(body, "office_code"), _text(body, "role")
        regency = _text(body, "regency_code")
        if not code_matches_role(office, role) or not code_matches_role(regency, "kabupaten"):
            raise ValueError("office code, role or regency malformed")
        key = public_key_from(body.get("public_key"))
        if body.get("key_id") != key.key_id:
            raise ValueError("key id does not match the key")
        issuer = _text(body, "issuer_key_id")
        if signer_id != issuer:
            raise ValueError("signer is not the issuer")
        cert = cls(
            _text(body, "serial"),
            office,
            role,
            _text(body, "operator"),
            key,
            _time(body, "valid_from"),
            _time(body, "valid_until"),
            regency,
            issuer,
            _time(body, "issued"),
            signature,
        )
        if cert.body() != body:
            raise ValueError("unexpected fields")
        return cert


def certify(
    request: CertificationRequest,
    root_signing_key: SigningKey,
    valid_days: int,
    *,
    regency_code: str | None = None,
    now: datetime | None = None,
    serial: str | None = None,
) -> Certificate:
    """Issue a certificate for a request already loaded (and so proof-checked) by from_bytes.

    ``regency_code`` defaults to the regency the office lies in; a root key may only certify
    offices within its own regency, which the caller enforces by passing its root's code.
    """
    regency = regency_code or ".".join(request.office_code.split(".")[:2])
    if not is_within(request.office_code, regency):
        raise ProblemError(
            make_problem("certificate.outside_regency", office=request.office_code, regency=regency)
        )
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise ProblemError(make_problem("certificate.bad_validity", max_days=MAX_VALID_DAYS))
    issued = now or utc_now()
    unsigned = Certificate(
        serial or secrets.token_hex(8),
        request.office_code,
        request.role,
        request.operator,
        request.public_key,
        issued,
        issued + timedelta(days=valid_days),
        regency,
        root_signing_key.public.key_id,
        issued,
        b"",
    )
    doc = envelope(CERTIFICATE_CONTEXT, unsigned.body(), root_signing_key)
    return Certificate.from_dict(doc)


@dataclass(frozen=True)
class RevocationEntry:
    """Bundles of ``office_code`` signed by ``key_id`` are refused when their sequence number is
    greater than ``revoked_after_sequence`` (0 refuses every bundle of that key)."""

    office_code: str
    key_id: str
    revoked_after_sequence: int
    revoked_at: datetime
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "office_code": self.office_code,
            "key_id": self.key_id,
            "revoked_after_sequence": self.revoked_after_sequence,
            "revoked_at": format_utc(self.revoked_at),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, item: object) -> RevocationEntry:
        if not isinstance(item, dict):
            raise ValueError("entry must be an object")
        entry = cls(
            _text(item, "office_code"),
            _text(item, "key_id"),
            _int(item, "revoked_after_sequence"),
            _time(item, "revoked_at"),
            _text(item, "reason"),
        )
        if not is_office_code(entry.office_code) or entry.to_dict() != item:
            raise ValueError("malformed entry")
        return entry


@dataclass(frozen=True)
class RevocationList(_SignedDocument):
    _MALFORMED = "revocation.malformed"
    _FORMAT_MISSING = "revocation.format_missing"

    regency_code: str
    version: int
    issued: datetime
    issuer_key_id: str
    entries: tuple[RevocationEntry, ...]
    signature: bytes = field(repr=False)

    def body(self) -> dict[str, Any]:
        return {
            "format": REVOCATION_FORMAT,
            "regency_code": self.regency_code,
            "version": self.version,
            "issued": format_utc(self.issued),
            "issuer_key_id": self.issuer_key_id,
            "entries": [e.to_dict() for e in self.entries],
        }

    def is_signed_by(self, root: RootKey) -> bool:
        return (
            root.key_id == self.issuer_key_id
            and root.regency_code == self.regency_code
            and verify_envelope(REVOCATION_CONTEXT, self.body(), self.signature, root.public_key)
        )

    def find(self, office_code: str, key_id: str) -> RevocationEntry | None:
        for entry in self.entries:
            if entry.office_code == office_code and entry.key_id == key_id:
                return entry
        return None

    def _signed_body(self) -> dict[str, Any]:
        return self.body()

    def _signer_key_id(self) -> str:
        return self.issuer_key_id

    @classmethod
    def _parse(cls, data: bytes | dict[str, Any]) -> RevocationList:
        body, signer_id, signature = open_envelope(data)
        _check_format(body, REVOCATION_FORMAT)
        raw_entries = body.get("entries")
        if not isinstance(raw_entries, list):
            raise ValueError("entries must be a list")
        result = cls(
            _text(body, "regency_code"),
            _int(body, "version"),
            _time(body, "issued"),
            _text(body, "issuer_key_id"),
            tuple(RevocationEntry.from_dict(e) for e in raw_entries),
            signature,
        )
        if signer_id != result.issuer_key_id or result.body() != body:
            raise ValueError("unexpected fields or signer")
        role_of_code(result.regency_code)
        return result


def issue_revocation_list(
    root_signing_key: SigningKey,
    regency_code: str,
    version: int,
    entries: Iterable[RevocationEntry],
    issued: datetime | None = None,
) -> RevocationList:
    unsigned = RevocationList(
        regency_code,
        version,
        issued or utc_now(),
        root_signing_key.public.key_id,
        tuple(entries),
        b"",
    )
    return RevocationList.from_dict(envelope(REVOCATION_CONTEXT, unsigned.body(), root_signing_key))


def accept_revocation_list(
    current: RevocationList | None, new: RevocationList, roots: Sequence[RootKey]
) -> RevocationList:
    """Return the list to keep: ``new`` if a known root signed it and it is not older than
    ``current``; raises ProblemError otherwise (a rollback to an older list is refused)."""
    if not any(new.is_signed_by(root) for root in roots):
        raise ProblemError(make_problem("revocation.untrusted"))
    same_regency = current is not None and current.regency_code == new.regency_code
    if (
        current is not None
        and same_regency
        and (
            new.version < current.version
            or (new.version == current.version and new.body() != current.body())
        )
    ):
        raise ProblemError(
            make_problem("revocation.rollback", new=new.version, current=current.version)
        )
    return new


__all__ = [
    "CERTIFICATE_CONTEXT",
    "REQUEST_CONTEXT",
    "REVOCATION_CONTEXT",
    "ROLES",
    "ROOT_CONTEXT",
    "Certificate",
    "CertificationRequest",
    "RevocationEntry",
    "RevocationList",
    "RootKey",
    "accept_revocation_list",
    "certify",
    "issue_revocation_list",
]
