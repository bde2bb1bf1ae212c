"""Values past 2^31 on both backends: PostgreSQL's INTEGER is 32-bit, so a cost in rupiah, a
bundle's number and a bundle's size are 64-bit columns there (migration 0015)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.models import BundleLedger
from tests.services.test_exchange import export, one, pin
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready

COST = 3_000_000_000  # Rp 3 miliar: an ordinary kabupaten-scale proposal, past 2^31


def test_a_proposal_costing_billions_is_imported_and_summed(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    proposal = {
        "title": "Jalan tembus antardesa",
        "description": "Jalan beraspal 4 km menghubungkan dua desa.",
        "dimension": "living",
        "sub_element": "kesehatan",
        "estimated_cost": COST,
    }
    record_id = RecordService(desa_ctx).create(RecordKind.PROPOSAL, proposal, finalise=True).ids[0]
    pin(kecamatan_ctx, desa_ctx)
    report = one(import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "1.scb")]))
    assert report.status == "imported"
    record = RecordService(kecamatan_ctx).get(RecordKind.PROPOSAL, record_id)
    assert record.values["estimated_cost"] == COST
    table = view("biaya-sumber-dana").compute(kecamatan_ctx, AnalysisFilter()).table("biaya")
    assert table.totals is not None
    total = table.totals.values[table.column_index("total")]
    assert total == COST and type(total) is int


def test_a_bundle_number_and_size_past_two_to_the_31(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    pin(kecamatan_ctx, desa_ctx)
    assert one(import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "1.scb")])).ok
    with kecamatan_ctx.db.transaction() as s:
        s.execute(update(BundleLedger).values(sequence=2**40, size=5 * 2**30))
    with kecamatan_ctx.db.session() as s:
        row = s.query(BundleLedger).one()
        assert (row.sequence, row.size) == (2**40, 5 * 2**30)
