"""Reviews get their states, reasons, redirect and merge targets, and what they reviewed.

The review table of 0001 had free-text ``verification``, ``notes`` and ``recommendation``. Kecamatan
review needs a state from a fixed list, a reason code, a comment, a priority, where a record was
redirected or merged, and the reviewed record's revision and content hash at review time (so that
"changed since review" can be computed). Existing rows keep everything they said: a known state
moves to ``state``, any other text and the notes and recommendation move into ``comment``, and the
row's content hash is recomputed over the new values. Indexes serve the review queue.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_STATES = ("diterima", "perlu_perbaikan", "ditolak", "dialihkan", "digabung")
# The review values as of this revision, frozen here so later changes of the domain code cannot
# change what this migration writes.
_FIELDS = (
    "target_kind",
    "target_id",
    "target_revision",
    "target_hash",
    "state",
    "reason",
    "comment",
    "priority",
    "redirect_urusan",
    "redirect_opd",
    "redirect_level",
    "merge_into",
)
_RECORD_TABLES = ("problem", "potential", "proposal")


def _hash(row: dict[str, Any], values: dict[str, Any]) -> str:
    doc = {
        "kind": "review",
        "id": row["id"],
        "office_code": row["office_code"],
        "revision": row["revision"],
        "status": "final",
        "deleted": bool(row["deleted"]),
        "values": values,
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _old_text_into_comment(row: dict[str, Any]) -> tuple[str | None, str | None]:
    verification = (row["verification"] or "").strip()
    state = verification if verification in _STATES else None
    parts = []
    if verification and state is None:
        parts.append(f"Hasil verifikasi: {verification}")
    if row["notes"] and row["notes"].strip():
        parts.append(row["notes"].strip())
    if row["recommendation"] and row["recommendation"].strip():
        parts.append(f"Rekomendasi: {row['recommendation'].strip()}")
    return state, "\n\n".join(parts) or None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("redirect_urusan", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("redirect_opd", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("redirect_level", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("merge_into", sa.String(length=36), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT * FROM review")).mappings().all()
    for row in rows:
        state, comment = _old_text_into_comment(dict(row))
        values = {name: row.get(name) for name in _FIELDS}
        values.update(state=state, comment=comment)
        conn.execute(
            sa.text(
                "UPDATE review SET state = :state, comment = :comment, content_hash = :hash "
                "WHERE id = :id"
            ),
            {"state": state, "comment": comment, "hash": _hash(dict(row), values), "id": row["id"]},
        )

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("verification")
        batch_op.drop_column("notes")
        batch_op.drop_column("recommendation")
        batch_op.create_index("ix_review_office_target", ["office_code", "target_id"], unique=False)
        batch_op.create_index("ix_review_office_state", ["office_code", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_merge_into"), ["merge_into"], unique=False)

    for table in _RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_queue", ["office_code", "created_at", "id"], unique=False
            )


def downgrade() -> None:
    for table in _RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_queue")

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_merge_into"))
        batch_op.drop_index("ix_review_office_state")
        batch_op.drop_index("ix_review_office_target")
        batch_op.add_column(sa.Column("verification", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("recommendation", sa.Text(), nullable=True))
    op.execute("UPDATE review SET verification = state, notes = comment")
    with op.batch_alter_table("review", schema=None) as batch_op:
        for name in (
            "merge_into",
            "redirect_level",
            "redirect_opd",
            "redirect_urusan",
            "comment",
            "reason",
            "state",
            "target_hash",
            "target_revision",
        ):
            batch_op.drop_column(name)
