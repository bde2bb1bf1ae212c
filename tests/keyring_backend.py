"""A real keyring backend for tests: keyrings.alt's file store, kept in the test's own folder.

Headless CI machines have no credential store (keyring's fail backend); this one stores and
reads for real, so the tests exercise keyring's own API, not a stand-in. keyrings.alt ranks its
plain-text file below keyring's "recommended" line, where the app rightly refuses to keep a
password; the test store declares the rank of an OS store instead, and is otherwise unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring


class TestFileKeyring(PlaintextKeyring):
    priority = 5  # type: ignore[assignment]  # as an OS store ranks (see the module note)


@contextmanager
def file_keyring(folder: Path) -> Iterator[KeyringBackend]:
    backend = TestFileKeyring()
    backend.file_path = str(folder / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@contextmanager
def no_keyring(backend: KeyringBackend | None = None) -> Iterator[None]:
    """keyring's fail backend (a headless machine), or another store the app must not use."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend or fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
