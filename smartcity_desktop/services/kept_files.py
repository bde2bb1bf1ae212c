"""What an analysis built from the whole office's data, kept in a file of the data folder so that
the next process (a new ``smartcity analysis`` command, the desktop opened again) reads it instead
of building it again.

Building the kept reads of ``kept_rows`` and the clusters of Isu strategis takes seconds over
200,000 records; reading them back takes a small part of that. A file is used only when its stamp
equals the one the caller makes now: the stamp names the format, the app's version, the database
(path or server, never a password), the office and the caller's data mark, so a change of any of
them, in this process or another, makes the file stale and it is built again and replaced.

Only plain data goes in a file (tuples, lists, dicts, sets, strings, numbers, None): it is read
with an unpickler that refuses every class, so a file changed by hand or by another program can
at worst be refused, never run code; a checksum refuses a file damaged on disk before it is
unpickled (see ``load``). The caller turns its objects into plain data and back. A
file that cannot be read or written is simply not used: it is a cache, the database stays the
truth.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import pickle
import secrets
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from smartcity_desktop import __version__

log = logging.getLogger(__name__)

# Raise when what a kept file holds changes shape: every existing file is then built again.
FORMAT = 1
FOLDER = "analysis"
# A kept file: MAGIC, the CRC-32 of the rest (4 bytes, little-endian), the pickled (stamp, data).
MAGIC = b"SCKEPT1\n"


class _PlainOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def path_of(root: Path, name: str) -> Path:
    return root / "cache" / FOLDER / f"{name}.pickle"


def stamp(*parts: Any) -> str:
    """The stamp of a kept file: the format and app version, then the caller's parts (their
    ``repr``: a data mark holds numbers, text and, from a server, dates and decimals)."""
    return repr((FORMAT, __version__, *parts))


def load(path: Path, expected: str) -> Any | None:
    """The plain data kept in ``path`` under the stamp ``expected``; None when there is no file,
    it carries another stamp, or it cannot be read.

    The file's checksum is checked before anything is unpickled: a byte damaged on disk can make
    the unpickler reserve many gigabytes (a memo index of 2**31 fills a table of 16 GB), which
    ends the process, or the machine's other programs, instead of raising."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a kept analysis file")
            expected_crc = int.from_bytes(handle.read(4), "little")
            crc = 0
            while chunk := handle.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
            if crc != expected_crc:
                raise ValueError("checksum differs")
            handle.seek(len(MAGIC) + 4)
            found, data = _PlainOnly(handle).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged file raises almost anything; it is a cache
        log.info("kept analysis file %s not used: %s", path.name, exc)
        return None
    return data if found == expected else None


def pack(data: Any) -> bytes:
    """Plain data as one bytes value inside a kept file: read back with ``unpack`` only when
    needed, so that loading the file does not make its objects."""
    return pickle.dumps(data, protocol=5)


def unpack(packed: bytes) -> Any:
    """What ``pack`` packed, read as plain data only (a class is refused, never made). Damaged
    data raises any exception, not only ``pickle.UnpicklingError``: catch ``Exception``."""
    return _PlainOnly(io.BytesIO(packed)).load()


def save(path: Path, stamp_: str, data: Any) -> None:
    """Keep ``data`` (plain data only) under ``stamp_``, replacing the file whole: a crash leaves
    the old file or none, and a failing disk only costs the next process the time to build."""
    buffer = io.BytesIO()
    pickle.Pickler(buffer, protocol=5).dump((stamp_, data))
    crc = zlib.crc32(buffer.getbuffer()).to_bytes(4, "little")
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            handle.write(MAGIC + crc)
            handle.write(buffer.getbuffer())
        os.replace(partial, path)
    except OSError as exc:
        log.info("kept analysis file %s not written: %s", path.name, exc)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cycle collection while a kept read is built or read back. Making its 80,000-160,000
    row objects set off several full collections, each scanning everything made so far: 100-250
    ms of a 0.4-0.6 s read back from a file. The objects are then frozen (``out_of_gc``) anyway.
    Several threads may pause at once: the last one to finish turns collection on again if it
    was on before the first began (counted under a lock: a thread that looked while another was
    inside, and turned it off after that one had turned it on, left it off for good)."""
    global _paused, _was_on
    with _pause_lock:
        if not _paused:
            _was_on = gc.isenabled()
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if not _paused and _was_on:
                gc.enable()


_pause_lock = threading.Lock()
_paused = 0  # threads inside ``gc_paused``
_was_on = False  # collection was on when the first of them began


def into_gc() -> None:
    """Before a kept read is built again: give the objects ``out_of_gc`` took back to the cycle
    collector, so that a cycle that became garbage since is collected in time."""
    gc.unfreeze()


def out_of_gc() -> None:
    """Take every object alive now out of the cycle collector's full collections.

    A kept read is hundreds of thousands of named tuples (Python keeps tracking those, unlike
    plain tuples of strings) that live until the data changes; each full collection scanned them
    all, about 300 ms of CPU landing on whichever filter change triggered it. Called once a read
    is built or read back: what is freed later by reference counting, as kept rows are, is freed
    as usual; a reference cycle that becomes garbage meanwhile waits for ``into_gc``."""
    gc.freeze()
