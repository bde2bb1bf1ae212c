"""The trust decision for pins next to certificates: a pin ends once its office is known to be
certified, and a certificate this office issued proves a bundle signed before it existed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from smartcity_desktop.crypto.certificates import RootKey
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.trust import (
    CERTIFIED,
    LOCALLY_TRUSTED,
    REFUSED,
    Pin,
    TrustState,
    evaluate_trust,
)
from tests.crypto.test_trust import DESA, NOW, _certified, _claim, root, root_key  # noqa: F401


def test_a_certificate_issued_here_proves_a_bundle_that_predates_it(
    root_key: SigningKey,  # noqa: F811
    root: RootKey,  # noqa: F811
) -> None:
    key, cert = _certified(root_key, days=30)
    claim = _claim(key.public, None, created=NOW - timedelta(days=60))
    state = TrustState(roots=(root,))
    assert evaluate_trust(claim, key.public, state).codes == ["trust.unknown_office"]
    decision = evaluate_trust(claim, key.public, replace(state, issued=(cert,)))
    assert decision.level == CERTIFIED and decision.certificate == cert


def test_a_certificate_issued_here_does_not_outlive_itself_nor_cover_other_keys(
    root_key: SigningKey,  # noqa: F811
    root: RootKey,  # noqa: F811
) -> None:
    key, cert = _certified(root_key, days=30)
    state = TrustState(roots=(root,), issued=(cert,))
    after = _claim(key.public, None, created=NOW + timedelta(days=31))
    assert evaluate_trust(after, key.public, state).level == REFUSED
    other = SigningKey.generate()
    assert evaluate_trust(_claim(other.public, None), other.public, state).level == REFUSED
    # a "certificate" from a root this office does not hold proves nothing
    _k, foreign = _certified(SigningKey.generate(), key=key)
    stranger = TrustState(roots=(root,), issued=(foreign,))
    assert evaluate_trust(_claim(key.public, None), key.public, stranger).level == REFUSED


def test_a_pin_stops_counting_for_an_office_known_to_be_certified() -> None:
    key = SigningKey.generate()
    state = TrustState(pins=(Pin(DESA, "desa", key.public.fingerprint, NOW),))
    assert evaluate_trust(_claim(key.public, None), key.public, state).level == LOCALLY_TRUSTED
    certified = replace(state, certified_offices=frozenset({DESA}))
    decision = evaluate_trust(_claim(key.public, None), key.public, certified)
    assert decision.codes == ["trust.pin_superseded"]
    assert key.public.fingerprint in decision.reasons[0].message


def test_a_root_signed_certificate_in_the_bundle_ends_the_pin(
    root_key: SigningKey,  # noqa: F811
    root: RootKey,  # noqa: F811
) -> None:
    key, cert = _certified(root_key, days=30)
    pin = Pin(DESA, "desa", key.public.fingerprint, NOW)
    late = _claim(key.public, cert, created=NOW + timedelta(days=31))
    decision = evaluate_trust(late, key.public, TrustState(roots=(root,), pins=(pin,)))
    assert decision.codes == ["trust.certificate_expired", "trust.pin_superseded"]
    # without the root the certificate cannot be judged: the pin still decides, as before
    unknown_root = evaluate_trust(late, key.public, TrustState(pins=(pin,)))
    assert unknown_root.level == LOCALLY_TRUSTED


def test_the_pin_mismatch_names_both_fingerprints() -> None:
    pinned, signer = SigningKey.generate(), SigningKey.generate()
    state = TrustState(pins=(Pin(DESA, "desa", pinned.public.fingerprint, NOW),))
    [problem] = evaluate_trust(_claim(signer.public, None), signer.public, state).reasons
    assert pinned.public.fingerprint in problem.message
    assert signer.public.fingerprint in problem.message
    assert "salah ketik" in problem.message


def test_facts_from_the_office_records_are_not_stored(root_key: SigningKey) -> None:  # noqa: F811
    _key, cert = _certified(root_key)
    state = TrustState(issued=(cert,), certified_offices=frozenset({DESA}))
    restored = TrustState.from_bytes(state.to_bytes())
    assert restored.issued == () and restored.certified_offices == frozenset()
