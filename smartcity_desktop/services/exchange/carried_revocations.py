"""The revocation list a feedback bundle carries (docs/bundle-format.md section 6, "Feedback").

The sender puts its current list for its regency into the header's ``extra``. A receiver installs
it, in the transaction that imports the bundle, only if it verifies under a root key the receiver
already holds and is newer than its own; otherwise the list is ignored with a note in the import
report and the bundle's rows import as usual. The list's authority is the root's signature, never
the carrier's: a list that does not verify proves nothing, and refusing the reviews around it
would only keep them from the desa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smartcity_desktop.crypto.certificates import RevocationList
from smartcity_desktop.crypto.offices import regency_of
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.trust import TrustState
from smartcity_desktop.i18n import _
from smartcity_desktop.services.import_report import Finding

EXTRA_KEY = "revocation_list"


def carried_extra(state: TrustState, office_code: str) -> dict[str, Any]:
    """The header ``extra`` of a feedback bundle from ``office_code``: its current revocation list
    for its regency, or nothing when it holds none."""
    regency = regency_of(office_code)
    current = next((r for r in state.revocations if r.regency_code == regency), None)
    return {EXTRA_KEY: current.to_dict()} if current is not None else {}


@dataclass(frozen=True)
class CarriedOutcome:
    finding: Finding | None  # the note for the import report; None when there is nothing to say
    new_state: TrustState | None  # the trust state to store, when the list is to be installed


def judge_carried(
    extra: Mapping[str, Any], state: TrustState, *, installing: bool
) -> CarriedOutcome:
    """What to do with the list in a bundle's header ``extra`` at an office holding ``state``."""
    document = extra.get(EXTRA_KEY)
    if document is None:
        return CarriedOutcome(None, None)
    carried = _parsed(document)
    if carried is None:
        return CarriedOutcome(_unverified(_("berkasnya rusak")), None)
    if not state.roots:
        return CarriedOutcome(
            _unverified(_("kantor ini belum memasang kunci induk kabupaten")), None
        )
    current = next((r for r in state.revocations if r.regency_code == carried.regency_code), None)
    if current is not None and current.to_dict() == carried.to_dict():
        return CarriedOutcome(None, None)  # already the list in force here
    try:
        new_state = state.with_revocation_list(carried)
    except ProblemError as exc:
        if exc.problem.code == "revocation.rollback" and current is not None:
            return CarriedOutcome(
                Finding(
                    "revocation.carried_older",
                    _(
                        "Paket ini membawa daftar pencabutan kunci versi {new}, yang tidak lebih "
                        "baru dari versi {current} yang sudah terpasang di kantor ini. Daftar yang "
                        "terpasang tetap dipakai; data lain dalam paket diimpor seperti biasa."
                    ).format(new=carried.version, current=current.version),
                ),
                None,
            )
        return CarriedOutcome(
            _unverified(_("tidak ditandatangani oleh kunci induk yang terpasang")), None
        )
    message = (
        _(
            "Daftar pencabutan kunci kabupaten {regency} versi {version} yang dibawa paket ini "
            "sudah dipasang: paket yang ditandatangani kunci yang dicabut kini ditolak di kantor "
            "ini."
        )
        if installing
        else _(
            "Paket ini membawa daftar pencabutan kunci kabupaten {regency} versi {version}; daftar "
            "itu akan dipasang saat paket diimpor."
        )
    )
    return CarriedOutcome(
        Finding(
            "revocation.carried_installed",
            message.format(regency=carried.regency_code, version=carried.version),
        ),
        new_state,
    )


def _parsed(document: object) -> RevocationList | None:
    if not isinstance(document, dict):
        return None
    try:
        return RevocationList.from_dict(document)
    except (ProblemError, ValueError, TypeError, KeyError):
        return None


def _unverified(reason: str) -> Finding:
    return Finding(
        "revocation.carried_unverified",
        _(
            "Daftar pencabutan kunci yang dibawa paket ini tidak dapat diperiksa ({reason}), "
            "sehingga diabaikan: daftar yang sudah terpasang tetap dipakai dan data lain dalam "
            "paket diimpor seperti biasa. Minta daftar terbaru langsung dari kabupaten."
        ).format(reason=reason),
    )
