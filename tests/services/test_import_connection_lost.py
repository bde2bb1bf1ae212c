"""The connection to the server lost in the middle of an import: nothing half-written, the report
says what happened and names the server, and the same bundle imports once the server is back.

The importing session is ended from another connection (``pg_terminate_backend``, as a server
restart or a network cut would end it) once the rows are written and before the ledger entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.exchange.importer import rows_written_hook
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.pg_scratch import admin_url
from tests.services.test_exchange import export, one, pin, state

# To be marked ``pytest.mark.postgres_ready`` once the import runs on PostgreSQL (its SQL is being
# ported); until then SMARTCITY_TEST_POSTGRES_ALL=1 runs it there.


pytestmark = pytest.mark.postgres_ready


def _end_import_session(ctx: AppContext) -> None:
    """End the one session of this database that is inside a transaction: the import's."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            ended = conn.scalars(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND state = 'idle in transaction'"
                ),
                {"db": ctx.db.engine.url.database},
            ).all()
    finally:
        engine.dispose()
    assert ended == [True]


def test_a_connection_lost_mid_import_leaves_nothing_and_the_import_works_again(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    if kecamatan_ctx.db.engine.dialect.name != "postgresql":
        pytest.skip("a connection to lose needs a server")
    generate(desa_ctx, SampleRequest(problems=4, potentials=2, proposals=3, photos=2, seed=5))
    bundle = export(desa_ctx, tmp_path, "1.scb")
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    url = kecamatan_ctx.db.engine.url

    with rows_written_hook(lambda _hash: _end_import_session(kecamatan_ctx)):
        report = one(import_files(kecamatan_ctx, [bundle], receipts=False))

    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["database.connection_lost"]
    assert f"{url.host}:{url.port}/{url.database}" in report.findings[0].message
    assert state(kecamatan_ctx) == before  # no row, no ledger entry, no photo left behind
    # the server is there again: the next import runs on a new connection
    again = one(import_files(kecamatan_ctx, [bundle], receipts=False))
    assert again.status == "imported", again.findings
    assert again.action_counts()["new"] == 4 + 2 + 3 + 2
