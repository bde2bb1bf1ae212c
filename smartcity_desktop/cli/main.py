"""``smartcity``: the command-line interface. A contract that scripts rely on.

Exit status: 0 success, 1 refused or invalid input (message on stderr), 2 usage error, 141 when
the reader of the output closed the pipe early (``| head``; nothing is printed then).
Heavy modules are imported inside the commands so that ``--version`` and ``--help`` stay instant.
The CLI never imports PySide6.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from smartcity_desktop import __version__
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import LANGUAGES, N_, _, set_language

LANG_ENV = "SMARTCITY_LANG"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # as a shell reports a process ended by SIGPIPE

Handler = Callable[[argparse.Namespace], int]


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help=_("folder data kantor (bawaan: folder data pengguna)"),
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help=_(
            "basis data PostgreSQL kantor kecamatan/kabupaten, mis. "
            "postgresql+psycopg://pengguna@host:5432/nama (bawaan: SMARTCITY_DATABASE_URL, "
            "database.json di folder data, lalu berkas SQLite)"
        ),
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=default,
        help=_("baca kata sandi kantor dari berkas ini"),
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=default, help=_("bahasa pesan: id (bawaan) atau en")
    )


class _Formatter(argparse.HelpFormatter):
    """argparse's own words ("usage:") in the active language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, _("penggunaan: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """Every parser of the CLI: help, section titles and usage line in the active language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # our own -h, with its help text in the active language
        super().__init__(*args, **kwargs)
        self._positionals.title = _("argumen")
        self._optionals.title = _("opsi")
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=_("tampilkan bantuan ini lalu keluar"),
            )

    def error(self, message: str) -> Any:  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {_('kesalahan')}: {_usage_error(message)}\n")


# argparse's own error sentences (Python 3.11+), in the active language.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<x>.+)"), N_("argumen ini wajib: {x}")),
    (re.compile(r"unrecognized arguments: (?P<x>.+)"), N_("argumen tidak dikenal: {x}")),
    (
        re.compile(r"argument (?P<a>.+?): invalid choice: (?P<x>.+) \(choose from (?P<c>.+)\)"),
        N_("argumen {a}: pilihan {x} tidak dikenal (pilih dari {c})"),
    ),
    (
        re.compile(r"argument (?P<a>.+?): expected one argument"),
        N_("argumen {a}: perlu satu nilai"),
    ),
    (
        re.compile(r"argument (?P<a>.+?): invalid (?P<t>\S+) value: (?P<x>.+)"),
        N_("argumen {a}: nilai {x} tidak valid"),
    ),
)


def _usage_error(message: str) -> str:
    for pattern, template in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return _(template).format(**found.groupdict())
    return message


def build_parser() -> argparse.ArgumentParser:
    from smartcity_desktop.cli import commands

    parser = _Parser(
        prog="smartcity",
        description=_(
            "SmartCity Desktop: catat permasalahan, potensi dan usulan inovasi desa, lalu kirim dalam "
            "paket bertanda tangan."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"smartcity {__version__}",
        help=_("tampilkan nomor versi lalu keluar"),
    )
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar=_("PERINTAH"), parser_class=_Parser)
    sub.required = True
    for register in commands.REGISTRY:
        register(sub, lambda p: _global_options(p, suppress=True))
    return parser


def _early_language(argv: Sequence[str]) -> None:
    lang = os.environ.get(LANG_ENV)
    if "--lang" in argv:
        i = list(argv).index("--lang")
        if i + 1 < len(argv):
            lang = argv[i + 1]
    if lang in LANGUAGES:
        set_language(lang)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a reader that left early shows up here, not at interpreter exit
    except BrokenPipeError:
        return _reader_went_away()
    return code


def _run(argv: list[str]) -> int:
    if argv == ["--version"]:  # the fast path: no parser, no imports
        print(f"smartcity {__version__}")
        return EXIT_OK
    _early_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UserError as exc:
        print(f"{_('Gagal')}: {exc}", file=sys.stderr)
        logging.getLogger("smartcity_desktop.cli").info("refused: %s (%s)", exc.code, args.command)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(_("Dibatalkan."), file=sys.stderr)
        return 130
    finally:
        support = sys.modules.get("smartcity_desktop.cli.support")
        if support is not None:  # loaded only by commands that open an office
            support.clean_after_command()


def _reader_went_away() -> int:
    """``smartcity verify … | head``: the reader closed the pipe, which is its right, so stop
    quietly with the shell's status for a process ended by SIGPIPE. Whatever was being written is
    abandoned; any transaction in progress was rolled back by the exception on its way here."""
    # Point stdout at the null device, or Python's final flush fails again on the closed pipe.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
