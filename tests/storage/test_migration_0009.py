"""Migration 0009 on an existing database: the crosswalk table arrives, nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database

# SQLite only: an office file written before migration 0009 (offices on a server start at the head).


def test_upgrade_from_0008_adds_the_crosswalk_and_keeps_settings(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('analysis.bobot.reviu', '5')"))
    assert "rpjmd_crosswalk" not in inspect(engine).get_table_names()
    engine.dispose()

    db = Database.open(path, tmp_path / "backups")
    try:
        with db.session() as s:
            assert (
                s.execute(
                    text("SELECT value FROM setting WHERE key = 'analysis.bobot.reviu'")
                ).scalar()
                == "5"
            )
            assert s.execute(text("SELECT count(*) FROM rpjmd_crosswalk")).scalar() == 0
    finally:
        db.close()
    engine = create_engine(f"sqlite:///{path}")
    columns = {c["name"] for c in inspect(engine).get_columns("rpjmd_crosswalk")}
    assert columns == {
        "id", "urusan", "sub_element", "opd", "programme_code", "programme_name", "updated_at"
    }  # fmt: skip
    row = (
        "INSERT INTO rpjmd_crosswalk (urusan, sub_element, opd, programme_code, programme_name, "
        "updated_at) VALUES ('1.03', '', '', '1', 'P', '2026-01-01 00:00:00')"
    )
    with engine.begin() as conn:
        conn.execute(text(row))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(row))  # one programme per (urusan, sub-element, OPD)
    engine.dispose()
