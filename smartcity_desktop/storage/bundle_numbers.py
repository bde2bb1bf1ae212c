"""The highest outgoing bundle number ever taken, kept outside the database.

The database's ``bundle_export`` table goes back in time with a restore. The receiving office,
which remembers every number it has seen, does not: a number reused after a restore is refused
there as a possible stolen key. So the highest number taken is also kept in a small file of the
data folder, which a restore does not replace; a new number is always above both. Numbers between
the restored table and this mark were taken before the restore and are never used again: the
receiver sees an honest gap.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from urllib.parse import quote

from smartcity_desktop.storage.durable import write_durably

log = logging.getLogger(__name__)

MARK_NAME = "bundle-numbers.json"


def mark_path(root: Path) -> Path:
    return root / MARK_NAME


def highest_taken(root: Path) -> int:
    """The mark; 0 when there is none yet (an office made before it existed, or a new one)."""
    try:
        value = json.loads(mark_path(root).read_text(encoding="utf-8"))["highest_sequence"]
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # Written whole or not at all, so only a hand edit or a failing disk gets here; the
        # database's own numbering still applies.
        log.warning("%s unreadable, ignored: %s", MARK_NAME, exc)
        return 0
    return value if isinstance(value, int) and value > 0 else 0


def record_taken(root: Path, sequence: int) -> None:
    """Raise the mark to ``sequence`` (durably, before any file carries that number)."""
    if sequence > highest_taken(root):
        _write(root, sequence)


def give_back(root: Path, sequence: int) -> None:
    """Lower the mark again when ``sequence``, the last number taken, was never on any file."""
    if highest_taken(root) == sequence:
        _write(root, sequence - 1)


def highest_in_database(database: Path) -> int:
    """The highest number in a database's ``bundle_export`` table, read without changing the
    file; 0 when it cannot be read (missing, damaged, an older schema)."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(database))}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT max(sequence) FROM bundle_export").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row and row[0] else 0


def _write(root: Path, sequence: int) -> None:
    write_durably(mark_path(root), json.dumps({"highest_sequence": sequence}).encode() + b"\n")
