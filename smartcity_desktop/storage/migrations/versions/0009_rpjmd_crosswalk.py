"""The crosswalk from urusan, sub-element or OPD to an RPJMD programme, kept by the office.

It is the office's own planning table (the regency edits it and imports it from CSV/XLSX); it
does not travel in bundles, so it has no owned-row columns.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rpjmd_crosswalk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("urusan", sa.String(length=10), nullable=False),
        sa.Column("sub_element", sa.String(length=40), nullable=False),
        sa.Column("opd", sa.String(length=200), nullable=False),
        sa.Column("programme_code", sa.String(length=50), nullable=False),
        sa.Column("programme_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpjmd_crosswalk")),
        sa.UniqueConstraint(
            "urusan", "sub_element", "opd", name=op.f("uq_rpjmd_crosswalk_urusan_sub_element_opd")
        ),
    )


def downgrade() -> None:
    op.drop_table("rpjmd_crosswalk")
