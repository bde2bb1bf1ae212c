"""Migration 0015: money, bundle numbers and sizes are 64-bit on PostgreSQL; SQLite is left as it
was."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import text

from smartcity_desktop.services.context import AppContext
from tests.storage.sqlite_schema import assert_sqlite_schema_unchanged

pytestmark = pytest.mark.postgres_ready

wide_money = importlib.import_module(
    "smartcity_desktop.storage.migrations.versions.0015_wide_integers_on_postgresql"
)


def test_sqlite_schema_is_unchanged(tmp_path: Path) -> None:
    assert_sqlite_schema_unchanged(tmp_path, "0015", wide_money.down_revision)


def test_money_and_sizes_are_64_bit_columns(backend: str, kabupaten_ctx: AppContext) -> None:
    """BIGINT on PostgreSQL; INTEGER on SQLite, which stores up to 8 bytes. (A value past 2^31
    written and summed: tests/services/analysis/test_costs.py.)"""
    with kabupaten_ctx.db.session() as session:
        for table in {table for table, _column in wide_money.COLUMNS}:
            columns = [column for t, column in wide_money.COLUMNS if t == table]
            if backend == "postgresql":
                sql = (
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = :table"
                )
                found = {row[0]: row[1] for row in session.execute(text(sql), {"table": table})}
                expected = "bigint"
            else:
                rows = session.execute(text(f"PRAGMA table_info({table})")).all()
                found = {row[1]: row[2] for row in rows}
                expected = "INTEGER"
            for column in columns:
                assert found[column] == expected, (table, column)
