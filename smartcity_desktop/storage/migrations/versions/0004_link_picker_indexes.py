"""Covering indexes for a proposal's link picker.

Every proposal form lists all live problems and potentials by title; without an index SQLite reads
every row (descriptions included) and sorts them, about 25 ms per 20,000 records on each opening.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("problem", "potential"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_link_choice", ["deleted", "title", "id", "status"], unique=False
            )


def downgrade() -> None:
    for table in ("problem", "potential"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_link_choice")
