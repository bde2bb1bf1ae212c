"""Migration 0008 on an existing database: the decision table arrives, nothing else changes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database

# SQLite only: an office file written before migration 0008 (offices on a server start at the head).


def test_upgrade_from_0007_adds_the_decision_table_and_keeps_records(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('x', 'tetap')"))
    assert "issue_decision" not in inspect(engine).get_table_names()
    engine.dispose()

    db = Database.open(path, tmp_path / "backups")
    try:
        with db.session() as s:
            assert s.execute(text("SELECT value FROM setting WHERE key = 'x'")).scalar() == "tetap"
            assert s.execute(text("SELECT count(*) FROM issue_decision")).scalar() == 0
    finally:
        db.close()
    engine = create_engine(f"sqlite:///{path}")
    columns = {c["name"] for c in inspect(engine).get_columns("issue_decision")}
    assert {"office_code", "revision", "deleted", "content_hash", "area_code", "action"} <= columns
    assert {"cluster_keys", "record_ids", "label"} <= columns
    engine.dispose()
