"""A scratch PostgreSQL database for storage tests, on the server SMARTCITY_TEST_POSTGRES_URL names
(an admin URL); the tests that use it are skipped when it is unset."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ADMIN_URL_ENV = "SMARTCITY_TEST_POSTGRES_URL"


def admin_url() -> URL:
    value = os.environ.get(ADMIN_URL_ENV)
    if not value:
        pytest.skip(f"{ADMIN_URL_ENV} is not set: no PostgreSQL server to use")
    return make_url(value)


@contextmanager
def scratch_database(prefix: str = "pgteam_") -> Iterator[URL]:
    """A new empty database, dropped (with any sessions still on it) at the end."""
    admin = admin_url()
    name = f"{prefix}{secrets.token_hex(4)}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(database=name)
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def terminate(url: URL, pid: int) -> None:
    """End one server session from another connection, as an administrator (or a crash) would."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        engine.dispose()
