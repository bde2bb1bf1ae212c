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
    # The FTS5 index and its shadow tables are made by hand in migration 0001, not by the ORM;
    # the attachment store of a PostgreSQL office by migration 0013 (storage/db_blobs.py).
    return not (
        type_ == "table"
        and name is not None
        and (name.startswith("record_search") or name.startswith("attachment_blob"))
    )


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
