"""Alembic environment: always run with a connection handed over by ``migrations.upgrade``."""

from __future__ import annotations

from alembic import context

from smartcity_desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through smartcity_desktop.storage.migrations.upgrade()")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The FTS5 index and its shadow tables are made by hand in migration 0001, not by the ORM; so
    # are PostgreSQL's search index (migration 0012) and a PostgreSQL office's attachment store
    # (migration 0013, storage/db_blobs.py).
    if name is None:
        return True
    if type_ == "table":
        return not (
            name.startswith(("record_search", "attachment_blob")) or name == "search_setting"
        )
    if type_ == "column":
        table = getattr(obj, "table", None)
        return not (name == "document" and getattr(table, "name", None) == "search_doc")
    return not (type_ == "index" and name == "ix_search_doc_document")


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
