"""Random-access byte sources: a file, or a window of a file (a bundle stored inside a bundle).

A forwarded bundle is stored uncompressed, so its bytes are one contiguous range of the outer file;
reading it through a window checks it in place, without copying it anywhere.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from typing import BinaryIO

# Positional reads leave the shared file position alone, so threads need no lock (POSIX only).
_PREADV = getattr(os, "preadv", None)


class ByteSource:
    """``size`` bytes readable at any offset, from several threads at once.

    ``read_at`` serialises seek+read on the shared handle with a lock; ``read_into`` reads without
    touching the file position where the platform has positional reads, so hashing threads do not
    wait for each other (or for the thread parsing records) to read.
    """

    def __init__(
        self, handle: BinaryIO, offset: int, size: int, lock: threading.Lock | None = None
    ) -> None:
        self._handle = handle
        self._offset = offset
        self._lock = lock or threading.Lock()
        self.size = size

    @classmethod
    def open_file(cls, path: Path) -> ByteSource:
        handle = path.open("rb")
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError:
            handle.close()
            raise
        return cls(handle, 0, size)

    def window(self, offset: int, size: int) -> ByteSource:
        if offset < 0 or size < 0 or offset + size > self.size:
            raise ValueError("window outside source")
        return ByteSource(self._handle, self._offset + offset, size, self._lock)

    @property
    def origin(self) -> int:
        return self._offset

    def read_at(self, offset: int, count: int) -> bytes:
        """Up to ``count`` bytes from ``offset``; fewer only at the end of the source."""
        if offset < 0 or count < 0:
            raise ValueError("negative offset or count")
        count = max(0, min(count, self.size - offset))
        if count == 0:
            return b""
        with self._lock:
            self._handle.seek(self._offset + offset)
            return self._handle.read(count)

    def read_into(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` from ``offset`` (fewer bytes only at the end of the source, or a short
        read); returns the count. Safe to call from several threads."""
        if offset < 0:
            raise ValueError("negative offset")
        count = max(0, min(len(buffer), self.size - offset))
        if count == 0:
            return 0
        target = buffer[:count]
        if _PREADV is not None:
            done: int = _PREADV(self._handle.fileno(), [target], self._offset + offset)
            return done
        with self._lock:
            self._handle.seek(self._offset + offset)
            return self._handle.readinto(target) or 0  # type: ignore[attr-defined]

    def stream(self) -> SourceStream:
        return SourceStream(self)

    def close(self) -> None:
        self._handle.close()


class SourceStream(io.RawIOBase):
    """A seekable file object over a source, for ``zipfile`` to parse the central directory."""

    def __init__(self, source: ByteSource) -> None:
        super().__init__()
        self._source = source
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._source.size}
        position = base[whence] + offset
        if position < 0:
            raise OSError("negative seek position")
        self._position = position
        return position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read_at(self._position, len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
