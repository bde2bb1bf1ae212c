"""Alembic environment: always run with a connection handed over by ``migrations.upgrade``."""

from __future__ import annotations

from alembic import context

from smartcity_desktop.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through smartcity_desktop.storage.migrations.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
