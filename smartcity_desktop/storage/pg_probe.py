"""A look at a PostgreSQL database before an office is pointed at it: can the server be reached,
is the password right, does the database exist, and what is in it (nothing, an office's data, or a
schema newer than this app).

The look only reads: it never creates, migrates or writes anything, so "Uji koneksi" is safe on a
server full of another team's work.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from smartcity_desktop.storage import migrations
from smartcity_desktop.storage import table_names as tables

CONNECT_TIMEOUT_S = 8
# Tables whose rows are counted for ``smartcity db status`` and the test-connection report.
COUNTED = (
    tables.PROBLEM,
    tables.POTENTIAL,
    tables.PROPOSAL,
    tables.ATTACHMENT,
    tables.REVIEW,
    tables.BUNDLE_LEDGER,
)


class ProbeState(enum.Enum):
    UNREACHABLE = "unreachable"  # no server answers at host:port (or the name is unknown)
    PASSWORD_NEEDED = "password_needed"  # the server asks for a password none was given for
    AUTH_FAILED = "auth_failed"  # wrong password, or no such role
    DATABASE_MISSING = "database_missing"
    EMPTY = "empty"  # exists, holds no tables of this app: a copy must fill it first
    FOREIGN = "foreign"  # holds tables, but not an office's database
    OFFICE = "office"  # an office's database this app can open (migrated on opening if older)
    NEWER = "newer"  # written by a newer app: this one must be updated first
    NO_OFFICE = "no_office"  # this app's schema, but no office in it (an interrupted copy)
    FAILED = "failed"  # anything else; ``detail`` holds the server's own words


@dataclass(frozen=True)
class ProbeResult:
    state: ProbeState
    detail: str = ""
    server_version: str = ""
    revision: str | None = None
    office_code: str = ""
    office_role: str = ""
    office_name: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def _classify_connect_error(exc: BaseException) -> ProbeResult:
    """What went wrong while connecting. libpq reports these with no SQLSTATE, so its message is
    read; English is libpq's and the server's default and what a Debian server sends."""
    message = str(getattr(exc, "orig", None) or exc)
    lowered = message.lower()
    if "no password supplied" in lowered or "password is required" in lowered:
        return ProbeResult(ProbeState.PASSWORD_NEEDED, message)
    if "password authentication failed" in lowered or (
        "role" in lowered and "does not exist" in lowered
    ):
        return ProbeResult(ProbeState.AUTH_FAILED, message)
    if "database" in lowered and "does not exist" in lowered:
        return ProbeResult(ProbeState.DATABASE_MISSING, message)
    if any(
        sign in lowered
        for sign in (
            "connection refused",
            "timeout expired",
            "timed out",
            "could not translate host name",
            "failed to resolve host",
            "name or service not known",
            "no route to host",
            "network is unreachable",
            "could not connect",
        )
    ):
        return ProbeResult(ProbeState.UNREACHABLE, message)
    return ProbeResult(ProbeState.FAILED, message)


def probe(url: URL, *, timeout_s: int = CONNECT_TIMEOUT_S) -> ProbeResult:
    """Connect to ``url`` (password included) and say what is there. Never raises for what the
    server answers; only programming errors escape."""
    engine = create_engine(
        url,
        connect_args={"connect_timeout": timeout_s, "application_name": "smartcity-probe"},
        poolclass=NullPool,
    )
    try:
        try:
            connection = engine.connect()
        except (DBAPIError, SQLAlchemyError) as exc:
            return _classify_connect_error(exc)
        with connection:
            return _look_inside(connection)
    finally:
        engine.dispose()


def _look_inside(connection: Any) -> ProbeResult:
    version = str(connection.execute(text("SHOW server_version")).scalar_one())
    names = set(inspect(connection).get_table_names())
    if not names:
        return ProbeResult(ProbeState.EMPTY, server_version=version)
    if "alembic_version" not in names or "office_identity" not in names:
        return ProbeResult(ProbeState.FOREIGN, ", ".join(sorted(names)[:8]), server_version=version)
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision is not None and revision not in migrations.known_revisions():
        return ProbeResult(ProbeState.NEWER, server_version=version, revision=revision)
    office = connection.execute(
        text("SELECT code, role, name FROM office_identity WHERE id = :id"), {"id": 1}
    ).first()
    counts = count_rows(connection, names)
    if office is None:
        return ProbeResult(
            ProbeState.NO_OFFICE, server_version=version, revision=revision, counts=counts
        )
    return ProbeResult(
        ProbeState.OFFICE,
        server_version=version,
        revision=revision,
        office_code=office.code,
        office_role=office.role,
        office_name=office.name,
        counts=counts,
    )


def count_rows(connection: Any, present: set[str] | None = None) -> dict[str, int]:
    """Rows in each counted table that exists (an older schema may lack one)."""
    names = present if present is not None else set(inspect(connection).get_table_names())
    counts: dict[str, int] = {}
    for table in COUNTED:
        if table in names:
            # The table names are this module's constants, never input.
            counts[table] = int(
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            )
    return counts
