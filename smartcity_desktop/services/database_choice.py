"""Where an office's data is kept, and moving a kecamatan or kabupaten office onto a shared
PostgreSQL database (Pengaturan, "Basis data"; ``smartcity db status`` and ``db password``).

Pointing an office at a server never moves data: the target must already hold this office's
database (filled by ``smartcity db copy --to URL`` or by another analyst PC). An empty database is
refused with that advice, so an office with data is never switched silently to nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage import db_secrets, migrations
from smartcity_desktop.storage import table_names as tables
from smartcity_desktop.storage.db_choice_file import read_choice, remove_choice, write_choice
from smartcity_desktop.storage.location import DATABASE_URL_ENV
from smartcity_desktop.storage.paths import DataPaths
from smartcity_desktop.storage.pg_probe import ProbeResult, ProbeState, count_rows, probe

DRIVER = "postgresql+psycopg"
COPY_COMMAND = "smartcity db copy --to {url}"
# The offices that may keep their data on a server; a village keeps it on its own PC.
SHARED_ROLES = ("kecamatan", "kabupaten")


@dataclass(frozen=True)
class Location:
    """Where the open office's data is now."""

    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None
    host: str = ""
    port: int = 0
    database: str = ""
    user: str = ""
    url: str = ""  # without the password

    def lines(self) -> list[tuple[str, str]]:
        if self.kind == "sqlite":
            return [
                (_("Jenis"), _("Berkas SQLite di PC ini")),
                (_("Berkas"), str(self.path)),
            ]
        return [
            (_("Jenis"), _("Server PostgreSQL")),
            (_("Server"), self.host),
            (_("Port"), str(self.port)),
            (_("Basis data"), self.database),
            (_("Pengguna"), self.user),
        ]


@dataclass(frozen=True)
class ServerSettings:
    """What the user types to reach a server (the password apart: never saved with these)."""

    host: str
    port: int
    database: str
    user: str

    def url(self) -> str:
        return URL.create(
            DRIVER,
            username=self.user,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, url: str | URL) -> ServerSettings:
        parsed = db_secrets.parse_url(url)
        return cls(
            host=parsed.host or "localhost",
            port=parsed.port or db_secrets.DEFAULT_PORT,
            database=parsed.database or "",
            user=parsed.username or "",
        )


@dataclass(frozen=True)
class ConnectionCheck:
    """The outcome of "Uji koneksi": whether the office can use the database, and why (not)."""

    usable: bool
    message: str
    probe: ProbeResult
    empty: bool = False  # the target needs a copy first
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Switched:
    choice_file: Path
    url: str
    password_kept: bool
    store_available: bool


def location_of(ctx: AppContext) -> Location:
    url = ctx.db.engine.url
    if url.get_backend_name() == "sqlite":
        return Location("sqlite", path=ctx.db.path)
    return Location(
        "postgresql",
        host=url.host or "localhost",
        port=url.port or db_secrets.DEFAULT_PORT,
        database=url.database or "",
        user=url.username or "",
        url=db_secrets.without_password(url),
    )


def saved_choice(paths: DataPaths) -> str | None:
    """The server saved in the data folder (used from the next start), or None."""
    return read_choice(paths.root)


def url_from_environment() -> str | None:
    """A URL set in the environment outranks the saved choice; Pengaturan says so."""
    value = os.environ.get(DATABASE_URL_ENV, "").strip()
    return value or None


def may_use_server(role: str) -> bool:
    return role in SHARED_ROLES


def _refuse_village() -> UserError:
    return UserError(
        _(
            "Kantor desa/kelurahan menyimpan datanya di PC ini (berkas SQLite); basis data "
            "PostgreSQL hanya untuk kantor kecamatan dan kabupaten."
        ),
        code="db.village_local",
    )


def validate(settings: ServerSettings) -> ServerSettings:
    """Clean input, or a message naming the field to fix."""
    host = settings.host.strip()
    database = settings.database.strip()
    user = settings.user.strip()
    if not host:
        raise UserError(_("Isi alamat server (nama atau alamat IP)."), code="db.no_host")
    if not 1 <= settings.port <= 65535:
        raise UserError(_("Port server harus antara 1 dan 65535 (bawaan 5432)."), code="db.port")
    if not database:
        raise UserError(_("Isi nama basis data."), code="db.no_database")
    if not user:
        raise UserError(_("Isi nama pengguna basis data."), code="db.no_user")
    return ServerSettings(host, settings.port, database, user)


def check_connection(
    settings: ServerSettings, password: str | None, office_code: str
) -> ConnectionCheck:
    """Connect and say, in the user's words, whether this office can use the database. Slow (up to
    the connect timeout): run it off the GUI thread."""
    settings = validate(settings)
    target = db_secrets.with_password(settings.url(), password or None)
    result = probe(target)
    return _judge(settings, result, office_code)


def _counts_text(counts: dict[str, int]) -> str:
    return _(
        "{problems} permasalahan, {potentials} potensi, {proposals} usulan, {files} lampiran"
    ).format(
        problems=counts.get(tables.PROBLEM, 0),
        potentials=counts.get(tables.POTENTIAL, 0),
        proposals=counts.get(tables.PROPOSAL, 0),
        files=counts.get(tables.ATTACHMENT, 0),
    )


def _judge(settings: ServerSettings, result: ProbeResult, office_code: str) -> ConnectionCheck:
    state = result.state
    where = f"{settings.host}:{settings.port}"
    copy = COPY_COMMAND.format(url=settings.url())
    if state is ProbeState.UNREACHABLE:
        message = _(
            "Server {where} tidak dapat dihubungi. Periksa alamat dan port server, sambungan "
            "jaringan, dan bahwa PostgreSQL berjalan serta menerima sambungan dari PC ini."
        ).format(where=where)
    elif state is ProbeState.PASSWORD_NEEDED:
        message = _(
            "Server meminta kata sandi untuk pengguna {user}. Isi kata sandi lalu uji lagi."
        ).format(user=settings.user)
    elif state is ProbeState.AUTH_FAILED:
        message = _(
            "Server menolak pengguna {user} dengan kata sandi ini. Periksa nama pengguna dan kata "
            "sandi (huruf besar dan kecil dibedakan)."
        ).format(user=settings.user)
    elif state is ProbeState.DATABASE_MISSING:
        message = _(
            "Basis data {database} tidak ada di server {where}. Periksa ejaannya, atau minta "
            "pengelola server membuatnya (README, bagian 'Untuk tim kabupaten: basis data "
            "bersama')."
        ).format(database=settings.database, where=where)
    elif state is ProbeState.EMPTY:
        return ConnectionCheck(
            False,
            _(
                "Terhubung ke PostgreSQL {version}. Basis data {database} masih kosong: data "
                "kantor ini belum ada di sana. Salin dulu data kantor ke server dengan perintah\n"
                "{copy}\nlalu pilih server ini lagi. Aplikasi tidak berpindah ke basis data kosong."
            ).format(version=result.server_version, database=settings.database, copy=copy),
            result,
            empty=True,
        )
    elif state is ProbeState.FOREIGN:
        message = _(
            "Basis data {database} berisi tabel lain ({detail}) dan bukan basis data SmartCity "
            "Desktop. Pilih basis data lain."
        ).format(database=settings.database, detail=result.detail)
    elif state is ProbeState.NEWER:
        message = _(
            "Basis data {database} dibuat oleh SmartCity Desktop versi yang lebih baru (skema "
            "{revision}). Perbarui aplikasi di PC ini dulu."
        ).format(database=settings.database, revision=result.revision)
    elif state is ProbeState.NO_OFFICE:
        message = _(
            "Basis data {database} berisi tabel SmartCity Desktop tetapi belum ada kantor di "
            "dalamnya (mungkin penyalinan terputus). Kosongkan lalu salin ulang dengan perintah\n"
            "{copy}"
        ).format(database=settings.database, copy=copy)
    elif state is ProbeState.OFFICE and result.office_code != office_code:
        message = _(
            "Basis data {database} berisi data kantor lain: {name} ({code}), bukan kantor ini "
            "({own}). Pilih basis data kantor ini."
        ).format(
            database=settings.database,
            name=result.office_name,
            code=result.office_code,
            own=office_code,
        )
    elif state is ProbeState.OFFICE:
        return ConnectionCheck(
            True,
            _(
                "Terhubung ke PostgreSQL {version}. Basis data {database} berisi data {name} "
                "({code}): {counts}. Siap dipakai."
            ).format(
                version=result.server_version,
                database=settings.database,
                name=result.office_name,
                code=result.office_code,
                counts=_counts_text(result.counts),
            ),
            result,
            counts=result.counts,
        )
    else:
        message = _("Sambungan ke server gagal: {detail}").format(detail=result.detail)
    return ConnectionCheck(False, message, result)


def switch_to_server(
    ctx: AppContext,
    settings: ServerSettings,
    password: str | None,
    *,
    remember: bool,
) -> Switched:
    """Save ``settings`` as the office's database from the next start, after checking that it
    holds this office's data. The password is kept in the credential store when asked and
    possible, never in the data folder. Nothing is saved when the check fails."""
    office = ctx.office
    if not may_use_server(office.role):
        raise _refuse_village()
    check = check_connection(settings, password, office.code)
    if not check.usable:
        raise UserError(check.message, code=f"db.{check.probe.state.value}")
    settings = validate(settings)
    url = settings.url()
    available = db_secrets.store_available()
    kept = False
    if remember and password and available:
        db_secrets.save_password(url, password)
        kept = True
    path = write_choice(ctx.paths.root, url)
    return Switched(path, url, kept, available)


def switch_to_local_file(ctx: AppContext) -> bool:
    """Forget the saved server: the office uses its SQLite file from the next start. False when
    no server was saved."""
    return remove_choice(ctx.paths.root)


# --- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    location: Location
    server_version: str
    revision: str | None
    app_revision: str  # the newest schema this app knows
    counts: dict[str, int]
    saved_choice: str | None
    environment_url: str | None
    store_available: bool
    password_kept: bool


def status(ctx: AppContext) -> Status:
    """What ``smartcity db status`` prints: where the data is, the engine's version, the schema
    revision and how many rows the main tables hold."""
    location = location_of(ctx)
    with ctx.db.engine.connect() as connection:
        if location.kind == "sqlite":
            version = "SQLite " + str(
                connection.exec_driver_sql("SELECT sqlite_version()").scalar()
            )
        else:
            version = "PostgreSQL " + str(connection.execute(text("SHOW server_version")).scalar())
        names = set(inspect(connection).get_table_names())
        revision = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if "alembic_version" in names
            else None
        )
        counts = count_rows(connection, names)
    available = db_secrets.store_available()
    kept = location.kind == "postgresql" and password_kept(location.url)
    return Status(
        location=location,
        server_version=version,
        revision=revision,
        app_revision=migrations.head_revision(),
        counts=counts,
        saved_choice=saved_choice(ctx.paths),
        environment_url=url_from_environment(),
        store_available=available,
        password_kept=kept,
    )


# --- the password on its own (``smartcity db password set|forget URL``) -------------------------


def password_store_available() -> bool:
    return db_secrets.store_available()


def password_kept(url: str) -> bool:
    """Whether this PC's credential store holds the password for ``url``."""
    return db_secrets.store_available() and db_secrets.stored_password(url) is not None


def require_password_store() -> None:
    """Refuse plainly, before any password is typed, where this PC cannot keep one."""
    db_secrets.require_store()


def remember_password(url: str, password: str) -> str:
    """Keep ``password`` for ``url``; returns the key it is kept under (user@host:port/db)."""
    if db_secrets.parse_url(url).password:
        raise UserError(
            _(
                "Tulis alamat tanpa kata sandi; kata sandi ditanyakan terpisah agar tidak "
                "tercatat di riwayat perintah."
            ),
            code="db.password_in_url",
        )
    db_secrets.save_password(url, password)
    return db_secrets.credential_key(url)


def forget_password(url: str) -> bool:
    return db_secrets.forget_password(url)


def typed_at_start(url: str | URL, password: str, *, remember: bool) -> None:
    """The password asked at start: used for this run; kept in the credential store, when asked
    and possible, once the server has accepted it (``opened``)."""
    db_secrets.use_for_this_run(url, password, keep=remember and db_secrets.store_available())


def opened(ctx: AppContext) -> bool:
    """Call once the office database is open: a password typed at start is then known good and
    kept if the user asked. True when it was kept now."""
    url = ctx.db.engine.url
    if url.get_backend_name() != "postgresql":
        return False
    try:
        return db_secrets.accepted(url)
    except UserError:  # the store refused: the app works on, the password is asked next time
        return False


def credential_key(url: str) -> str:
    return db_secrets.credential_key(url)


def describe_counts(counts: dict[str, int]) -> str:
    return _counts_text(counts)
