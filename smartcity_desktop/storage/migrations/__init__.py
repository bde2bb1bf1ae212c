"""Alembic migrations, shipped inside the package so that installed and frozen builds find them.

Revision ids are the four-digit prefixes of the files in ``versions/`` ("0001", "0002", ...), so the
opening code can tell current, old and newer-than-this-app databases apart by listing file names,
without importing Alembic on every start.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent
VERSIONS = HERE / "versions"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


@cache
def known_revisions() -> tuple[str, ...]:
    revisions = sorted(
        m.group(1) for p in VERSIONS.iterdir() if (m := _REVISION_FILE.match(p.name))
    )
    if not revisions:
        raise RuntimeError(f"no migration scripts found in {VERSIONS}")
    return tuple(revisions)


def head_revision() -> str:
    return known_revisions()[-1]


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


# Any fixed number: every process migrating this server's database waits on the same lock.
MIGRATION_LOCK_KEY = 0x5C17_0001


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run every due migration in one transaction: a crash leaves the old schema or the new one,
    never a state between them that no later start could migrate."""
    from alembic import command

    cfg = alembic_config()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so CREATE, DROP and
            # ALTER would each commit on their own; an explicit BEGIN puts the DDL inside it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # PostgreSQL's DDL is transactional. Two analysts starting at once: the second waits
            # here, then finds the schema current (Alembic reads the version after the lock).
            from sqlalchemy import text

            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)
        connection.commit()
