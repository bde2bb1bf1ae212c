"""On PostgreSQL, 64-bit integers where a value can pass 2^31: a proposal's estimated cost (up to
Rp 1 trillion, domain.fields.MONEY_MAX), bundle sequence numbers (a sender's number is checked
against 2^63 - 1, services/exchange/ledger.py) and bundle sizes (a bundle with many photos passes
2 GiB). PostgreSQL's INTEGER is 32-bit, so a proposal of Rp 3 billion could not be saved there.
SQLite's INTEGER is 64-bit already: on SQLite this migration changes nothing.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = (
    ("proposal", "estimated_cost"),
    ("bundle_export", "sequence"),
    ("bundle_export", "size"),
    ("bundle_ledger", "sequence"),
    ("bundle_ledger", "size"),
)


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _serial_sequence() -> str | None:
    """The sequence that numbers exports (a serial column's, made 32-bit with it)."""
    name = op.get_bind().scalar(
        sa.text("SELECT pg_get_serial_sequence('bundle_export', 'sequence')")
    )
    return str(name) if name else None


def upgrade() -> None:
    if not _on_postgresql():
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE BIGINT')
    if (sequence := _serial_sequence()) is not None:
        op.execute(f"ALTER SEQUENCE {sequence} AS BIGINT")


def downgrade() -> None:
    if not _on_postgresql():
        return
    if (sequence := _serial_sequence()) is not None:
        op.execute(f"ALTER SEQUENCE {sequence} AS INTEGER")
    for table, column in COLUMNS:  # fails for a value that needs 64 bits, as it should
        op.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE INTEGER')
