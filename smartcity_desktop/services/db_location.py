"""Where an office's database is, as ``db copy`` and ``backup`` need to know it: the source to
describe, the file that points the office at a new place, an engine for a PostgreSQL target.

``storage.location`` decides where the office's database is (``--database-url`` >
``SMARTCITY_DATABASE_URL`` > ``<data folder>/database.json`` > ``<data folder>/smartcity.sqlite``);
this module only writes or removes ``database.json`` (never with a password) after a copy.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from smartcity_desktop.storage.durable import fsync_dir, fsync_file
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.location import (
    DATABASE_FILE,
    DATABASE_URL_ENV,
    connect_url,
    describe_url,
    resolve_location,
)
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.postgres import CONNECT_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext


def location_file(paths: DataPaths) -> Path:
    return paths.root / DATABASE_FILE


def source_path(ctx: AppContext) -> Path | None:
    """The SQLite file behind the office, or None when it is on a server."""
    if not ctx.db.is_sqlite:
        return None
    return Path(ctx.db.path).resolve()


def source_url(ctx: AppContext) -> URL | None:
    return ctx.db.url


def describe(ctx: AppContext) -> str:
    """The office's database for a message: the file, or the URL without its password."""
    path = source_path(ctx)
    if path is not None:
        return str(path)
    assert ctx.db.url is not None
    return shown_url(ctx.db.url)


def shown_url(url: URL) -> str:
    return describe_url(url._replace(password=None))


def point_office_at(paths: DataPaths, url: URL | None) -> Path | None:
    """Make ``url`` the office's database from now on, or its data folder's SQLite file when None
    (``database.json`` is then removed). Returns the location file written, if any."""
    target = location_file(paths)
    try:
        if url is None:
            target.unlink(missing_ok=True)
            fsync_dir(paths.root)
            return None
        stored = url._replace(password=None).render_as_string(hide_password=False)
        data = (json.dumps({"url": stored}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        partial = paths.root / f".{target.name}.{secrets.token_hex(6)}.partial"
        try:
            partial.write_bytes(data)
            fsync_file(partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        fsync_dir(paths.root)
    except OSError as exc:
        raise (translate_os_error(exc, target) or exc) from exc
    return target


def override_in_force(database_url_given: bool) -> str | None:
    """The option or variable that chooses the database before ``database.json``, if any."""
    if database_url_given:
        return "--database-url"
    return DATABASE_URL_ENV if os.environ.get(DATABASE_URL_ENV, "").strip() else None


def postgresql_engine(url: URL) -> Engine:
    """An engine on a PostgreSQL target; a password missing from the URL comes from the OS
    credential store, else libpq's ``PGPASSWORD`` or pgpass file."""
    return create_engine(
        connect_url(url),
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "smartcity db copy",
        },
    )


def configured_url(paths: DataPaths) -> URL | None:
    """The server named by ``SMARTCITY_DATABASE_URL`` or the folder's database.json, if any."""
    return resolve_location(paths).url
