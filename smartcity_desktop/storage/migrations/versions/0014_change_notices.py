"""On PostgreSQL, a notice on one channel whenever a statement changes the office's data.

A desktop app on a shared server has no file whose version it could read (SQLite's
``PRAGMA data_version``) to notice that another analyst's PC wrote. A statement-level trigger on
each data table sends ``NOTIFY smartcity_changes`` with the writing session's process id: the
server delivers it only when the transaction commits (a rolled-back import says nothing), folds the
many notices of one transaction into one, and the app listening on the channel tells its own
sessions' notices from other PCs' by that id. Form drafts and the search index are left out: they
follow the data or belong to one PC. SQLite is left exactly as before.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CHANNEL = "smartcity_changes"
FUNCTION = "smartcity_notify_change"
WATCHED_TABLES = (
    "office_identity",
    "setting",
    "problem",
    "potential",
    "proposal",
    "proposal_link",
    "attachment",
    "review",
    "trust_store",
    "bundle_export",
    "bundle_ledger",
    "record_conflict",
    "issued_certificate",
    "issue_decision",
    "rpjmd_crosswalk",
)


def _trigger(table: str) -> str:
    return f"{table}_notify_change"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', pg_backend_pid()::text);
            RETURN NULL;
        END
        $$
        """
    )
    for table in WATCHED_TABLES:
        op.execute(
            f"CREATE TRIGGER {_trigger(table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
