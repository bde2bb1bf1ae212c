"""Random-access byte sources: a file, or a window of a file (a bundle stored inside a bundle).

A forwarded bundle is stored uncompressed, so its bytes are one contiguous range of the outer file;
reading it through a window checks it in place, without copying it anywhere.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO


class ByteSource:
    """``size`` bytes readable at any offset. Single-threaded: one reader at a time."""

    def __init__(self, handle: BinaryIO, offset: int, size: int) -> None:
        self._handle = handle
        self._offset = offset
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
        return ByteSource(self._handle, self._offset + offset, size)

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
        self._handle.seek(self._offset + offset)
        return self._handle.read(count)

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
