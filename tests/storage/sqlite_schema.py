"""A migration that only PostgreSQL needs must leave a SQLite database's schema as it was."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from smartcity_desktop.storage import migrations


def _schema(path: Path) -> list[tuple[str, str]]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name != 'alembic_version'")
        )
        result = sorted((str(name), str(sql)) for name, sql in rows)
    engine.dispose()
    return result


def assert_sqlite_schema_unchanged(folder: Path, revision: str, down_revision: str) -> None:
    """Two new SQLite files, one migrated to ``down_revision`` (the one before, whichever it is
    once the migrations are chained) and one to ``revision``, have the same tables and indexes."""
    before, after = folder / "before.sqlite", folder / "after.sqlite"
    migrations.upgrade(create_engine(f"sqlite:///{before}"), down_revision)
    migrations.upgrade(create_engine(f"sqlite:///{after}"), revision)
    assert _schema(before) == _schema(after)
