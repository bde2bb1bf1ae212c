"""Real faulty places for an office's data folder: a read-only medium, a full disk, a folder the
user has no rights to, a damaged file. Root gets real mounts; other users get what chmod can do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*cmd: str) -> bool:
    return subprocess.run(list(cmd), capture_output=True, check=False).returncode == 0


@contextmanager
def read_only_office(source: Path, work: Path) -> Iterator[Path]:
    """A copy of the office folder ``source`` on a read-only mount (root) or chmod'ed read-only."""
    copy = work / "ro-source"
    shutil.copytree(source, copy)  # makes ``work`` too
    if os.geteuid() != 0:
        for p in [copy, *copy.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield copy
        finally:
            for p in [copy, *copy.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
        return
    mount = work / "ro"
    mount.mkdir()
    if not _run("mount", "--bind", str(copy), str(mount)):
        pytest.skip("cannot bind-mount here")
    try:
        if not _run("mount", "-o", "remount,bind,ro", str(mount)):
            pytest.skip("cannot remount read-only here")
        yield mount
    finally:
        _run("umount", "-l", str(mount))


@contextmanager
def full_disk_office(source: Path, work: Path) -> Iterator[Path]:
    """A copy of the office folder on a small tmpfs whose last free byte is taken (root only)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small file system")
    mount = work / "full"
    mount.mkdir(parents=True)
    size = sum(p.stat().st_size for p in source.rglob("*") if p.is_file()) + 4 * 1024 * 1024
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree(source, mount / "office")
        with (mount / "filler").open("wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        assert shutil.disk_usage(mount).free < 65536
        yield mount / "office"
    finally:
        _run("umount", "-l", str(mount))


@contextmanager
def office_without_rights(source: Path) -> Iterator[Path]:
    """A copy of the office folder whose database this process may not open: owned by root and
    private while the process runs as "nobody" (root), or chmod 000 (others)."""
    base = Path(tempfile.mkdtemp(prefix="smartcity-rights-"))
    base.chmod(0o755)  # traversable by the unprivileged user
    copy = base / "office"
    shutil.copytree(source, copy)
    for p in [copy, *copy.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    database = copy / "smartcity.sqlite"
    database.chmod(0o000)
    # As "nobody" this process cannot read modules under root's home any more: load them first.
    import smartcity_desktop.cli.cmd_records
    import smartcity_desktop.cli.support
    import smartcity_desktop.services.stats
    import smartcity_desktop.storage.database  # noqa: F401

    try:
        if os.geteuid() == 0:
            os.seteuid(65534)
            try:
                yield copy
            finally:
                os.seteuid(0)
        else:
            yield copy
    finally:
        database.chmod(0o644)
        shutil.rmtree(base, ignore_errors=True)


def damage_pages(database: Path) -> None:
    """Fill a throw-away table, then scribble over its pages: the schema and the office's rows stay
    readable, but SQLite's page check fails."""
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE filler(x TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 3000,) for _ in range(200)])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(database.read_bytes())
    for offset in range(len(data) - 4096 * 60, len(data), 4096):
        data[offset : offset + 50] = b"\xde\xad\xbe\xef" * 12 + b"\x00\x00"
    database.write_bytes(bytes(data))
    check = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        assert check.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.DatabaseError:
        pass  # damaged beyond the check's own report: as damaged
    finally:
        check.close()
