"""Search index triggers can be suspended for bulk writes.

A trigger per row costs about 30 microseconds of FTS work; an import of 10,000 records spent most of
its database time there. Bulk writers now insert a row into ``search_suspended`` inside their own
transaction (no other connection ever sees it), write, index the new rows in one statement per kind,
and delete the row again before committing.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEARCHABLE = ("problem", "potential", "proposal")


def _triggers(table: str, when: str) -> list[str]:
    remove = (
        "DELETE FROM record_search WHERE rowid = "
        "(SELECT rowid FROM search_doc WHERE record_id = old.id); "
        "DELETE FROM search_doc WHERE record_id = old.id;"
    )
    add = (
        f"INSERT INTO search_doc(kind, record_id) SELECT '{table}', new.id WHERE new.deleted = 0; "
        "INSERT INTO record_search(rowid, title, description) "
        "SELECT last_insert_rowid(), new.title, coalesce(new.description, '') "
        "WHERE new.deleted = 0;"
    )
    return [
        f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} {when} BEGIN {add} END",
        f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} {when} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF title, description, deleted "
        f"ON {table} {when} BEGIN {remove} {add} END",
    ]


def _replace_triggers(when: str) -> None:
    for table in SEARCHABLE:
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
        for statement in _triggers(table, when):
            op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # only SQLite's FTS5 triggers are suspended; PostgreSQL has none of them
    op.create_table(
        "search_suspended",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_suspended")),
    )
    _replace_triggers("WHEN NOT EXISTS (SELECT 1 FROM search_suspended)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _replace_triggers("")
    op.drop_table("search_suspended")
