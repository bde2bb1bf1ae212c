"""A real keyring backend for tests: keyrings.alt's file store, kept in the test's own folder.

Headless CI machines have no credential store (keyring's fail backend); this one stores and
reads for real, so the tests exercise keyring's own API, not a stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring


@contextmanager
def file_keyring(folder: Path) -> Iterator[KeyringBackend]:
    backend = PlaintextKeyring()
    backend.file_path = str(folder / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@contextmanager
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
