"""``smartcity db …``: where an office's data is kept. Each subcommand lives in a module of its own
and is listed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smartcity_desktop.cli import cmd_db_copy, cmd_db_status
from smartcity_desktop.i18n import _

SUBCOMMANDS: list[Callable[[Any, Callable[[Any], None]], None]] = [
    cmd_db_status.register,
    cmd_db_copy.register,
]


def register(sub: Any, add_globals: Callable[[Any], None]) -> None:
    group = sub.add_parser(
        "db", help=_("basis data kantor: lokasi, kata sandi server PostgreSQL, penyalinan")
    )
    add_globals(group)
    commands = group.add_subparsers(dest="db_command", metavar=_("PERINTAH"))
    commands.required = True
    for register_one in SUBCOMMANDS:
        register_one(commands, add_globals)
