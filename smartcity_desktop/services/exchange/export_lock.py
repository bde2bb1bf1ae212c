"""One export at a time per office, across processes (the desktop and a scheduled CLI run).

An operating-system lock on a file in the data folder (``flock`` on Linux, ``LockFileEx`` on
Windows, through ``filelock``): the system releases it when its process ends in any way, kill -9
included, so an interrupted export never blocks the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.errors import read_only, translate_os_error
from smartcity_desktop.storage.paths import DataPaths


class ExportBusy(UserError):
    code = "export.busy"


def busy_error() -> ExportBusy:
    return ExportBusy(
        _(
            "Kantor ini sedang membuat paket lain (di aplikasi desktop atau lewat perintah "
            "terjadwal). Tunggu sampai selesai, lalu coba lagi."
        )
    )


@contextmanager
def export_lock(paths: DataPaths) -> Iterator[None]:
    """Hold the office's export lock for the block; raises ExportBusy at once if it is taken."""
    lock = _acquire(paths)
    if lock is None:
        raise busy_error()
    try:
        yield
    finally:
        lock.release()


@contextmanager
def export_lock_if_free(paths: DataPaths) -> Iterator[bool]:
    """Hold the lock for the block if it is free; yields whether it is held."""
    lock = _acquire(paths)
    try:
        yield lock is not None
    finally:
        if lock is not None:
            lock.release()


def _acquire(paths: DataPaths) -> FileLock | None:
    lock = FileLock(paths.export_lock, blocking=False)
    try:
        lock.acquire()
    except Timeout:
        return None
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or read_only(paths.root)) from exc
    return lock
