"""Key words of each record stored beside it (``record_words``), derived data for the analysis
views: Isu strategis split the title, description and causes of every problem (80,000 texts at
a regency) in each new process before it could cluster them.

The table starts empty: the first analysis that reads a record without stored words computes
them and stores them (``services.stored_words``), and the save and import paths keep
them from then on. A migration that filled it would have to carry its own copy of the word rules
(a migration never imports the app); a row made under other rules would be ignored anyway.

No change-notice trigger (migration 0014): the rows are derived, not the office's data.

Also ``ix_problem_link_facts (id, deleted, office_code, severity)``: the proposal views read the
village and severity of every linked problem (80,000 links at a regency) when they first compute;
with this index SQLite reads them from the index instead of each problem's row (about 0.7 s of
CPU down to 0.4 s).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_words",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.String(length=16), nullable=False),
        sa.Column("title_words", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_words")),
    )
    op.create_index(
        "ix_problem_link_facts",
        "problem",
        ["id", "deleted", "office_code", "severity"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_problem_link_facts", table_name="problem")
    op.drop_table("record_words")
