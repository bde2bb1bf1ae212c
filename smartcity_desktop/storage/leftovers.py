"""Finding the app's own leftover temporary files in a data folder, and removing them safely.

The rule for what may be removed lives in ``services.cleanup``; this module knows the names the
writers give their temporary files and how to tell whether a file is still being written.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smartcity_desktop.storage.paths import DataPaths

# The temporary names the writers use (see docs/development.md, "Temporary files"):
# ``.<final-name>.<random>.partial`` for bundles, parts, backups, the restore's copy, small files and
# kept reads (bundles/writer.py, bundles/parts.py, storage/database.py, storage/restore.py,
# storage/durable.py, services/review/stages.py, services/kept_files.py),
# ``<name>.partial`` for small documents (services/trust.py) and backups of older versions,
# ``<name>.partial-journal``: SQLite's rollback journal of a backup copy cut short (a full disk),
# ``.<stem>-<random>.part`` for PDFs (services/reports.py) and ``.incoming-<random>`` for blobs.
_PARTIAL = re.compile(r".+\.partial")
_PART = re.compile(r"\..+\.part")
_JOURNAL = re.compile(r".+\.partial-journal")
_INCOMING = re.compile(r"\.incoming-.+")
_BLOB = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Candidate:
    path: Path
    kind: str  # "partial", "staging", "incoming" or "blob"


def temporary_files(paths: DataPaths) -> Iterator[Candidate]:
    """Every file in the data folder whose name says a writer of this app left it unfinished.
    Only the folders the app writes to, and only names it uses; nothing else is ever looked at."""
    yield from _matching(paths.root, (_PARTIAL,), recursive=False)
    yield from _matching(paths.exports, (_PARTIAL, _PART), recursive=True)
    yield from _matching(paths.backups, (_PARTIAL, _JOURNAL), recursive=False)
    yield from _matching(paths.root / "receipts", (_PARTIAL, _PART), recursive=True)
    # Kelengkapan's and the analysis views' kept reads (services/review/stages.py,
    # services/kept_files.py): a crash while writing one leaves its .partial.
    yield from _matching(paths.root / "cache", (_PARTIAL,), recursive=True)
    for candidate in _matching(paths.attachments, (_INCOMING,), recursive=True):
        yield Candidate(candidate.path, "incoming")
    # Staging holds only work in progress (parts being joined): whatever is there is temporary.
    if paths.staging.is_dir():
        for entry in _scandir(paths.staging):
            yield Candidate(Path(entry.path), "staging")


def blob_files(paths: DataPaths) -> Iterator[tuple[str, Path]]:
    """(sha256, path) of every stored blob: ``attachments/<2 hex>/<64 hex>``."""
    for folder in _scandir(paths.attachments):
        if not folder.is_dir(follow_symlinks=False) or len(folder.name) != 2:
            continue
        for entry in _scandir(Path(folder.path)):
            if (
                _BLOB.fullmatch(entry.name)
                and entry.name.startswith(folder.name)
                and entry.is_file(follow_symlinks=False)
            ):
                yield entry.name, Path(entry.path)


def _matching(
    folder: Path, patterns: tuple[re.Pattern[str], ...], *, recursive: bool
) -> Iterator[Candidate]:
    for entry in _scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            if recursive:
                yield from _matching(Path(entry.path), patterns, recursive=True)
            continue
        if entry.is_file(follow_symlinks=False) and any(p.fullmatch(entry.name) for p in patterns):
            yield Candidate(Path(entry.path), "partial")


def _scandir(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:  # missing or unreadable: nothing of ours to clean there
        return []


def modified_at(path: Path) -> float | None:
    """The newest modification time of a file, or of anything inside a folder; None if gone."""
    try:
        newest = path.stat(follow_symlinks=False).st_mtime
        if path.is_dir() and not path.is_symlink():
            for inner in path.rglob("*"):
                newest = max(newest, inner.stat(follow_symlinks=False).st_mtime)
    except OSError:
        return None
    return newest


class OpenFiles:
    """Which files some process on this machine has open, to never remove one being written.

    Linux: read from /proc (every process this user may inspect, this one included). Windows
    needs no list: a file open in another process cannot be deleted, and the removal fails
    harmlessly. Elsewhere nothing is known and the age rule alone protects in-flight files.
    """

    def __init__(self) -> None:
        self._ids: set[tuple[int, int]] | None = None

    @staticmethod
    def supported() -> bool:
        return sys.platform.startswith("linux") and Path("/proc/self/fd").is_dir()

    def holds(self, path: Path) -> bool:
        if not self.supported():
            return False
        if self._ids is None:
            self._ids = _open_file_ids()
        try:
            targets = [path, *path.rglob("*")] if path.is_dir() else [path]
            return any(_file_id(p) in self._ids for p in targets)
        except OSError:
            return False


def _file_id(path: Path) -> tuple[int, int]:
    st = path.stat(follow_symlinks=False)
    return st.st_dev, st.st_ino


def _open_file_ids() -> set[tuple[int, int]]:
    ids: set[tuple[int, int]] = set()
    for pid in _scandir(Path("/proc")):
        if not pid.name.isdigit():
            continue
        for fd in _scandir(Path(pid.path) / "fd"):
            try:
                st = os.stat(fd.path)  # follows the link to the open file
            except OSError:  # closed meanwhile, or another user's process
                continue
            ids.add((st.st_dev, st.st_ino))
    return ids


def remove(path: Path) -> bool:
    """Remove a file or folder; False when it could not be (gone, open on Windows, read-only)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        return False
    return True
