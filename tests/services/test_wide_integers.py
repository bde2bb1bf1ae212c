"""Values past 2^31 on both backends: PostgreSQL's INTEGER is 32-bit, so a cost in rupiah, a
bundle's number and a bundle's size are 64-bit columns there (migration 0015)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, text, update

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


def _widths(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        columns = {
            f"{table}.{column}": kind
            for table, column, kind in connection.execute(
                text(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND (table_name, column_name) IN "
                    "(('proposal', 'estimated_cost'), ('bundle_export', 'sequence'), "
                    "('bundle_export', 'size'), ('bundle_ledger', 'sequence'), "
                    "('bundle_ledger', 'size'))"
                )
            )
        }
        columns["numbering"] = connection.scalar(
            text(
                "SELECT data_type FROM pg_sequences WHERE schemaname || '.' || sequencename = "
                "pg_get_serial_sequence('bundle_export', 'sequence')"
            )
        )
    return columns


def test_migration_0015_widens_on_postgresql_and_narrows_back(
    kecamatan_ctx: AppContext, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite's INTEGER is 64-bit already: migration 0015 changes nothing there")
    module = importlib.import_module(
        "smartcity_desktop.storage.migrations.versions.0015_wide_integers_on_postgresql"
    )
    engine = kecamatan_ctx.db.engine
    assert set(_widths(engine).values()) == {"bigint"}
    for direction, width in (("downgrade", "integer"), ("upgrade", "bigint")):
        with (
            engine.begin() as connection,
            Operations.context(MigrationContext.configure(connection)),
        ):
            getattr(module, direction)()
        assert set(_widths(engine).values()) == {width}
