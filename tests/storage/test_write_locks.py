"""Writers taking turns on one database: a second transaction asking for a name another one holds
waits until that one ends; other names pass (PostgreSQL) or the file's one writer rule applies."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.write_locks import take_turn
from tests.pg_scratch import scratch_database

# Both backends through its own engine fixture (a scratch server database), not the office fixtures.

HOLD = 0.8


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        db = Database.open(tmp_path / "smartcity.sqlite", tmp_path / "backups", create=True)
        yield db.engine
        db.close()
        return
    with scratch_database() as url:
        made = create_engine(url)
        yield made
        made.dispose()


def _waited(engine: Engine, holder_names: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """Whether a transaction asking for ``names`` got its turn only after another one, holding
    ``holder_names`` for HOLD seconds, had ended (by the clock, whatever the machine's load)."""
    held = threading.Event()
    released: list[float] = []

    def hold() -> None:
        with Session(engine) as session:
            take_turn(session, *holder_names)
            held.set()
            time.sleep(HOLD)
            released.append(time.monotonic())  # just before the commit releases it
            session.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    with Session(engine) as session:
        take_turn(session, *names, sqlite_wait_seconds=60)
        acquired = time.monotonic()
        session.commit()
    holder.join()
    return acquired > released[0] if released else False


def test_a_name_held_elsewhere_is_waited_for(engine: Engine) -> None:
    name = "smartcity:import:32.16.01.2001"
    assert _waited(engine, (name,), (name,))


def test_overlapping_names_in_any_order_wait_without_deadlock(engine: Engine) -> None:
    assert _waited(engine, ("b", "a"), ("a", "c", "b"))


def test_other_names_pass_on_a_server(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time, whatever the name")
    assert not _waited(engine, ("smartcity:review:32.16.01",), ("smartcity:import:x",))
