"""Attachments kept in the database itself on PostgreSQL (storage/db_blobs.py): one row per
distinct file, keyed by its SHA-256, its bytes in 1 MiB chunks. A SQLite office keeps its files in
the data folder's ``attachments`` folder, so on SQLite this migration changes nothing.

Files of an office moved from SQLite to PostgreSQL are brought in by ``smartcity db copy``.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _on_postgresql():
        return
    op.create_table(
        "attachment_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blob")),
    )
    op.create_table(
        "attachment_blob_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blob.sha256"],
            name=op.f("fk_attachment_blob_chunk_sha256_attachment_blob"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_attachment_blob_chunk")),
    )
    # Photos are compressed already: storing them compressed again costs CPU for nothing.
    op.execute("ALTER TABLE attachment_blob_chunk ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    if not _on_postgresql():
        return
    op.drop_table("attachment_blob_chunk")
    op.drop_table("attachment_blob")
