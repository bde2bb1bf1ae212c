"""Helpers shared by CLI commands: opening the data folder, printing JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from smartcity_desktop.cli.main import LANG_ENV
from smartcity_desktop.i18n import LANGUAGES, set_language
from smartcity_desktop.services.context import AppContext, open_context, server_location_set
from smartcity_desktop.services.logging_setup import configure_logging
from smartcity_desktop.storage.paths import DataPaths, resolve_data_dir

if TYPE_CHECKING:
    from smartcity_desktop.services.read_only import ReadOnlyOffice


def data_paths(args: argparse.Namespace) -> DataPaths:
    return resolve_data_dir(getattr(args, "data_dir", None))


def database_url(args: argparse.Namespace) -> str | None:
    """``--database-url``; None lets the environment or the folder's database.json decide."""
    value = getattr(args, "database_url", None)
    return str(value) if value else None


# Data folders opened by this command (with their database, for an office on a server), cleaned
# again when it ends (services/cleanup.py).
_opened: dict[DataPaths, tuple[float, Any]] = {}


def open_office(args: argparse.Namespace) -> AppContext:
    """Open the office's data folder and adopt its language unless one was asked for."""
    from smartcity_desktop.services.cleanup import clean_quietly

    paths = data_paths(args)
    ctx = open_context(paths, database_url(args))
    configure_logging(paths.logs)
    started = time.time()
    clean_quietly(paths, started, ctx.db.engine)
    _opened.setdefault(paths, (started, ctx.db.engine))
    if not getattr(args, "lang", None) and not os.environ.get(LANG_ENV):
        from smartcity_desktop.services.settings import get_setting

        lang = get_setting(ctx, "language")
        if lang in LANGUAGES:
            set_language(lang)
    return ctx


def open_office_read_only(args: argparse.Namespace) -> ReadOnlyOffice | None:
    """The office opened only to read (``smartcity verify``), or None when it must be opened the
    full way (``open_office``): a migration due, no office yet. Nothing in the folder is cleaned
    or written; a command that writes will clean up when it runs."""
    from smartcity_desktop.services.read_only import open_read_only

    paths = data_paths(args)
    if database_url(args) or server_location_set(paths):
        return None  # the read-only look is at the SQLite file; a server is opened the full way
    office = open_read_only(paths)
    if office is None:
        return None
    configure_logging(paths.logs)
    asked = getattr(args, "lang", None) or os.environ.get(LANG_ENV)
    if not asked and office.language in LANGUAGES:
        set_language(office.language)
    return office


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")


def clean_after_command() -> None:
    """After the command: remove what its own interrupted work may have left (a failed write
    removes its temporary file itself; this catches what it could not)."""
    if not _opened:
        return
    from smartcity_desktop.services.cleanup import clean_quietly

    while _opened:
        paths, (started, engine) = _opened.popitem()
        clean_quietly(paths, started, engine)
