"""Backups of an office database on PostgreSQL: ``pg_dump`` in its custom format (``-Fc``) into the
office's backups folder, named and listed like the SQLite backups
(``smartcity-<UTC time>-<reason>.pgdump``).

The password goes to ``pg_dump`` through its environment (``PGPASSWORD``), never on its command
line, where other users of the PC could read it in the process list. ``pg_dump`` is PostgreSQL's own
tool, not part of this app: it is looked for in ``SMARTCITY_PG_DUMP``, then on PATH, then (Windows)
in the PostgreSQL installation folders; it must be at least as new as the server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.durable import fsync_dir, fsync_file
from smartcity_desktop.storage.errors import translate_os_error

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from smartcity_desktop.services.context import AppContext

log = logging.getLogger(__name__)

PG_DUMP_ENV = "SMARTCITY_PG_DUMP"
DUMP_SUFFIX = ".pgdump"
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class PgToolMissing(UserError):
    code = "backup.pg_dump_missing"


class PgBackupFailed(UserError):
    code = "backup.pg_dump_failed"


def _install_advice(tool: str) -> str:
    return _(
        "Pasang alat baris perintah PostgreSQL: di Windows, penginstal PostgreSQL dari "
        "postgresql.org (cukup pilih 'Command Line Tools'); di Debian/Ubuntu, 'sudo apt install "
        "postgresql-client'. Jika {tool} sudah ada tetapi tidak di PATH, isi variabel lingkungan "
        "{env} dengan jalur lengkapnya (mis. C:\\Program Files\\PostgreSQL\\16\\bin\\{tool}.exe)."
    ).format(tool=tool, env=PG_DUMP_ENV)


def find_tool(tool: str = "pg_dump") -> Path:
    """``pg_dump`` (or ``pg_restore`` beside it): ``SMARTCITY_PG_DUMP`` (the program or its
    folder), PATH, then PostgreSQL's usual Windows folders, newest version first."""
    configured = os.environ.get(PG_DUMP_ENV, "").strip()
    if configured:
        given = Path(configured).expanduser()
        folder = given if given.is_dir() else given.parent
        for candidate in _names(folder, tool):
            if candidate.is_file():
                return candidate
        raise PgToolMissing(
            _("{tool} tidak ditemukan di {path} (dari {env}).").format(
                tool=tool, path=given, env=PG_DUMP_ENV
            )
            + " "
            + _install_advice(tool)
        )
    found = shutil.which(tool)
    if found:
        return Path(found)
    for folder in _windows_folders():
        for candidate in _names(folder, tool):
            if candidate.is_file():
                return candidate
    raise PgToolMissing(
        _(
            "{tool} tidak ditemukan di komputer ini, padahal dibutuhkan untuk mencadangkan basis data "
            "PostgreSQL."
        ).format(tool=tool)
        + " "
        + _install_advice(tool)
    )


def _names(folder: Path, tool: str) -> list[Path]:
    return [folder / f"{tool}.exe", folder / tool] if sys.platform == "win32" else [folder / tool]


def _windows_folders() -> list[Path]:
    if sys.platform != "win32":
        return []
    roots = {os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMW6432")}
    folders = []
    for root in filter(None, roots):
        base = Path(root) / "PostgreSQL"
        if base.is_dir():
            folders += [p / "bin" for p in base.iterdir() if p.is_dir()]

    def version(folder: Path) -> float:
        try:
            return float(folder.parent.name)
        except ValueError:
            return 0.0

    return sorted(folders, key=version, reverse=True)


def tool_major_version(program: Path) -> int | None:
    try:
        done = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _VERSION.search(done.stdout)
    return int(found.group(1)) if found else None


def server_major_version(ctx: AppContext) -> int:
    from sqlalchemy import text

    with ctx.db.engine.connect() as connection:
        number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000


def _connection_arguments(url: URL) -> list[str]:
    """Where to connect, as pg_dump options; the password is never among them."""
    arguments = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        arguments += ["--username", url.username]
    return [*arguments, "--dbname", str(url.database)]


def _environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password  # else libpq's own PGPASSWORD or pgpass file
    env.setdefault("PGAPPNAME", "smartcity backup")
    return env


def dump(ctx: AppContext, backups_dir: Path, *, reason: str = "manual") -> Path:
    """``pg_dump -Fc`` of the office's server database into ``backups_dir``; the file appears
    under its final name only once pg_dump has finished and it is flushed to disk."""
    url = ctx.db.engine.url
    program = find_tool("pg_dump")
    tool_major = tool_major_version(program)
    server_major = server_major_version(ctx)
    if tool_major is None or tool_major < server_major:
        raise PgToolMissing(
            _(
                "{program} (versi {tool}) lebih lama dari server PostgreSQL (versi {server}) dan "
                "tidak dapat mencadangkannya. Pasang alat baris perintah PostgreSQL versi {server} "
                "atau lebih baru (Debian/Ubuntu: postgresql-client-{server}; Windows: penginstal "
                "PostgreSQL {server}), lalu arahkan {env} ke pg_dump yang baru bila perlu."
            ).format(
                program=program,
                tool=tool_major if tool_major is not None else "?",
                server=server_major,
                env=PG_DUMP_ENV,
            ),
            code="backup.pg_dump_old",
        )
    try:
        backups_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise (translate_os_error(exc, backups_dir) or exc) from exc
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = backups_dir / f"smartcity-{stamp}-{reason}{DUMP_SUFFIX}"
    partial = backups_dir / f".{target.name}.{secrets.token_hex(6)}.partial"
    command = [
        str(program),
        "--format=custom",
        "--no-password",  # never wait for a prompt nobody sees
        "--file",
        str(partial),
        *_connection_arguments(url),
    ]
    try:
        done = subprocess.run(
            command, env=_environment(url), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            detail = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit {done.returncode}"
            raise PgBackupFailed(
                _("pg_dump gagal mencadangkan {database}: {detail}").format(
                    database=_shown(url), detail=detail
                )
            )
        fsync_file(partial)
        os.replace(partial, target)
        fsync_dir(backups_dir)
    except OSError as exc:
        raise (translate_os_error(exc, backups_dir) or exc) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    log.info("pg_dump backup written: %s", target.name)
    return target


def _shown(url: URL) -> str:
    return url._replace(password=None).render_as_string(hide_password=False)


def restore_instructions(backup: Path, url: URL | None) -> str:
    """How to restore a ``.pgdump`` by hand: into a new, empty database, then point the office at
    it; the database in use is never overwritten by the app."""
    host = (url.host if url is not None else None) or "HOST"
    port = str((url.port if url is not None else None) or 5432)
    user = (url.username if url is not None else None) or "PENGGUNA"
    return _(
        "Cadangan {name} dibuat dengan pg_dump dan dipulihkan dengan pg_restore ke basis data "
        "baru yang kosong, lalu kantor diarahkan ke sana:\n"
        "  createdb --host {host} --port {port} --username {user} smartcity_pulih\n"
        "  pg_restore --no-owner --host {host} --port {port} --username {user} --dbname "
        'smartcity_pulih "{path}"\n'
        "  smartcity --database-url postgresql+psycopg://{user}@{host}:{port}/smartcity_pulih stats\n"
        "Jika hasilnya benar, tulis alamat itu di database.json folder data (atau Pengaturan). "
        "Kata sandi diminta oleh createdb dan pg_restore, atau diambil dari PGPASSWORD/pgpass."
    ).format(name=backup.name, path=backup, host=host, port=port, user=user)
