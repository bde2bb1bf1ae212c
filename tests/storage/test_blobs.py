from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest

from smartcity_desktop.storage.blobs import BlobStore
from smartcity_desktop.storage.errors import DiskFullError, StorageError

# No database: the attachment store in the data folder (PostgreSQL's store: test_db_blobs.py).


def test_blobs_are_stored_once_by_sha256(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "attachments")
    sha, new = store.put_bytes(b"foto")
    assert sha == hashlib.sha256(b"foto").hexdigest() and new
    assert store.put_bytes(b"foto") == (sha, False)
    assert store.path_for(sha).read_bytes() == b"foto"
    assert store.path_for(sha).parent.name == sha[:2]


def test_streams_are_checked_against_the_expected_hash(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "attachments")
    with pytest.raises(StorageError):
        store.put_stream(io.BytesIO(b"changed"), expected_sha256="0" * 64)
    assert not any(p.is_file() for p in store.root.rglob("*"))


def test_a_refusing_check_sees_the_whole_file_and_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "attachments")
    seen: list[bytes] = []

    def refuse(path: Path) -> None:
        seen.append(path.read_bytes())
        raise ValueError("not what it claims to be")

    data = b"MZ" + b"\x00" * 3_000_000
    with pytest.raises(ValueError):
        store.put_stream(io.BytesIO(data), hashlib.sha256(data).hexdigest(), check=refuse)
    assert seen == [data]
    assert not any(p.is_file() for p in store.root.rglob("*"))
    sha, new = store.put_stream(io.BytesIO(data), check=lambda path: None)
    assert new and store.path_for(sha).read_bytes() == data


def test_a_full_disk_leaves_no_partial_blob(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BlobStore(tmp_path / "attachments")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(DiskFullError):
        store.put_bytes(b"x" * 1000)
    assert not any(p.is_file() for p in store.root.rglob("*"))


def test_names_must_be_hashes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path_for("../../etc/passwd")
