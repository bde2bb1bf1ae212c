"""``<data folder>/database.json``: the PostgreSQL database an office's data is kept in, chosen in
Pengaturan. It holds ``{"url": "postgresql+psycopg://user@host:port/dbname"}`` and never a
password (storage/db_secrets.py keeps that). Without the file the office uses its SQLite file.
storage/location.py reads it when the office is opened.
"""

from __future__ import annotations

import json
from pathlib import Path

from smartcity_desktop.storage.durable import fsync_dir, write_durably
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.location import DATABASE_FILE as CHOICE_FILE


def choice_path(root: Path) -> Path:
    return root / CHOICE_FILE


def read_choice(root: Path) -> str | None:
    """The URL saved in the folder, or None when there is none (or it cannot be read as one)."""
    try:
        data = json.loads(choice_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None


def write_choice(root: Path, url_without_password: str) -> Path:
    """Save the choice so that a crash leaves the old file or the new one, never half of one."""
    path = choice_path(root)
    body = json.dumps({"url": url_without_password}, ensure_ascii=False, indent=2) + "\n"
    try:
        write_durably(path, body.encode("utf-8"))
    except OSError as exc:
        raise (translate_os_error(exc, root) or exc) from exc
    return path


def remove_choice(root: Path) -> bool:
    """Back to the SQLite file; False when there was no choice to remove."""
    path = choice_path(root)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise (translate_os_error(exc, root) or exc) from exc
    fsync_dir(root)
    return True
