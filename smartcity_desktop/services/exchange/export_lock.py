"""One export at a time per office, across processes (the desktop and a scheduled CLI run).

An operating-system lock on a file in the data folder (``flock`` on Linux, ``LockFileEx`` on
Windows, through ``filelock``): the system releases it when its process ends in any way, kill -9
included, so an interrupted export never blocks the next one.

An office whose database is on a PostgreSQL server is used from several PCs, each with its own
data folder: there the lock is also a session advisory lock on the server, held on a connection of
its own for the export, and released by the server when that connection ends in any way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.errors import read_only, translate_os_error
from smartcity_desktop.storage.paths import DataPaths

if TYPE_CHECKING:
    from smartcity_desktop.storage.database import Database

# One name per database: advisory locks of different databases never meet.
_SERVER_LOCK = "smartcity:export"


class ExportBusy(UserError):
    code = "export.busy"


def busy_error() -> ExportBusy:
    return ExportBusy(
        _(
            "Kantor ini sedang membuat paket lain (di aplikasi desktop atau lewat perintah "
            "terjadwal). Tunggu sampai selesai, lalu coba lagi."
        )
    )


def server_busy_error() -> ExportBusy:
    return ExportBusy(
        _(
            "Kantor ini sedang membuat paket lain, di komputer ini atau di komputer lain yang "
            "memakai basis data server yang sama. Tunggu sampai selesai, lalu coba lagi."
        )
    )


@contextmanager
def export_lock(paths: DataPaths, database: Database | None = None) -> Iterator[None]:
    """Hold the office's export lock for the block; raises ExportBusy at once if it is taken
    (in this data folder, or on the server holding ``database``)."""
    with _locks(paths, database) as held:
        if held is not None:
            raise held
        yield


@contextmanager
def export_lock_if_free(paths: DataPaths, database: Database | None = None) -> Iterator[bool]:
    """Hold the lock for the block if it is free; yields whether it is held."""
    with _locks(paths, database) as held:
        yield held is None


@contextmanager
def _locks(paths: DataPaths, database: Database | None) -> Iterator[ExportBusy | None]:
    """Both locks held for the block (yields None), or neither (yields why not)."""
    with ExitStack() as stack:
        lock = _acquire(paths)
        if lock is None:
            yield busy_error()
            return
        stack.callback(lock.release)
        if (
            database is not None
            and database.engine.dialect.name == "postgresql"
            and not _server_lock(stack, database)
        ):
            stack.close()
            yield server_busy_error()
            return
        yield None


def _server_lock(stack: ExitStack, database: Database) -> bool:
    from sqlalchemy import text

    connection = stack.enter_context(database.engine.connect())
    taken = connection.scalar(
        text("SELECT pg_try_advisory_lock(hashtextextended(:name, 0))"), {"name": _SERVER_LOCK}
    )
    connection.commit()
    if taken:
        stack.callback(_server_unlock, connection)
    return bool(taken)


def _server_unlock(connection: object) -> None:
    from sqlalchemy import Connection, text

    assert isinstance(connection, Connection)
    if connection.invalidated:
        return  # the server dropped the session, and its locks with it
    # A session lost meanwhile has lost its locks too; closing the connection is all there is.
    with contextlib.suppress(Exception):
        connection.scalar(
            text("SELECT pg_advisory_unlock(hashtextextended(:name, 0))"), {"name": _SERVER_LOCK}
        )
        connection.commit()


def _acquire(paths: DataPaths) -> FileLock | None:
    lock = FileLock(paths.export_lock, blocking=False)
    try:
        lock.acquire()
    except Timeout:
        return None
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or read_only(paths.root)) from exc
    return lock
