"""A connection to a PostgreSQL server lost in the middle of a transaction: nothing of it stays,
the user is told which server, and the next operation works on a new connection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from smartcity_desktop.storage.connection_lost import ConnectionLostError
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.models import Base, Setting
from tests.pg_scratch import scratch_database, terminate

# PostgreSQL only, on a scratch server database of its own: SQLite has no connection to lose.


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[Database]:
    with scratch_database() as url:
        engine = create_engine(url, pool_pre_ping=True)
        Base.metadata.create_all(engine)
        db = Database(tmp_path / "smartcity.sqlite", engine, tmp_path / "backups", url=url)
        try:
            yield db
        finally:
            db.close()


def settings(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(Setting.key).order_by(Setting.key)))


def test_a_connection_ended_mid_transaction_leaves_nothing_and_names_the_server(
    server_db: Database,
) -> None:
    url = server_db.engine.url
    with pytest.raises(ConnectionLostError) as caught, server_db.transaction() as s:
        s.add(Setting(key="a", value="1"))
        s.flush()
        pid = s.scalar(text("SELECT pg_backend_pid()"))
        terminate(url, pid)
        s.add(Setting(key="b", value="2"))
        s.flush()
    error = caught.value
    assert error.code == "database.connection_lost"
    assert f"{url.host}:{url.port}/{url.database}" in str(error)
    assert "tidak ada yang tersimpan setengah" in str(error)
    assert "postgres:" not in str(error)  # no password (nor user) in the message
    assert settings(server_db) == []  # the server rolled the transaction back
    # recovers by itself: the next transaction gets a fresh connection
    with server_db.transaction() as s:
        s.add(Setting(key="c", value="3"))
    assert settings(server_db) == ["c"]


def test_a_connection_ended_between_operations_is_replaced_unnoticed(
    server_db: Database,
) -> None:
    with server_db.session() as s:
        pid = s.scalar(text("SELECT pg_backend_pid()"))
    terminate(server_db.engine.url, pid)  # the idle pooled connection dies
    with server_db.transaction() as s:
        s.add(Setting(key="x", value="1"))
    with server_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Setting)) == 1
