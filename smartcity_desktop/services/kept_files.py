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
at worst be refused, never run code. The caller turns its objects into plain data and back. A
file that cannot be read or written is simply not used: it is a cache, the database stays the
truth.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

from smartcity_desktop import __version__

log = logging.getLogger(__name__)

# Raise when what a kept file holds changes shape: every existing file is then built again.
FORMAT = 1
FOLDER = "analysis"


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
    it carries another stamp, or it cannot be read."""
    try:
        with path.open("rb") as handle:
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
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(buffer.getbuffer())
        os.replace(partial, path)
    except OSError as exc:
        log.info("kept analysis file %s not written: %s", path.name, exc)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
