"""Migration 0013 on SQLite: nothing changes (a SQLite office keeps its photos in its folder)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from smartcity_desktop.storage import migrations

# SQLite only by design: 0013 leaves SQLite unchanged (on PostgreSQL: test_db_blobs.py).


def schema(path: Path) -> list[tuple[str, str, str | None]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return [
                (r.type, r.name, r.sql)
                for r in connection.execute(
                    text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
                )
            ]
    finally:
        engine.dispose()


def test_upgrade_from_the_previous_revision_leaves_a_sqlite_database_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "smartcity.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0012")
    engine.dispose()
    before = schema(path)
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0013")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0013"
    engine.dispose()
    assert schema(path) == before
    assert not [name for _type, name, _sql in before if name.startswith("attachment_blob")]
