"""Migration 0014: change notices on PostgreSQL (a trigger per data table), SQLite left as it was."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage import migrations

pytestmark = pytest.mark.postgres_ready

change_notices = importlib.import_module(
    "smartcity_desktop.storage.migrations.versions.0014_change_notices"
)


def test_sqlite_schema_is_unchanged(tmp_path: Path) -> None:
    def schema(path: Path) -> list[tuple[str, str]]:
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE name != 'alembic_version'")
            )
            result = sorted((str(name), str(sql)) for name, sql in rows)
        engine.dispose()
        return result

    before, after = tmp_path / "before.sqlite", tmp_path / "after.sqlite"
    # the revision before it, whichever it is once the migrations are chained
    migrations.upgrade(create_engine(f"sqlite:///{before}"), change_notices.down_revision)
    migrations.upgrade(create_engine(f"sqlite:///{after}"), "0014")
    assert schema(before) == schema(after)


def test_every_watched_table_has_its_trigger(backend: str, kabupaten_ctx: AppContext) -> None:
    if backend != "postgresql":
        pytest.skip("triggers only on PostgreSQL")
    with kabupaten_ctx.db.session() as session:
        tables = set(
            session.scalars(
                text(
                    "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                    "WHERE trigger_name LIKE '%_notify_change'"
                )
            )
        )
    assert tables == set(change_notices.WATCHED_TABLES)
