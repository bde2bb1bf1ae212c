"""Storage failures that are the environment's fault, each with a message the user can act on.

Damage is only ever reported when SQLite itself says the file is damaged (or a check of its pages
fails). A full disk, a read-only medium, missing permissions and a file held by another program
each get their own message: the advice for damage (restore a backup) would throw away newer work if
it were given for any of those.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

# SQLite's primary result codes (the low byte of the extended code Python reports).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_AUTH = 23
SQLITE_NOTADB = 26

# Below this much free space a failed read or write is taken to be the full disk: SQLite needs a
# few pages for its shared-memory and log files even to read.
LOW_SPACE_BYTES = 1024 * 1024


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


class PermissionDeniedError(ReadOnlyError):
    """Not allowed to read or write (file or folder rights), on a medium that can be written."""

    code = "storage.permission"


class DatabaseBusyError(StorageError):
    code = "storage.busy"


class StorageIOError(StorageError):
    """The disk failed a read or write for a reason that is none of the above: not proven damage."""

    code = "storage.io"


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
            "Folder data {where} tidak dapat ditulisi: letaknya di media hanya-baca (read-only), "
            "misalnya flashdisk yang dikunci. Data tidak rusak. Buka kunci media itu atau salin "
            "folder data ke disk lain, lalu ulangi (atau pilih folder lain dengan --data-dir)."
        ).format(where=where)
    )


def permission_denied(where: Path | str) -> PermissionDeniedError:
    return PermissionDeniedError(
        _(
            "{where} tidak dapat ditulisi: tidak ada izin untuk membaca atau menulisnya. Data tidak "
            "rusak. Periksa pemilik dan izin berkas serta foldernya, atau jalankan SmartCity "
            "sebagai pengguna pemilik folder data."
        ).format(where=where)
    )


def busy() -> DatabaseBusyError:
    return DatabaseBusyError(
        _("Basis data sedang dipakai proses lain. Tutup aplikasi SmartCity yang lain lalu ulangi.")
    )


def io_error(where: Path | str, detail: str) -> StorageIOError:
    return StorageIOError(
        _(
            "Disk gagal membaca atau menulis {where} ({detail}). Ini belum tentu berarti data "
            "rusak: periksa sambungan disk atau flashdisk lalu ulangi. Jangan pulihkan dari "
            "cadangan selama 'smartcity stats' masih bisa membaca data."
        ).format(where=where, detail=detail)
    )


def corrupt(where: Path | str) -> CorruptDatabaseError:
    return CorruptDatabaseError(
        _("Basis data {where} rusak. Pulihkan dari cadangan di folder 'backups'.").format(
            where=where
        )
    )


def translate_os_error(exc: OSError, where: Path | str) -> StorageError | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return disk_full(where)
    if exc.errno == errno.EROFS:
        return read_only(where)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return permission_denied(where)
    if exc.errno in (errno.EBUSY, errno.ETXTBSY):
        return busy()
    return None


def _may(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def diagnose_environment(where: Path | str) -> StorageError | None:
    """What about the place holding ``where`` makes SQLite fail: a read-only medium, a full disk,
    missing rights. None when the place looks fine (the failure is then something else)."""
    path = Path(where)
    folder = path if path.is_dir() else path.parent
    try:
        fs = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows; a vanished folder
        fs = None
    if fs is not None:
        if fs.f_flag & os.ST_RDONLY:
            return read_only(folder)
        if fs.f_bavail * fs.f_frsize < LOW_SPACE_BYTES:
            return disk_full(folder)
    if folder.exists() and not _may(folder, os.W_OK | os.X_OK):
        return permission_denied(folder)
    if path != folder:
        for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            if candidate.exists() and not _may(candidate, os.R_OK | os.W_OK):
                return permission_denied(candidate)
    return None


def translate_sqlite_error(exc: sqlite3.Error, where: Path | str) -> StorageError | None:
    """The StorageError for an error SQLite reported; None when it is none of the environment's
    failures nor damage (then it is a programming error and stays a traceback in the log)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return _translate_by_text(exc, where)
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return disk_full(where)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy()
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return corrupt(where)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_PERM, SQLITE_AUTH):
        found = diagnose_environment(where)
        if found is not None:
            return found
        if primary == SQLITE_READONLY:
            return read_only(where)
        if primary in (SQLITE_PERM, SQLITE_AUTH):
            return permission_denied(where)
        return io_error(where, str(exc))
    return None


def _translate_by_text(exc: sqlite3.Error, where: Path | str) -> StorageError | None:
    """For errors raised without SQLite's code (the sqlite3 module's own)."""
    text = str(exc).lower()
    if "disk is full" in text:
        return disk_full(where)
    if "locked" in text or "busy" in text:
        return busy()
    if "malformed" in text or "not a database" in text:
        return corrupt(where)
    if "readonly" in text or "read-only" in text or "unable to open" in text or "i/o" in text:
        return diagnose_environment(where) or io_error(where, str(exc))
    return None


def translate_db_error(exc: BaseException, where: Path | str) -> StorageError | None:
    """Map SQLite's environment failures and damage to user errors; None means a programming
    error."""
    from sqlalchemy.exc import DBAPIError  # lazily: the file checks before opening use sqlite3

    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(original, StorageError):
        return original
    if not isinstance(original, sqlite3.Error):
        return None
    return translate_sqlite_error(original, where)
