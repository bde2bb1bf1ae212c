from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.crypto.certificates import (
    Certificate,
    CertificationRequest,
    RevocationEntry,
    RevocationList,
    RootKey,
    certify,
    issue_revocation_list,
)
from smartcity_desktop.crypto.keys import PublicKey, SigningKey
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.trust import (
    CERTIFIED,
    LOCALLY_TRUSTED,
    REFUSED,
    Pin,
    TrustState,
    evaluate_trust,
)
from tests.bundles.helpers import honest_bundle

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
DESA = "32.16.01.2001"


@dataclass(frozen=True)
class Claim:
    sender_office: str
    sender_role: str
    sender_key_id: str
    sender_certificate: dict[str, Any] | None
    sequence: int
    created: datetime


@pytest.fixture(scope="module")
def root_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def root(root_key: SigningKey) -> RootKey:
    return RootKey.create(root_key, "32.16", NOW)


def _certified(
    root_key: SigningKey,
    office: str = DESA,
    role: str = "desa",
    key: SigningKey | None = None,
    days: int = 365,
) -> tuple[SigningKey, Certificate]:
    key = key or SigningKey.generate()
    request = CertificationRequest.create(key, office, role, "Operator Desa", NOW)
    request = CertificationRequest.from_bytes(request.to_bytes())
    return key, certify(request, root_key, days, regency_code="32.16", now=NOW)


def _claim(
    key: PublicKey,
    cert: Certificate | None,
    *,
    office: str = DESA,
    role: str = "desa",
    sequence: int = 5,
    created: datetime = NOW + timedelta(days=1),
) -> Claim:
    return Claim(office, role, key.key_id, cert.to_dict() if cert else None, sequence, created)


def test_certified(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key)
    decision = evaluate_trust(_claim(key.public, cert), key.public, TrustState(roots=(root,)))
    assert decision.level == CERTIFIED and decision.accepted


def test_certificate_not_signed_by_known_root(root: RootKey) -> None:
    key, cert = _certified(SigningKey.generate())
    decision = evaluate_trust(_claim(key.public, cert), key.public, TrustState(roots=(root,)))
    assert decision.level == REFUSED and "trust.certificate_untrusted" in decision.codes


def test_certificate_expired_at_creation(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key, days=30)
    claim = _claim(key.public, cert, created=NOW + timedelta(days=31))
    decision = evaluate_trust(claim, key.public, TrustState(roots=(root,)))
    assert decision.codes == ["trust.certificate_expired"]


def test_office_in_certificate_differs_from_header(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key)
    claim = _claim(key.public, cert, office="32.16.01.2002")
    decision = evaluate_trust(claim, key.public, TrustState(roots=(root,)))
    assert "trust.office_mismatch" in decision.codes and not decision.accepted


def test_role_mismatch(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key, office="32.16.01", role="kecamatan")
    claim = _claim(key.public, cert, office="32.16.01", role="desa")
    decision = evaluate_trust(claim, key.public, TrustState(roots=(root,)))
    assert "trust.role_mismatch" in decision.codes


def test_key_id_mismatch(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key)
    other = SigningKey.generate()
    claim = _claim(other.public, cert)
    decision = evaluate_trust(claim, other.public, TrustState(roots=(root,)))
    assert "trust.key_id_mismatch" in decision.codes
    decision = evaluate_trust(_claim(key.public, cert), other.public, TrustState(roots=(root,)))
    assert decision.codes == ["trust.key_id_mismatch"]


def test_revoked_after_sequence(root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key)
    revocations = issue_revocation_list(
        root_key,
        "32.16",
        1,
        [RevocationEntry(DESA, key.public.key_id, 10, NOW, "flashdisk hilang")],
        NOW,
    )
    state = TrustState(roots=(root,)).with_revocation_list(revocations)
    before = evaluate_trust(_claim(key.public, cert, sequence=10), key.public, state)
    after = evaluate_trust(_claim(key.public, cert, sequence=11), key.public, state)
    assert before.level == CERTIFIED
    assert after.codes == ["trust.revoked"]


def test_older_revocation_list_cannot_replace_newer(root_key: SigningKey, root: RootKey) -> None:
    newer = issue_revocation_list(root_key, "32.16", 3, [], NOW)
    older = issue_revocation_list(root_key, "32.16", 2, [], NOW)
    state = TrustState(roots=(root,)).with_revocation_list(newer)
    with pytest.raises(ProblemError) as error:
        state.with_revocation_list(older)
    assert error.value.code == "revocation.rollback"
    forged = issue_revocation_list(SigningKey.generate(), "32.16", 9, [], NOW)
    with pytest.raises(ProblemError) as error:
        state.with_revocation_list(forged)
    assert error.value.code == "revocation.untrusted"
    assert RevocationList.from_bytes(newer.to_bytes()) == newer


def test_unknown_office() -> None:
    key = SigningKey.generate()
    decision = evaluate_trust(_claim(key.public, None), key.public, TrustState())
    assert decision.codes == ["trust.unknown_office"]


def test_pinned_key_is_locally_trusted() -> None:
    key = SigningKey.generate()
    pin = Pin(DESA, "desa", key.public.fingerprint.lower().replace("-", " "), NOW, "telepon")
    decision = evaluate_trust(_claim(key.public, None), key.public, TrustState(pins=(pin,)))
    assert decision.level == LOCALLY_TRUSTED and decision.pin == pin


def test_key_replaced_without_certification() -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    state = TrustState().with_pin(Pin(DESA, "desa", old.public.fingerprint, NOW))
    decision = evaluate_trust(_claim(new.public, None), new.public, state)
    assert decision.codes == ["trust.pin_mismatch"]


def test_certificate_outside_regency(root_key: SigningKey, root: RootKey) -> None:
    key = SigningKey.generate()
    request = CertificationRequest.create(key, "33.01.01.2001", "desa", "Operator", NOW)
    with pytest.raises(ProblemError) as error:
        certify(request, root_key, 365, regency_code="32.16", now=NOW)
    assert error.value.code == "certificate.outside_regency"
    cert = certify(request, root_key, 365, now=NOW)  # claims regency 33.01, signed by 32.16
    decision = evaluate_trust(
        _claim(key.public, cert, office="33.01.01.2001"), key.public, TrustState(roots=(root,))
    )
    assert "trust.certificate_untrusted" in decision.codes


def test_rotation_old_certificate_still_valid_for_old_bundles(
    root_key: SigningKey, root: RootKey
) -> None:
    old_key, old_cert = _certified(root_key, days=100)
    new_key, new_cert = _certified(root_key, days=365)
    state = TrustState(roots=(root,))
    old_bundle = _claim(old_key.public, old_cert, sequence=40, created=NOW + timedelta(days=50))
    new_bundle = _claim(new_key.public, new_cert, sequence=41, created=NOW + timedelta(days=200))
    assert evaluate_trust(old_bundle, old_key.public, state).level == CERTIFIED
    assert evaluate_trust(new_bundle, new_key.public, state).level == CERTIFIED
    retire = issue_revocation_list(
        root_key, "32.16", 1, [RevocationEntry(DESA, old_key.public.key_id, 40, NOW)], NOW
    )
    state = state.with_revocation_list(retire)
    assert evaluate_trust(old_bundle, old_key.public, state).level == CERTIFIED
    late = replace(old_bundle, sequence=42)
    assert evaluate_trust(late, old_key.public, state).codes == ["trust.revoked"]


def test_files_round_trip_and_tampering_detected(root_key: SigningKey, root: RootKey) -> None:
    assert RootKey.from_bytes(root.to_bytes()) == root
    key, cert = _certified(root_key)
    assert Certificate.from_bytes(cert.to_bytes()) == cert
    tampered = cert.to_bytes().replace(DESA.encode(), b"32.16.01.2002")
    parsed = Certificate.from_bytes(tampered)
    assert not parsed.is_signed_by(root)
    request = CertificationRequest.create(key, DESA, "desa", "Operator", NOW)
    with pytest.raises(ProblemError) as error:
        CertificationRequest.from_bytes(request.to_bytes().replace(b"Operator", b"Penyusup"))
    assert error.value.code == "request.malformed"
    with pytest.raises(ProblemError):
        RootKey.from_bytes(root.to_bytes().replace(b"32.16", b"32.17"))


def test_trust_state_serialises(root_key: SigningKey, root: RootKey) -> None:
    pin = Pin(DESA, "desa", SigningKey.generate().public.fingerprint, NOW, "cek telepon")
    revocations = issue_revocation_list(root_key, "32.16", 2, [], NOW)
    state = TrustState(roots=(root,)).with_pin(pin).with_revocation_list(revocations)
    assert TrustState.from_bytes(state.to_bytes()) == state


def test_verify_bundle_with_trust(tmp_path: Path, root_key: SigningKey, root: RootKey) -> None:
    key, cert = _certified(root_key)
    path = honest_bundle(
        tmp_path, key, photo=os.urandom(100), certificate=cert, created=NOW + timedelta(days=1)
    )
    result = verify_bundle(path, trust=TrustState(roots=(root,)))
    assert result.ok and result.trust is not None and result.trust.level == CERTIFIED
    stranger = honest_bundle(tmp_path, name="stranger.scb")
    refused = verify_bundle(stranger, trust=TrustState(roots=(root,)))
    assert refused.codes == ["trust.unknown_office"]
