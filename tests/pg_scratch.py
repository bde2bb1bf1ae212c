"""Throw-away PostgreSQL databases for tests, on the server named by SMARTCITY_TEST_POSTGRES_URL
(an admin URL; tests that use them are skipped when it is unset).

``office_database`` gives a database holding an office's schema and identity, built from the models
with the head revision stamped, as a database copied from an office looks to a probe.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

ADMIN_URL_ENV = "SMARTCITY_TEST_POSTGRES_URL"
PREFIX = "pgscratch_"


def admin_url() -> URL:
    value = os.environ.get(ADMIN_URL_ENV)
    if not value:
        pytest.skip(f"{ADMIN_URL_ENV} is not set: no PostgreSQL server for this test")
    return make_url(value)


@contextmanager
def scratch_database(prefix: str = PREFIX) -> Iterator[URL]:
    """A new empty database, dropped (with any sessions still on it) at the end; its URL carries
    the admin's password."""
    admin = admin_url()
    name = prefix + secrets.token_hex(4)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin.set(database=name)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def terminate(url: URL, pid: int) -> None:
    """End one server session from another connection, as an administrator (or a crash) would."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        engine.dispose()


def fill_as_office(url: URL, *, code: str, role: str, name: str, revision: str) -> None:
    from smartcity_desktop.storage.models import Base

    engine = create_engine(url, poolclass=NullPool)
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
            )
            connection.execute(
                text(
                    "INSERT INTO office_identity (id, code, role, name, operator, created_at) "
                    "VALUES (1, :code, :role, :name, 'Operator Uji', now())"
                ),
                {"code": code, "role": role, "name": name},
            )
    finally:
        engine.dispose()


def add_role(url: URL, role: str, password: str) -> None:
    """A login role for ``url``'s database (dropped with ``drop_role``)."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
            connection.execute(text(f'GRANT CONNECT ON DATABASE "{url.database}" TO "{role}"'))
    finally:
        engine.dispose()


@contextmanager
def office_database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A scratch database's URL as an office keeps it in database.json, without the password: the
    office finds that where an analyst PC would, in PGPASSWORD."""
    with scratch_database() as url:
        if url.password:
            monkeypatch.setenv("PGPASSWORD", url.password)
        # URL.set ignores None, so the password is dropped with _replace
        plain = url._replace(password=None, drivername="postgresql+psycopg")
        yield plain.render_as_string(hide_password=False)
