"""Proposals and reviews added to the known data set's kabupaten (tests/services/similarity_data),
as they arrive there: village rows in the villages' bundles, kecamatan reviews forwarded in the
kecamatan's bundles, and the kabupaten's own reviews.

    p1 (A, Tarumajaya)  kecamatan Tarumajaya: ditolak, biaya_tidak_wajar, "Rincian RAB belum ada"
    p2 (C, Babelan)     kecamatan Babelan: dialihkan to OPD "Dinas PUPR"
    p3 (B, Tarumajaya)  kecamatan Tarumajaya: ditolak; the kabupaten: diterima (accommodated)
    p4 (D, Babelan)     kecamatan Babelan: diterima; the kabupaten: ditolak, uraian_tidak_jelas
    p5 (C, Babelan)     kecamatan Babelan: ditolak, but the proposal was deleted by its village
    p6 (A, Tarumajaya)  kecamatan Babelan (not its kecamatan): ditolak: no decision on it
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleGenerator, _row
from smartcity_desktop.storage.models import Proposal, Review, table_of
from smartcity_desktop.storage.search_index import insert_indexed
from tests.services.similarity_data import A, B, C, D

TARUMAJAYA, BABELAN = "32.16.01", "32.16.02"
PROPOSALS = {"p1": A, "p2": C, "p3": B, "p4": D, "p5": C, "p6": A}
# label -> [(reviewer, state, reason, comment, redirect_opd)]
REVIEWS: dict[str, list[tuple[str, str, str | None, str | None, str | None]]] = {
    "p1": [(TARUMAJAYA, "ditolak", "biaya_tidak_wajar", "Rincian RAB belum ada", None)],
    "p2": [(BABELAN, "dialihkan", None, None, "Dinas PUPR")],
    "p3": [(TARUMAJAYA, "ditolak", "data_belum_lengkap", None, None), ("32.16", "diterima", None, None, None)],
    "p4": [(BABELAN, "diterima", None, None, None), ("32.16", "ditolak", "uraian_tidak_jelas", None, None)],
    "p5": [(BABELAN, "ditolak", "data_belum_lengkap", None, None)],
    "p6": [(BABELAN, "ditolak", "data_belum_lengkap", None, None)],
}  # fmt: skip


def add_proposals_and_reviews(ctx: AppContext) -> dict[str, str]:
    """Write the proposals and reviews above into the kabupaten ``ctx``; label -> proposal id."""
    now = ctx.clock()
    ids: dict[str, str] = {}
    rows = []
    for n, (label, desa) in enumerate(PROPOSALS.items()):
        gen = SampleGenerator(500 + n, desa)
        village = SimpleNamespace(office=SimpleNamespace(code=desa, operator="Operator Desa"))
        values = gen.proposal([], [])
        values["title"] = f"Usulan {label}"
        row = _row(RecordKind.PROPOSAL, gen, village, values, now)  # type: ignore[arg-type]
        row.pop("_values")
        row.update(trust_level="certified", deleted=label == "p5")
        rows.append(row)
        ids[label] = row["id"]
    reviews: list[dict[str, Any]] = []
    for label, decisions in REVIEWS.items():
        for reviewer, state, reason, comment, opd in decisions:
            reviews.append(
                {
                    "id": str(uuid.uuid4()),
                    "office_code": reviewer,
                    "revision": 1,
                    "status": "final",
                    "deleted": False,
                    "content_hash": "0" * 64,
                    "created_at": now,
                    "updated_at": now,
                    "author": "Operator",
                    "sent_revision": None,
                    "trust_level": None if reviewer == ctx.office.code else "certified",
                    "source_bundle": None,
                    "target_kind": "proposal",
                    "target_id": ids[label],
                    "target_revision": 1,
                    "target_hash": "0" * 64,
                    "state": state,
                    "reason": reason,
                    "comment": comment,
                    "priority": None,
                    "redirect_urusan": None,
                    "redirect_opd": opd,
                    "redirect_level": None,
                    "merge_into": None,
                }
            )
    with ctx.db.transaction() as session:
        connection = session.connection()
        insert_indexed(connection, table_of(Proposal), rows)
        connection.execute(insert(table_of(Review)), reviews)
    return ids
