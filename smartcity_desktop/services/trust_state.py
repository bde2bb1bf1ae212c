"""The office's trust state as ``verify`` and ``import`` use it, built from a plain SQL read.

Kept apart from ``services.trust`` (keys, certificates, pins: the database layer and the signing
code) so that ``smartcity verify`` loads only this.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache

from smartcity_desktop.crypto.certificates import Certificate
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.trust import CERTIFIED, TrustState
from smartcity_desktop.storage.stored_reads import Query, trust_rows


def read_trust_state(query: Query) -> TrustState:
    """The stored trust state plus what this office's own records say about who is certified:
    the certificates its root issued and the offices whose certified bundles it accepted."""
    document, issued, certified = trust_rows(query, CERTIFIED)
    state = TrustState.from_bytes(document) if document is not None else TrustState()
    certificates = [c for c in map(_issued_certificate, issued) if c is not None]
    return dataclasses.replace(
        state, issued=tuple(certificates), certified_offices=frozenset(certified)
    )


@lru_cache(maxsize=4096)
def _issued_certificate(text: str) -> Certificate | None:
    """One stored certificate, parsed once per process: an import of many bundles reads the trust
    state once per bundle, and a kabupaten has issued one certificate per village (parsing all of
    them again for every bundle was a fifth of a second per bundle). A certificate is immutable;
    the cache is keyed by its exact stored text."""
    try:
        return Certificate.from_dict(json.loads(text))
    except (ProblemError, ValueError):
        return None  # a damaged record proves nothing; the stored state still loads
