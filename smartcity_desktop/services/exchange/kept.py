"""The village bundles a kecamatan imported, kept byte for byte so it can forward the originals.

Each is stored once under ``received/<content hash>.scb`` (the ledger's key: the same signed
content is imported, and kept, once; a split bundle is kept as the joined file). The copy is made
inside the import, before its transaction commits, and removed again if the import fails, so
every ledger row of a village bundle at a kecamatan has its file. Disk cost: every village bundle
is on disk twice at the kecamatan (its photos in ``attachments/`` and inside the kept file): plan
about twice the size of the villages' bundles of a year.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.paths import DataPaths

SUFFIX = ".scb"


def kept_path(paths: DataPaths, content_hash: str) -> Path:
    if len(content_hash) != 64 or any(c not in "0123456789abcdef" for c in content_hash):
        raise ValueError(f"not a content hash: {content_hash!r}")
    return paths.received_bundles / f"{content_hash}{SUFFIX}"


def keep_bundle(
    paths: DataPaths, content_hash: str, source: Path, *, window: tuple[int, int]
) -> bool:
    """Copy the bytes ``window`` (offset, size) of ``source`` to the kept file of
    ``content_hash``, flushed to disk; False when it was kept already."""
    target = kept_path(paths, content_hash)
    if target.is_file():
        return False
    offset, size = window
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as src, temporary.open("xb") as out:
            src.seek(offset)
            remaining = size
            while remaining:
                chunk = src.read(min(remaining, 1 << 20))
                if not chunk:
                    raise OSError(f"{source} ended early")
                out.write(chunk)
                remaining -= len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or exc) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return True


def discard(paths: DataPaths, content_hash: str) -> None:
    kept_path(paths, content_hash).unlink(missing_ok=True)
