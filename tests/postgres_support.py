"""Throw-away PostgreSQL databases for the tests, on the server named by SMARTCITY_TEST_POSTGRES_URL.

That URL is an admin connection (allowed to CREATE and DROP DATABASE). Every database made here is
named ``<prefix>_<pid>_<token>_<what>``: unique per test process, so that two runs at once never
meet, and a database left behind by a killed run is recognised (its process is gone) and dropped
by the next run. The prefix is SMARTCITY_TEST_POSTGRES_PREFIX, by default ``smartcity_test``.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

ADMIN_URL_ENV = "SMARTCITY_TEST_POSTGRES_URL"
PREFIX_ENV = "SMARTCITY_TEST_POSTGRES_PREFIX"


def admin_url() -> str | None:
    value = os.environ.get(ADMIN_URL_ENV, "").strip()
    return value or None


def prefix() -> str:
    value = os.environ.get(PREFIX_ENV, "").strip() or "smartcity_test"
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", value):
        raise ValueError(f"{PREFIX_ENV} must be lower-case letters, digits and _: {value!r}")
    return value


def _conninfo(url: str) -> tuple[str, Any]:
    """libpq connection string for psycopg, and the SQLAlchemy URL it came from."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False), parsed


def database_url(name: str) -> str:
    """SQLAlchemy URL (psycopg 3) of database ``name`` on the admin URL's server, as the admin."""
    _text, parsed = _conninfo(admin_url() or "")
    return parsed.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )


@contextmanager
def admin() -> Iterator[Any]:
    import psycopg

    text, _parsed = _conninfo(admin_url() or "")
    with psycopg.connect(text, autocommit=True) as connection:
        yield connection


def _quote(name: str) -> str:
    assert re.fullmatch(r"[a-z0-9_]+", name), name
    return f'"{name}"'


class Databases:
    """The databases of one test process."""

    def __init__(self) -> None:
        self.stem = f"{prefix()}_{os.getpid()}_{secrets.token_hex(3)}"
        self._count = 0
        self._to_drop: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None

    def drop_later(self, name: str) -> None:
        """Drop in the background: DROP DATABASE waits for a checkpoint (most of a second), which
        the next test need not wait for. ``drop_mine`` waits for the queue."""
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, daemon=True)
            self._dropper.start()
        self._to_drop.put(name)

    def _drop_queued(self) -> None:
        while (name := self._to_drop.get()) is not None:
            with contextlib.suppress(Exception):  # drop_mine tries again at the end
                self.drop(name)

    def new_name(self, what: str) -> str:
        self._count += 1
        return f"{self.stem}_{what}_{self._count}"

    def create(self, what: str, template: str | None = None) -> str:
        name = self.new_name(what)
        sql = f"CREATE DATABASE {_quote(name)}"
        if template is not None:
            sql += f" TEMPLATE {_quote(template)}"
        with admin() as connection:
            connection.execute(sql)
        return name

    def drop(self, name: str) -> None:
        with admin() as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")

    def drop_mine(self) -> None:
        if self._dropper is not None:
            self._to_drop.put(None)
            self._dropper.join()
            self._dropper = None
        for name in self._matching(self.stem + "_"):
            self.drop(name)

    def drop_abandoned(self) -> None:
        """Databases of earlier runs whose process is gone (killed before its teardown)."""
        pattern = re.compile(rf"^{re.escape(prefix())}_(\d+)_[0-9a-f]{{6}}_")
        for name in self._matching(prefix() + "_"):
            found = pattern.match(name)
            if found and not _alive(int(found.group(1))):
                self.drop(name)

    def _matching(self, start: str) -> list[str]:
        with admin() as connection:
            rows = connection.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (start,)
            ).fetchall()
        return [str(row[0]) for row in rows]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
