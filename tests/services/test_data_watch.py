"""The live refresh's watch: another program's (or PC's) committed write is noticed once, this
process's own writes and a rolled-back write are not; on SQLite and on a PostgreSQL server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.data_watch import open_data_watch
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.models import Setting
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def other(kabupaten_paths: DataPaths) -> Iterator[AppContext]:
    """A second program on the same office database (the CLI, another analyst's PC)."""
    ctx = open_context(kabupaten_paths)
    yield ctx
    ctx.close()


def eventually(look: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Notices travel over the network: give them a moment to arrive."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if look():
            return True
        time.sleep(0.05)
    return False


def test_another_programs_commit_is_noticed_once(
    kabupaten_ctx: AppContext, other: AppContext
) -> None:
    with open_data_watch(kabupaten_ctx) as watch:
        assert not watch.changed_elsewhere()
        update_settings(other, {"backup.keep_count": "9"})
        assert eventually(watch.changed_elsewhere)
        assert not watch.changed_elsewhere()


def test_own_writes_are_not_noticed(kabupaten_ctx: AppContext) -> None:
    with open_data_watch(kabupaten_ctx) as watch:
        for count in ("3", "4", "5"):
            update_settings(kabupaten_ctx, {"backup.keep_count": count})
        assert not eventually(watch.changed_elsewhere, seconds=1.0)


def test_a_rolled_back_write_elsewhere_is_not_noticed(
    kabupaten_ctx: AppContext, other: AppContext
) -> None:
    with open_data_watch(kabupaten_ctx) as watch:
        with other.db.session() as session:
            session.add(Setting(key="backup.keep_days", value="7"))
            session.flush()
            session.rollback()
        assert not eventually(watch.changed_elsewhere, seconds=1.0)


def test_on_a_server_a_dropped_watch_connection_reconnects_and_reports_once(
    backend: str, kabupaten_ctx: AppContext, other: AppContext
) -> None:
    if backend != "postgresql":
        pytest.skip("a server connection to lose")
    from smartcity_desktop.services.server_watch import ServerDataWatch

    with ServerDataWatch(kabupaten_ctx, retry_seconds=0) as watch:
        with other.db.session() as session:
            session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'smartcity-watch' AND datname = current_database()"
                )
            )
        # the loss is found, the watch listens again and shows once what it may have missed
        assert eventually(watch.changed_elsewhere)
        assert not watch.changed_elsewhere()
        update_settings(other, {"backup.keep_count": "8"})
        assert eventually(watch.changed_elsewhere)
