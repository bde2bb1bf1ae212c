"""Storage failures that are the environment's fault, each with a message the user can act on."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _


class StorageError(UserError):
    code = "storage.error"


class NotADatabaseError(StorageError):
    code = "storage.not_sqlite"


class CorruptDatabaseError(StorageError):
    code = "storage.corrupt"


class NewerDatabaseError(StorageError):
    code = "storage.newer"


class DiskFullError(StorageError):
    code = "storage.disk_full"


class ReadOnlyError(StorageError):
    code = "storage.read_only"


class DatabaseBusyError(StorageError):
    code = "storage.busy"


class NotInitialisedError(StorageError):
    code = "storage.not_initialised"


def disk_full(where: Path | str) -> DiskFullError:
    return DiskFullError(
        _(
            "Penyimpanan penuh saat menulis ke {where}. Tidak ada yang disimpan; kosongkan ruang "
            "disk lalu ulangi."
        ).format(where=where)
    )


def read_only(where: Path | str) -> ReadOnlyError:
    return ReadOnlyError(
        _(
            "Folder data {where} tidak dapat ditulisi. Periksa izin folder atau pilih folder data "
            "lain dengan --data-dir."
        ).format(where=where)
    )


def translate_os_error(exc: OSError, where: Path | str) -> StorageError | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return disk_full(where)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return read_only(where)
    return None


def translate_db_error(exc: BaseException, where: Path | str) -> StorageError | None:
    """Map SQLite's environment failures to user errors; None means a programming error."""
    from sqlalchemy.exc import DBAPIError  # lazily: the file checks before opening use sqlite3

    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(original, sqlite3.Error):
        return None
    text = str(original).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return disk_full(where)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return read_only(where)
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(
            _(
                "Basis data sedang dipakai proses lain. Tutup aplikasi SmartCity yang lain lalu "
                "ulangi."
            )
        )
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        return CorruptDatabaseError(
            _("Basis data {where} rusak. Pulihkan dari cadangan di folder 'backups'.").format(
                where=where
            )
        )
    return None
