"""Exports are recorded before their file exists: a status, and what was staged where.

A bundle's number is reserved (status "pending") in the same transaction that decides it, before any
file is written; it becomes "done" once the file is complete under its final name, or "abandoned"
when the export was interrupted, so that a number is never given to two different bundles. Exports
recorded before this revision were complete, so they become "done".

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundle_export", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="done", nullable=False)
        )
        batch_op.add_column(sa.Column("folder", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("parts_sha256", sa.String(length=64), nullable=True))
        batch_op.alter_column("content_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("size", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_bundle_export_status"), "status IN ('pending', 'done', 'abandoned')"
        )


def downgrade() -> None:
    # Unfinished exports keep their rows, so that older code still never reuses their numbers.
    op.execute(
        "UPDATE bundle_export SET content_hash = COALESCE(content_hash, ''), "
        "size = COALESCE(size, 0)"
    )
    with op.batch_alter_table("bundle_export", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_bundle_export_status"), type_="check")
        batch_op.alter_column("size", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("content_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("parts_sha256")
        batch_op.drop_column("folder")
        batch_op.drop_column("status")
