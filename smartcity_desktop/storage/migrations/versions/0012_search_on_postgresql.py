"""Full-text search on PostgreSQL: a tsvector per record in ``search_doc``, kept by triggers.

SQLite keeps its FTS5 table (migrations 0001 and 0003); nothing changes there. On PostgreSQL:

- ``search_doc.document`` holds the weighted words of a live record (title 'A', description 'D'),
  with a GIN index. Each text is indexed twice: with the server's ``indonesian`` configuration
  (stems: "rusak" finds "kerusakan") when ``pg_ts_config`` has it, and with ``simple`` (every word
  as typed), so that a word typed in part still finds what FTS5 finds on SQLite (a prefix of the
  word as written).
- Diacritics are folded with the ``unaccent`` extension when the server offers it (as FTS5's
  ``remove_diacritics``); without it they are kept.
- What was chosen is written to ``search_setting`` and baked into two functions the app calls:
  ``smartcity_search_document(title, description)`` and ``smartcity_search_query(words)``.
- Triggers on problem, potential and proposal keep ``search_doc`` in step, as on SQLite. A bulk
  writer sets ``smartcity.search_suspended`` for its own transaction (``set_config(..., true)``:
  no other connection sees it) and indexes its rows in one statement.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SEARCHABLE = ("problem", "potential", "proposal")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    config = "indonesian" if _has_config(bind, "indonesian") else "simple"
    folds = _unaccent_installed(bind)
    if not sa.inspect(bind).has_table("search_doc"):
        op.create_table(
            "search_doc",
            sa.Column("rowid", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=10), nullable=False),
            sa.Column("record_id", sa.String(length=36), nullable=False),
            sa.PrimaryKeyConstraint("rowid", name=op.f("pk_search_doc")),
            sa.UniqueConstraint("record_id", name=op.f("uq_search_doc_record_id")),
        )
    op.add_column("search_doc", sa.Column("document", sa.dialects.postgresql.TSVECTOR()))
    op.create_index("ix_search_doc_document", "search_doc", ["document"], postgresql_using="gin")
    op.create_table(
        "search_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("config", sa.String(length=63), nullable=False),
        sa.Column("folds_accents", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_setting")),
    )
    op.execute(
        sa.text(
            "INSERT INTO search_setting(id, config, folds_accents) VALUES (1, :config, :folds)"
        ).bindparams(config=config, folds=folds)
    )
    for statement in _functions(config, folds):
        op.execute(statement)
    for table in SEARCHABLE:
        op.execute(
            f"CREATE TRIGGER {table}_search AFTER INSERT OR DELETE OR UPDATE OF title, "
            f"description, deleted ON {table} FOR EACH ROW EXECUTE FUNCTION smartcity_search_sync()"
        )
    # Records already here (a database filled before this revision) are indexed now.
    op.execute("DELETE FROM search_doc")
    for table in SEARCHABLE:
        op.execute(
            f"INSERT INTO search_doc(kind, record_id, document) SELECT '{table}', id, "
            f"smartcity_search_document(title, description) FROM {table} WHERE NOT deleted "
            "ORDER BY created_at, id"
        )


def _has_config(bind: sa.Connection, name: str) -> bool:
    return bool(
        bind.execute(
            sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = :name"), {"name": name}
        ).first()
    )


def _unaccent_installed(bind: sa.Connection) -> bool:
    """Installs ``unaccent`` when the server has it and the role may (PostgreSQL 13+ lets a
    database owner install this trusted extension); a refusal leaves search without folding."""
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    ).first()
    if not available:
        return False
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _functions(config: str, folds: bool) -> list[str]:
    fold = "unaccent(lower({0}))" if folds else "lower({0})"
    title = fold.format("title")
    description = fold.format("coalesce(description, '')")
    word = fold.format("word")
    return [
        "CREATE FUNCTION smartcity_search_document(title text, description text) "
        "RETURNS tsvector LANGUAGE sql STABLE AS $$ SELECT "
        f"setweight(to_tsvector('{config}', {title}), 'A') || "
        f"setweight(to_tsvector('simple', {title}), 'A') || "
        f"setweight(to_tsvector('{config}', {description}), 'D') || "
        f"setweight(to_tsvector('simple', {description}), 'D') $$",
        # Every word must match, each as a prefix: as written, or (stemmed) as a word form.
        "CREATE FUNCTION smartcity_search_query(words text[]) RETURNS tsquery "
        "LANGUAGE plpgsql STABLE AS $$ DECLARE result tsquery; part tsquery; word text; BEGIN "
        "FOREACH word IN ARRAY words LOOP "
        f"part := to_tsquery('simple', quote_literal({word}) || ':*') || "
        f"to_tsquery('{config}', quote_literal({word}) || ':*'); "
        "result := CASE WHEN result IS NULL THEN part ELSE result && part END; "
        "END LOOP; RETURN result; END $$",
        "CREATE FUNCTION smartcity_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF current_setting('smartcity.search_suspended', true) = 'on' THEN RETURN NULL; END IF; "
        "IF TG_OP <> 'INSERT' THEN DELETE FROM search_doc WHERE record_id = OLD.id; END IF; "
        "IF TG_OP <> 'DELETE' AND NOT NEW.deleted THEN "
        "INSERT INTO search_doc(kind, record_id, document) VALUES (TG_TABLE_NAME, NEW.id, "
        "smartcity_search_document(NEW.title, NEW.description)); END IF; "
        "RETURN NULL; END $$",
    ]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in SEARCHABLE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_search ON {table}")
    op.execute("DROP FUNCTION IF EXISTS smartcity_search_sync()")
    op.execute("DROP FUNCTION IF EXISTS smartcity_search_query(text[])")
    op.execute("DROP FUNCTION IF EXISTS smartcity_search_document(text, text)")
    op.drop_table("search_setting")
    op.drop_index("ix_search_doc_document", table_name="search_doc")
    op.drop_column("search_doc", "document")
