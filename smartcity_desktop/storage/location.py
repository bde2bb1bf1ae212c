"""Where an office's database is: its SQLite file, or a PostgreSQL server shared by a team.

``--database-url`` (command line) wins, then ``SMARTCITY_DATABASE_URL``, then ``database.json`` in
the data folder (``{"url": "postgresql+psycopg://user@host:port/dbname"}``), else the SQLite file
of the data folder. The data folder stays the home of keys, settings, backups and logs either way.

A password is never written beside the URL: it is taken from a URL given on the command line or in
the environment (kept in memory only), else from ``password_for`` (the OS credential store), else
libpq finds it itself (``PGPASSWORD``, the pgpass file).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from smartcity_desktop.storage.paths import DataPaths

DATABASE_URL_ENV = "SMARTCITY_DATABASE_URL"
DATABASE_FILE = "database.json"
POSTGRES_DRIVER = "postgresql+psycopg"


class DatabaseLocationError(UserError):
    code = "storage.database_url"


@dataclass(frozen=True)
class DatabaseLocation:
    """``url`` is None for the data folder's SQLite file; else a PostgreSQL URL (with the password
    only when it was given on the command line or in the environment)."""

    sqlite_path: Path
    url: URL | None = None
    source: str = "sqlite"  # "cli", "env", "file" or "sqlite"

    @property
    def is_sqlite(self) -> bool:
        return self.url is None

    def describe(self) -> str:
        """For messages and logs: never shows a password."""
        if self.url is None:
            return str(self.sqlite_path)
        return describe_url(self.url)


def describe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def server_label(url: URL) -> str:
    """host:port/database, for a status line: no user, no password."""
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def parse_url(value: str, where: str) -> URL:
    """A PostgreSQL URL; ``postgresql://`` and ``postgres://`` get the psycopg 3 driver."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = value.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DatabaseLocationError(
            _(
                "Alamat basis data dari {where} tidak dapat dibaca. Tulis seperti "
                "postgresql+psycopg://pengguna@host:5432/nama_basis_data."
            ).format(where=where),
            code="storage.database_url_invalid",
        ) from exc
    if url.get_backend_name() != "postgresql" or not url.database:
        raise DatabaseLocationError(
            _(
                "Alamat basis data dari {where} bukan alamat PostgreSQL yang lengkap ({url}). Tulis "
                "seperti postgresql+psycopg://pengguna@host:5432/nama_basis_data."
            ).format(where=where, url=describe_url(url)),
            code="storage.database_url_invalid",
        )
    return url.set(drivername=POSTGRES_DRIVER)


def _url_from_file(file: Path) -> URL | None:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseLocationError(
            _("Berkas {file} tidak dapat dibaca: {error}.").format(file=file, error=exc.strerror),
            code="storage.database_file_unreadable",
        ) from exc
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    value = data.get("url") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DatabaseLocationError(
            _(
                'Berkas {file} harus berisi {{"url": "postgresql+psycopg://pengguna@host:5432/'
                'nama_basis_data"}}. Perbaiki atau hapus berkas itu untuk memakai SQLite.'
            ).format(file=file),
            code="storage.database_file_invalid",
        )
    url = parse_url(value, str(file))
    if url.password is not None:
        raise DatabaseLocationError(
            _(
                "Berkas {file} berisi kata sandi basis data. Kata sandi tidak boleh disimpan di "
                "sana: hapus dari alamatnya, lalu simpan di penyimpanan kredensial sistem atau "
                "berkas pgpass."
            ).format(file=file),
            code="storage.database_file_password",
        )
    return url


def resolve_location(paths: DataPaths, cli_value: str | None = None) -> DatabaseLocation:
    """The office's database, by the precedence in this module's docstring."""
    if cli_value:
        return DatabaseLocation(paths.database, parse_url(cli_value, "--database-url"), "cli")
    env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if env:
        return DatabaseLocation(paths.database, parse_url(env, DATABASE_URL_ENV), "env")
    url = _url_from_file(paths.root / DATABASE_FILE)
    if url is not None:
        return DatabaseLocation(paths.database, url, "file")
    return DatabaseLocation(paths.database)


def password_for(url: URL) -> str | None:
    """The password for ``url`` typed at start for this run, else the one kept in the OS credential
    store (storage/db_secrets.py); None lets libpq look (PGPASSWORD, pgpass). A URL without a user
    name has no entry: libpq then connects as the operating-system user."""
    if not url.username or not url.database:
        return None
    from smartcity_desktop.storage.db_secrets import password_for as kept_password

    return kept_password(url)


def connect_url(url: URL) -> URL:
    """``url`` with the password it should connect with, when one is known here."""
    if url.password is not None:
        return url
    password = password_for(url)
    return url if password is None else url.set(password=password)
