"""Opening an office database on a PostgreSQL server (psycopg 3).

No file to inspect here: the server keeps its own pages and journal. Opening connects once to say
clearly what is wrong (server unreachable, password refused, database missing, schema of a newer
app), then migrates in one transaction under an advisory lock, so that two analysts starting the
app at the same moment do not both migrate.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError

from smartcity_desktop.i18n import _
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.errors import (
    NewerDatabaseError,
    NotInitialisedError,
    StorageError,
)
from smartcity_desktop.storage.location import DatabaseLocation, connect_url, describe_url

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

    from smartcity_desktop.storage.database import Database

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10


class ServerUnreachableError(StorageError):
    code = "storage.server_unreachable"


class ServerLoginError(StorageError):
    code = "storage.server_login"


class ServerDatabaseMissingError(StorageError):
    code = "storage.server_database_missing"


def _where(url: URL) -> dict[str, Any]:
    return {
        "host": url.host or "localhost",
        "port": url.port or 5432,
        "database": url.database,
        "user": url.username or "",
    }


def connection_error(exc: BaseException, url: URL) -> StorageError:
    """The message for a failed connection, by what the server (or libpq) said."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    sqlstate = getattr(original, "sqlstate", None)
    detail = str(original).lower()
    where = _where(url)
    if sqlstate in ("28P01", "28000") or "password" in detail:
        return ServerLoginError(
            _(
                "Server PostgreSQL {host}:{port} menolak masuk sebagai pengguna '{user}' ke basis "
                "data {database}: kata sandi salah atau tidak diberikan. Periksa kata sandi (di "
                "penyimpanan kredensial sistem, PGPASSWORD atau berkas pgpass) dan hak pengguna itu."
            ).format(**where)
        )
    if sqlstate == "3D000" or ("database" in detail and "does not exist" in detail):
        return ServerDatabaseMissingError(
            _(
                "Basis data {database} tidak ada di server PostgreSQL {host}:{port}. Buat dulu "
                "(misalnya 'createdb {database}') atau periksa namanya pada alamat basis data."
            ).format(**where)
        )
    return ServerUnreachableError(
        _(
            "Server PostgreSQL {host}:{port} (basis data {database}) tidak dapat dihubungi. "
            "Periksa bahwa server menyala, alamat dan portnya benar, dan jaringan tersambung, "
            "lalu coba lagi."
        ).format(**where)
    )


def _stored_revision(connection: Connection) -> str | None:
    if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
        return None
    value = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if value is None else str(value)


def _has_tables(connection: Connection) -> bool:
    return bool(
        connection.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = current_schema())"
            )
        )
    )


def _check_revision(engine: Engine, url: URL, *, create: bool) -> str | None:
    try:
        with engine.connect() as connection:
            revision = _stored_revision(connection)
            empty = revision is None and not _has_tables(connection)
    except DBAPIError as exc:
        if exc.connection_invalidated or isinstance(exc.orig, _operational_errors()):
            raise connection_error(exc, url) from exc
        raise
    where = _where(url)
    if revision is not None and revision not in migrations.known_revisions():
        raise NewerDatabaseError(
            _(
                "Basis data {database} di server {host}:{port} dibuat oleh versi SmartCity Desktop "
                "yang lebih baru (skema {revision}). Perbarui aplikasi di komputer ini; data di "
                "server tidak diubah."
            ).format(revision=revision, **where)
        )
    if revision is None and not empty:
        raise StorageError(
            _(
                "Basis data {database} di server {host}:{port} sudah berisi tabel lain dan bukan "
                "basis data SmartCity. Gunakan basis data kosong khusus untuk kantor ini."
            ).format(**where),
            code="storage.server_foreign_database",
        )
    if empty and not create:
        raise NotInitialisedError(
            _(
                "Basis data {database} di server {host}:{port} masih kosong. Siapkan kantor "
                "dengan 'smartcity init --database-url ...' lebih dulu."
            ).format(**where)
        )
    return revision


def _session_settings(dbapi_connection: Any, _record: Any) -> None:
    """Every connection of the app: no JIT compilation. The server compiles a query to machine
    code when the planner's cost estimate passes ``jit_above_cost``; the analysis views' link
    checks (a correlated NOT EXISTS the planner costs at tens of millions) then spent about two
    seconds compiling a query that runs in a few hundred milliseconds, on every first
    computation. No query of the app runs long enough for JIT to pay back."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    finally:
        dbapi_connection.autocommit = autocommit


def _operational_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (psycopg.OperationalError,)


def open_server(
    cls: type[Database], location: DatabaseLocation, backups_dir: Path, *, create: bool
) -> Database:
    """``Database.open`` for a PostgreSQL location; raises a StorageError naming the server."""
    assert location.url is not None
    url = location.url
    engine = create_engine(
        connect_url(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": "smartcity"},
    )
    event.listen(engine, "connect", _session_settings, insert=True)
    try:
        revision = _check_revision(engine, url, create=create)
        if revision != migrations.head_revision():
            log.info(
                "migrating %s from %s to %s",
                describe_url(url),
                revision or "new",
                migrations.head_revision(),
            )
            migrations.upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        if exc.connection_invalidated or isinstance(exc.orig, _operational_errors()):
            raise connection_error(exc, url) from exc
        raise
    except BaseException:
        engine.dispose()
        raise
    return cls(location.sqlite_path, engine, backups_dir, url=url)
