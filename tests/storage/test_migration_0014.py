"""Migration 0014: change notices on PostgreSQL (a trigger per data table), SQLite left as it was."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import text

from smartcity_desktop.services.context import AppContext
from tests.storage.sqlite_schema import assert_sqlite_schema_unchanged

pytestmark = pytest.mark.postgres_ready

change_notices = importlib.import_module(
    "smartcity_desktop.storage.migrations.versions.0014_change_notices"
)


def test_sqlite_schema_is_unchanged(tmp_path: Path) -> None:
    assert_sqlite_schema_unchanged(tmp_path, "0014", change_notices.down_revision)


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
