"""A migration killed half-way leaves the old schema, which the next start migrates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database

# SQLite only: a process killed mid-migration on the office file (PostgreSQL's DDL is transactional).

ROOT = Path(__file__).resolve().parents[2]
OLD = "0002"

# Opens the database as the app does; after the first migration step has been applied it writes
# READY and waits to be killed.
PAUSING_OPEN = r"""
import os, sys, time
from pathlib import Path
from alembic.runtime.migration import HeadMaintainer
from smartcity_desktop.storage.database import Database
ready = sys.argv[1]
real_update = HeadMaintainer.update_to_step
def update_to_step(self, step):
    real_update(self, step)
    open(ready, "w").close()
    while True:
        time.sleep(1)
HeadMaintainer.update_to_step = update_to_step
Database.open(Path(sys.argv[2]), Path(sys.argv[3]))
"""


def schema(path: Path) -> tuple[str, list[tuple[str, str]]]:
    conn = sqlite3.connect(path)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = conn.execute("SELECT type, name FROM sqlite_master ORDER BY 1, 2").fetchall()
    finally:
        conn.close()
    return revision, names


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_kill_between_two_migration_steps_leaves_the_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, OLD)
    engine.dispose()
    before = schema(path)
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSING_OPEN, str(ready), str(path), str(tmp_path / "backups")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert child.poll() is None, "the migration ended before its first step"
        assert time.monotonic() < deadline, "the migration never reached its first step"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    assert schema(path) == before  # not one statement of the interrupted migration remains
    db = Database.open(path, tmp_path / "backups")  # and the next start migrates it
    db.close()
    assert schema(path)[0] == migrations.head_revision()
