"""The office's trust state as ``verify`` and ``import`` use it, built from a plain SQL read.

Kept apart from ``services.trust`` (keys, certificates, pins: the database layer and the signing
code) so that ``smartcity verify`` loads only this.
"""

from __future__ import annotations

import dataclasses
import json

from smartcity_desktop.crypto.certificates import Certificate
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.trust import CERTIFIED, TrustState
from smartcity_desktop.storage.stored_reads import Query, trust_rows


def read_trust_state(query: Query) -> TrustState:
    """The stored trust state plus what this office's own records say about who is certified:
    the certificates its root issued and the offices whose certified bundles it accepted."""
    document, issued, certified = trust_rows(query, CERTIFIED)
    state = TrustState.from_bytes(document) if document is not None else TrustState()
    certificates = []
    for text in issued:
        try:
            certificates.append(Certificate.from_dict(json.loads(text)))
        except (ProblemError, ValueError):
            continue  # a damaged record proves nothing; the stored state still loads
    return dataclasses.replace(
        state, issued=tuple(certificates), certified_offices=frozenset(certified)
    )
