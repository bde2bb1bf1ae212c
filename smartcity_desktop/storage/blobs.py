"""Content-addressed file store for attachments: each distinct file is kept once, named by SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from smartcity_desktop.storage.errors import StorageError, translate_os_error

CHUNK = 1024 * 1024


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def claim(self, sha256: str) -> bool:
        """Whether the blob is stored; if so its time is refreshed, so that the cleanup of
        orphaned blobs (services/cleanup.py) leaves it alone while a row about to name it is
        being written."""
        return _touch(self.path_for(sha256))

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; returns (sha256, newly_written)."""
        sha = hashlib.sha256(data).hexdigest()
        return sha, self._write(sha, lambda fh: fh.write(data))

    def put_stream(
        self,
        source: IO[bytes],
        expected_sha256: str | None = None,
        *,
        sync: bool = True,
        check: Callable[[Path], None] | None = None,
    ) -> tuple[str, bool]:
        """Store a stream, hashing while copying; refuses if it does not match the expected hash.

        With ``sync=False`` the caller promises to call ``sync()`` before relying on the files
        (an import writes hundreds of photos and syncs once before its database commit).
        ``check`` is given the complete file before it takes its final name; whatever it raises
        leaves nothing behind.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                if sync:
                    os.fsync(out.fileno())
            sha = digest.hexdigest()
            if expected_sha256 is not None and sha != expected_sha256:
                raise StorageError(f"hash mismatch: expected {expected_sha256}, got {sha}")
            if check is not None:
                check(tmp)
            target = self.path_for(sha)
            if _touch(target):
                return sha, False
            _replace_into(tmp, target)
            return sha, True
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc
        finally:
            tmp.unlink(missing_ok=True)

    def _write(self, sha: str, writer: object) -> bool:
        target = self.path_for(sha)
        if _touch(target):
            return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
            tmp = Path(tmp_name)
            try:
                with os.fdopen(fd, "wb") as out:
                    writer(out)  # type: ignore[operator]
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc
        return True

    def sync(self, shas: list[str]) -> None:
        """Make written blobs durable: one system-wide flush where the OS offers it, which is far
        cheaper than one fsync per photo; otherwise each file in turn."""
        if not shas:
            return
        try:
            if hasattr(os, "sync"):
                os.sync()
                return
            for sha in shas:
                with self.path_for(sha).open("rb+") as fh:
                    os.fsync(fh.fileno())
        except OSError as exc:
            raise (translate_os_error(exc, self.root) or exc) from exc

    def remove(self, sha256: str) -> None:
        path = self.path_for(sha256)
        path.unlink(missing_ok=True)
        # A refused import takes back what it wrote, its shard folder included when nothing else
        # is in it (the folder then looks exactly as before).
        with contextlib.suppress(OSError):
            path.parent.rmdir()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def iter_chunks(self, sha256: str) -> Iterator[bytes]:
        with self.open(sha256) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk


def _replace_into(tmp: Path, target: Path) -> None:
    """Move a finished blob into its shard folder; a shard emptied and removed meanwhile by
    ``remove`` is made again."""
    for attempt in range(2):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp, target)
            return
        except FileNotFoundError:
            if attempt:
                raise


def _touch(path: Path) -> bool:
    """Refresh an existing file's modification time; False when there is no such file."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    except OSError:  # a read-only store: the file is there, its time stays
        return path.is_file()
    return path.is_file()
