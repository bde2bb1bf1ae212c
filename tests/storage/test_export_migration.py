"""Migration 0005: exports recorded before it stay valid and count as done."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database

# SQLite only: an office file written before migration 0005 (offices on a server start at the head).

ROW = (
    7,
    "a" * 64,
    "0123456789abcdef",
    "2026-01-02 03:04:05.000000",
    0,
    '["smartcity-32.16.01.2001-000007.scb"]',
    1234,
    '{"problem": 2}',
)


def test_exports_made_before_the_status_existed_become_done(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0004")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO bundle_export VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROW)
    conn.close()

    Database.open(path, tmp_path / "backups").close()

    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT sequence, content_hash, key_id, created_at, full, files, size, counts, status,"
            " folder, parts_sha256 FROM bundle_export"
        ).fetchone()
        assert row == (*ROW, "done", None, None)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_going_back_keeps_every_number_taken(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    Database.open(path, tmp_path / "backups", create=True).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO bundle_export (sequence, status, key_id, created_at, full, files, counts)"
            " VALUES (3, 'abandoned', 'k', '2026-01-01 00:00:00', 0, '[]', '{}')"
        )
    conn.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        cfg = migrations.alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0004")
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        # Older code picks max(sequence) + 1, so the abandoned number must stay in the table.
        assert conn.execute(
            "SELECT sequence, content_hash, size FROM bundle_export"
        ).fetchall() == [(3, "", 0)]
    finally:
        conn.close()
