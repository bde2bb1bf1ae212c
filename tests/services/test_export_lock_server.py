"""The export lock of an office whose database is on a server used from several PCs: one export
at a time across them, though each PC has its own data folder (and so its own lock file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from smartcity_desktop.services.exchange.export_lock import (
    ExportBusy,
    export_lock,
    export_lock_if_free,
)
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.models import Base
from smartcity_desktop.storage.paths import DataPaths
from tests.pg_scratch import scratch_database, terminate


def _pc(folder: Path, url: object) -> tuple[DataPaths, Database]:
    folder.mkdir()
    engine = create_engine(url, pool_pre_ping=True)  # type: ignore[call-overload]
    return DataPaths(folder), Database(folder / "smartcity.sqlite", engine, folder / "backups")


@pytest.fixture
def two_pcs(tmp_path: Path) -> Iterator[tuple[tuple[DataPaths, Database], ...]]:
    with scratch_database() as url:
        first = _pc(tmp_path / "pc1", url)
        Base.metadata.create_all(first[1].engine)
        second = _pc(tmp_path / "pc2", url)
        try:
            yield first, second
        finally:
            first[1].close()
            second[1].close()


def test_an_export_on_one_pc_keeps_the_other_pc_from_exporting(
    two_pcs: tuple[tuple[DataPaths, Database], ...],
) -> None:
    (paths_1, db_1), (paths_2, db_2) = two_pcs
    with export_lock(paths_1, db_1):
        with pytest.raises(ExportBusy) as caught, export_lock(paths_2, db_2):
            pass
        assert "komputer lain" in str(caught.value)
        # what the start of the app asks before closing "interrupted" exports
        with export_lock_if_free(paths_2, db_2) as free:
            assert free is False
    with export_lock(paths_2, db_2), export_lock_if_free(paths_1, db_1) as free:
        assert free is False
    with export_lock_if_free(paths_1, db_1) as free:
        assert free is True


def test_the_lock_goes_with_the_session_of_a_pc_that_lost_it(
    two_pcs: tuple[tuple[DataPaths, Database], ...],
) -> None:
    """As with the lock file and a killed process: a crashed PC never blocks the others."""
    (paths_1, db_1), (paths_2, db_2) = two_pcs
    with export_lock(paths_1, db_1):
        with db_1.engine.connect() as conn:
            pids = conn.scalars(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            ).all()
        assert len(pids) == 1
        terminate(db_1.engine.url, pids[0])
        with export_lock_if_free(paths_2, db_2) as free:
            assert free is True
