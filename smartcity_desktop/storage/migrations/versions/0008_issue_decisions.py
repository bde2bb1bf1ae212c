"""Staff corrections of the isu strategis clusters (merge and split), owned by the office.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_decision",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("office_code", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("sent_revision", sa.Integer(), nullable=True),
        sa.Column("trust_level", sa.String(length=20), nullable=True),
        sa.Column("source_bundle", sa.String(length=64), nullable=True),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("cluster_keys", sa.Text(), nullable=False),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_decision")),
    )
    with op.batch_alter_table("issue_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issue_decision_office_code"), ["office_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issue_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_decision_office_code"))
    op.drop_table("issue_decision")
