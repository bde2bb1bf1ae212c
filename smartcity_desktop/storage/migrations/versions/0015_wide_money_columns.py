"""On PostgreSQL, money and byte sizes in 64-bit columns.

A proposal's estimated cost is in rupiah and may reach a trillion (``MONEY_MAX``): a regency
programme easily costs more than 2^31 rupiah (about 2.1 billion), which PostgreSQL's ``integer``
refuses. A bundle's size (exported or imported) may also pass 2 GiB. SQLite's INTEGER is already
64-bit, so SQLite is left exactly as it was.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# table -> columns widened to BIGINT on PostgreSQL
WIDENED = {
    "proposal": ("estimated_cost",),
    "bundle_export": ("size",),
    "bundle_ledger": ("size",),
}


def _alter(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in WIDENED.items():
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {kind}" for column in columns)
        op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    _alter("BIGINT")


def downgrade() -> None:
    # Fails (and changes nothing) if a stored value no longer fits in 32 bits.
    _alter("INTEGER")
