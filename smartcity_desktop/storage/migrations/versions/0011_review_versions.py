"""Several analyst PCs on one database: who changed a review, one ledger entry per number.

- ``review.changed_by``: who saved a review's current revision ("login@computer"), so that a save
  refused because someone else changed the review first can say who (several PCs share one office
  and so one operator name). The review's own revision is the version that is checked
  (storage/models.py ``Review``).
- ``ix_bundle_ledger_sender_seq`` becomes unique: one bundle per sender and number, as the import
  always checked, now also when two imports run at once (the content hash was already the key). A
  database that somehow holds two bundles under one number keeps the plain index: the check in the
  import still refuses a third, and no received bundle is thrown away.

Existing rows are unchanged; the new column is NULL for them.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_LEDGER_INDEX = "ix_bundle_ledger_sender_seq"


def upgrade() -> None:
    # A plain ADD COLUMN on both engines (no table copy on SQLite).
    op.add_column("review", sa.Column("changed_by", sa.String(length=200), nullable=True))
    reused = op.get_bind().scalar(
        sa.text(
            "SELECT count(*) FROM (SELECT sender_office, sequence FROM bundle_ledger "
            "GROUP BY sender_office, sequence HAVING count(*) > 1) AS reused"
        )
    )
    if not reused:
        op.drop_index(_LEDGER_INDEX, table_name="bundle_ledger")
        op.create_index(_LEDGER_INDEX, "bundle_ledger", ["sender_office", "sequence"], unique=True)


def downgrade() -> None:
    op.drop_index(_LEDGER_INDEX, table_name="bundle_ledger")
    op.create_index(_LEDGER_INDEX, "bundle_ledger", ["sender_office", "sequence"], unique=False)
    with op.batch_alter_table("review") as batch_op:
        batch_op.drop_column("changed_by")
