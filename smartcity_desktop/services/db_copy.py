"""``smartcity db copy --to …``: move an office's whole database between SQLite and PostgreSQL.

The target must be empty. Its schema is built by the same Alembic migrations as every office
database, then every table of the models is copied in dependency order, a batch at a time, while
the source is read inside one snapshot. Before the office is pointed at the target, every table is
counted and hashed on both sides (``services.db_content``); any difference refuses the switch.

Nothing is left half-made: on PostgreSQL the schema, the rows and the check are one transaction
(DDL is transactional there), so a failure, Ctrl-C or a dropped connection leaves the database as
empty as it was; a SQLite target is built under a temporary name beside the final one and renamed
only once checked. The source is only ever read, and stays where it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services import db_location
from smartcity_desktop.services.db_content import (
    TableDigest,
    copied_tables,
    count_rows,
    digest_table,
    our_table_names,
    read_rows,
)
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.durable import fsync_dir, fsync_file
from smartcity_desktop.storage.errors import translate_db_error, translate_os_error

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
SEARCHABLE = ("problem", "potential", "proposal")


class CopyRefused(UserError):
    code = "db_copy.refused"


class CopyFailed(UserError):
    code = "db_copy.failed"


class CopyCancelled(UserError):
    code = "db_copy.cancelled"


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyProgress:
    """One step of the copy, for a display. ``phase`` is one of: check, schema, copy, search,
    verify, switch; ``done``/``total`` count rows of ``table`` (copy, verify) or are 0."""

    phase: str
    message: str
    table: str | None = None
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[CopyProgress], None]


def _ignore(_step: CopyProgress) -> None:
    return None


# --- targets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyTarget:
    """A PostgreSQL URL (password kept only in memory) or a SQLite file."""

    url: URL | None = None
    path: Path | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.url is not None

    @property
    def shown(self) -> str:
        """Where, without a password: for messages and the office's database.json."""
        if self.url is not None:
            return db_location.shown_url(self.url)
        return str(self.path)


def parse_target(value: str, office_file: Path | None = None) -> CopyTarget:
    """``postgresql://`` / ``postgresql+psycopg://`` URLs, ``sqlite:///path``, a file path, or
    ``sqlite`` alone for the data folder's own SQLite file (``office_file``)."""
    given = value.strip()
    if not given:
        raise CopyRefused(_("Tujuan penyalinan kosong. Berikan URL PostgreSQL atau berkas SQLite."))
    if given.lower() == "sqlite" and office_file is not None:
        return CopyTarget(path=office_file.resolve())
    if given.startswith("sqlite:///"):
        return CopyTarget(path=Path(given[len("sqlite:///") :]).expanduser().resolve())
    if "://" not in given:
        return CopyTarget(path=Path(given).expanduser().resolve())
    try:
        url = make_url(given)
    except ArgumentError as exc:
        raise CopyRefused(
            _("URL tujuan {url} tidak dapat dibaca.").format(url=_without_password(given))
        ) from exc
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise CopyRefused(
            _(
                "Tujuan {url} tidak didukung: berikan URL postgresql+psycopg://pengguna@host:port/"
                "nama_basis_data atau berkas SQLite."
            ).format(url=_without_password(given))
        )
    if not url.database:
        raise CopyRefused(
            _("URL {url} tidak menyebut nama basis data (…/nama_basis_data).").format(
                url=url.render_as_string(hide_password=True)
            )
        )
    return CopyTarget(url=url.set(drivername="postgresql+psycopg"))


def _without_password(value: str) -> str:
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return value.split("@")[-1]


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCopy:
    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class CopyResult:
    source: str  # where the office's data was, and still is
    target: str  # where it is now (no password)
    tables: list[TableCopy] = field(default_factory=list)
    seconds: float = 0.0
    switched: bool = True  # the office uses the target from now on
    location_file: Path | None = None  # database.json written (None: removed, SQLite default)
    overridden_by: str | None = None  # an option or variable that still points elsewhere

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --- the copy -------------------------------------------------------------------------------


def copy_office_database(
    ctx: AppContext,
    target_value: str,
    *,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = BATCH_SIZE,
    database_url_given: bool = False,
) -> CopyResult:
    """Copy the office's database to an empty target, check it, and point the office at it.
    ``database_url_given``: the office was opened with ``--database-url``, which keeps winning
    over the location file written here (the result says so)."""
    report = progress or _ignore
    started = time.perf_counter()
    target = parse_target(target_value, ctx.paths.database)
    source_label = db_location.describe(ctx)
    _refuse_unsuitable(ctx, target, source_label)
    report(CopyProgress("check", _("Memeriksa tujuan {target}").format(target=target.shown)))
    copier = _Copier(ctx, target, source_label, report, cancelled, batch_size)
    tables = copier.run()
    log.info("office database copied to %s (%d rows)", target.shown, sum(t.rows for t in tables))
    # The office's SQLite database is always its data folder's own file; a copy elsewhere is a
    # checked snapshot, not a new home.
    switch = target.is_postgresql or target.path == ctx.paths.database.resolve()
    location = None
    if switch:
        report(
            CopyProgress("switch", _("Mengarahkan kantor ke {target}").format(target=target.shown))
        )
        location = db_location.point_office_at(ctx.paths, target.url)
    return CopyResult(
        source=source_label,
        target=target.shown,
        tables=tables,
        seconds=time.perf_counter() - started,
        switched=switch,
        location_file=location,
        overridden_by=db_location.override_in_force(database_url_given) if switch else None,
    )


def _refuse_unsuitable(ctx: AppContext, target: CopyTarget, source_label: str) -> None:
    from smartcity_desktop.storage.locks import running_lock_holder

    if target.is_postgresql and ctx.office.role == "desa":
        raise CopyRefused(
            _(
                "Kantor desa tetap memakai SQLite di komputernya sendiri; PostgreSQL hanya untuk "
                "kantor kecamatan dan kabupaten."
            ),
            code="db_copy.desa",
        )
    if _same_database(target, db_location.source_path(ctx), db_location.source_url(ctx)):
        raise CopyRefused(
            _("Tujuan {target} adalah basis data yang sedang dipakai kantor ini.").format(
                target=target.shown
            ),
            code="db_copy.same",
        )
    if target.is_postgresql and not ctx.db.is_sqlite:
        # Said before anything is read: the attachments kept in both databases would otherwise
        # refuse it only after every table had been copied (minutes for a regency).
        raise _refuse_server_to_server()
    pid = running_lock_holder(ctx.paths.lock_file)
    if pid is not None and pid != os.getpid():
        raise CopyRefused(
            _(
                "SmartCity Desktop sedang membuka folder data ini (proses {pid}). Tutup aplikasinya "
                "dulu agar tidak ada perubahan yang tertinggal saat penyalinan."
            ).format(pid=pid),
            code="db_copy.app_open",
        )


def _refuse_server_to_server() -> CopyRefused:
    return CopyRefused(
        _(
            "Menyalin dari satu server PostgreSQL ke server lain dilakukan dengan "
            "pg_dump dan pg_restore, bukan dengan perintah ini."
        ),
        code="db_copy.server_to_server",
    )


def _same_database(target: CopyTarget, path: Path | None, url: URL | None) -> bool:
    if target.path is not None:
        return target.path == path
    assert target.url is not None
    if url is None:
        return False
    return (target.url.host or "localhost", target.url.port or 5432, target.url.database) == (
        url.host or "localhost",
        url.port or 5432,
        url.database,
    )


def _refuse_not_empty(target: CopyTarget, found: dict[str, int]) -> CopyRefused:
    # Tables holding rows first: they say best what the target is (an office, another copy).
    ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(
        f"{name} ({rows} {_('baris')})" if rows >= 0 else name for name, rows in ordered[:6]
    )
    if len(ordered) > 6:
        shown += " " + _("dan {n} tabel lain").format(n=len(ordered) - 6)
    advice = (
        _("Pakai basis data baru yang kosong (CREATE DATABASE …).")
        if target.is_postgresql
        else _("Pakai nama berkas baru, atau pindahkan berkas itu dulu.")
    )
    return CopyRefused(
        _("Tujuan {target} tidak kosong: sudah ada tabel {tables}. Tidak ada yang diubah.").format(
            target=target.shown, tables=shown
        )
        + " "
        + advice,
        code="db_copy.not_empty",
    )


class _Copier:
    def __init__(
        self,
        ctx: AppContext,
        target: CopyTarget,
        source_label: str,
        report: ProgressCallback,
        cancelled: Callable[[], bool] | None,
        batch_size: int,
    ) -> None:
        self.ctx = ctx
        self.target = target
        self.source_label = source_label
        self.report = report
        self.cancelled = cancelled or (lambda: False)
        self.batch_size = batch_size
        self.table: str | None = None

    def run(self) -> list[TableCopy]:
        try:
            with self._source() as source:
                if self.target.is_postgresql:
                    return self._to_postgresql(source)
                return self._to_sqlite(source)
        except KeyboardInterrupt:
            raise
        except UserError:
            raise
        except OperationalError as exc:
            raise self._failure(exc, lost=self.target.is_postgresql) from exc
        except DBAPIError as exc:
            raise self._failure(exc, lost=False) from exc
        except OSError as exc:
            where = self.target.path or self.target.shown
            translated = translate_os_error(exc, where)
            raise (translated or self._failure(exc, lost=False)) from exc
        except ValueError as exc:  # an attachment file that no longer matches its hash
            raise self._failure(exc, lost=False) from exc
        except Exception as exc:
            # COPY runs on the driver's own connection, so its errors come unwrapped.
            driver_error = _driver_error(exc)
            if driver_error is None:
                raise
            raise self._failure(exc, lost=driver_error) from exc

    def _failure(self, exc: BaseException, *, lost: bool) -> CopyFailed:
        detail = _first_line(exc)
        if self.target.path is not None:
            # SQLite's environment failures (disk full, read-only) in the app's own words.
            translated = translate_db_error(exc, self.target.path.parent)
            if translated is not None:
                detail = str(translated).rstrip(".")
        during = (
            _("saat menyalin tabel {table}").format(table=self.table)
            if self.table
            else _("saat menyiapkan tujuan")
        )
        if lost:
            message = _(
                "Sambungan ke {target} terputus atau ditolak {during} ({detail}). Basis data tujuan "
                "dibiarkan kosong dan kantor tetap memakai {source}. Coba lagi setelah server "
                "tersedia."
            )
        else:
            message = _(
                "Penyalinan ke {target} gagal {during}: {detail}. Basis data tujuan dibiarkan "
                "kosong dan kantor tetap memakai {source}."
            )
        return CopyFailed(
            message.format(
                target=self.target.shown, during=during, detail=detail, source=self.source_label
            )
        )

    # -- the source: one read snapshot for the whole copy

    @contextmanager
    def _source(self) -> Iterator[Connection]:
        with self.ctx.db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # A deferred transaction: the first read fixes the snapshot (WAL) until the end.
                connection.exec_driver_sql("BEGIN")
            else:
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
                connection.begin()
            try:
                yield connection
            finally:
                connection.rollback()

    # -- PostgreSQL: everything in one transaction

    def _to_postgresql(self, source: Connection) -> list[TableCopy]:
        engine = _postgresql_engine(self.target)
        try:
            try:
                connection = engine.connect()
            except OperationalError as exc:
                raise CopyRefused(
                    _(
                        "Tidak dapat tersambung ke {target}: {detail}. Periksa alamat server, nama "
                        "pengguna dan kata sandi (di URL, PGPASSWORD atau berkas pgpass)."
                    ).format(target=self.target.shown, detail=_first_line(exc)),
                    code="db_copy.connect",
                ) from exc
            with connection:
                transaction = connection.begin()
                try:
                    found = _tables_found(connection)
                    if found:
                        raise _refuse_not_empty(self.target, found)
                    self._step("schema", _("Membuat skema dengan migrasi Alembic"))
                    _migrate(connection)
                    tables = self._copy_and_verify(source, connection)
                    transaction.commit()
                    return tables
                except BaseException:
                    with contextlib.suppress(Exception):
                        transaction.rollback()
                    raise
        finally:
            engine.dispose()

    # -- SQLite: built under a temporary name, renamed once checked

    def _to_sqlite(self, source: Connection) -> list[TableCopy]:
        final = self.target.path
        assert final is not None
        found = _sqlite_tables_found(final)
        if found:
            raise _refuse_not_empty(self.target, found)
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.parent / f".{final.name}.{secrets.token_hex(6)}.partial"
        engine = create_engine(f"sqlite:///{partial}", future=True)
        event.listen(engine, "connect", _fast_build_pragmas)
        try:
            self._step("schema", _("Membuat skema dengan migrasi Alembic"))
            migrations.upgrade(engine)
            with engine.connect() as connection:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                tables = self._copy_and_verify(source, connection)
                connection.commit()
            engine.dispose()
            fsync_file(partial)
            if _sqlite_tables_found(final):  # made meanwhile by someone else: never overwrite
                raise _refuse_not_empty(self.target, _sqlite_tables_found(final))
            os.replace(partial, final)
            fsync_dir(final.parent)
            return tables
        finally:
            engine.dispose()
            for leftover in (partial, partial.with_name(partial.name + "-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)

    # -- common to both

    def _copy_and_verify(self, source: Connection, target: Connection) -> list[TableCopy]:
        tables = copied_tables()
        totals = {t.name: count_rows(source, t) for t in tables}
        digests: dict[str, TableDigest] = {}
        _suspend_search(target)
        for table in tables:
            self.table = table.name
            total = totals[table.name]
            self._step("copy", _("Menyalin {table}").format(table=table.name), total=total)
            digest = TableDigest(table)
            write = _writer(target, table)
            for rows in read_rows(source, table, self.batch_size):
                write(rows)
                digest.add(rows)
                self._step(
                    "copy",
                    _("Menyalin {table}").format(table=table.name),
                    done=digest.rows,
                    total=max(total, digest.rows),
                )
            digests[table.name] = digest
        self.table = None
        if target.dialect.name == "postgresql":
            _reset_sequences(target)
        blob_sizes = self._attachments(source, target)
        self._step("search", _("Menyusun indeks pencarian"))
        _rebuild_search(target)
        return self._verify(target, digests, blob_sizes)

    def _attachments(self, source: Connection, target: Connection) -> dict[str, int] | None:
        """Move the attachment files where the target keeps them (module db_copy_blobs);
        returns the sizes written into a target database, to be checked, or None."""
        from smartcity_desktop.services import db_copy_blobs as blobs
        from smartcity_desktop.storage.blobs import BlobStore

        into_db, from_db = blobs.holds_blobs(target), blobs.holds_blobs(source)
        if not (into_db or from_db):
            return None
        message = _("Memindahkan berkas lampiran")
        self.table = "attachment"

        def tick(done: int, total: int) -> None:
            self._step("attachments", message, done=done, total=total)

        files = BlobStore(self.ctx.paths.attachments)
        self._step("attachments", message)
        try:
            if from_db and into_db:
                raise _refuse_server_to_server()
            if from_db:
                blobs.database_into_files(source, files, blobs.attachment_hashes(source), tick)
                return None
            return blobs.files_into_database(files, target, blobs.attachment_hashes(target), tick)
        except blobs.MissingFiles as exc:
            raise CopyFailed(
                _(
                    "{n} berkas lampiran tidak ada di folder {folder} (mis. {first}), jadi tidak "
                    "dapat dipindahkan. Pulihkan folder itu dari cadangan, lalu ulangi. Basis data "
                    "tujuan dibiarkan kosong dan kantor tetap memakai {source}."
                ).format(
                    n=len(exc.missing),
                    folder=files.root,
                    first=exc.missing[0],
                    source=self.source_label,
                ),
                code="db_copy.attachments_missing",
            ) from exc
        finally:
            self.table = None

    def _verify(
        self,
        target: Connection,
        digests: dict[str, TableDigest],
        blob_sizes: dict[str, int] | None,
    ) -> list[TableCopy]:
        differences = []
        copied = []
        for name, expected in digests.items():
            self.table = name
            self._step("verify", _("Memeriksa {table}").format(table=name), total=expected.rows)
            got = digest_table(target, expected.table, self.batch_size)
            if got.rows != expected.rows or got.hexdigest != expected.hexdigest:
                differences.append(
                    _("{table} ({source} baris di sumber, {target} di tujuan)").format(
                        table=name, source=expected.rows, target=got.rows
                    )
                    if got.rows != expected.rows
                    else _("{table} (isi berbeda)").format(table=name)
                )
            copied.append(TableCopy(name, got.rows, got.hexdigest))
        self.table = None
        problem = _search_mismatch(target)
        if problem:
            differences.append(problem)
        if blob_sizes is not None:
            from smartcity_desktop.services.db_copy_blobs import database_blob_differences

            def tick(done: int, total: int) -> None:
                self._step("verify", _("Memeriksa berkas lampiran"), done=done, total=total)

            self._step("verify", _("Memeriksa berkas lampiran"), total=len(blob_sizes))
            wrong = database_blob_differences(target, blob_sizes, tick)
            if wrong:
                differences.append(
                    _("berkas lampiran ({n} berbeda, mis. {first})").format(
                        n=len(wrong), first=wrong[0]
                    )
                )
        if differences:
            raise CopyFailed(
                _(
                    "Salinan di {target} tidak sama dengan sumbernya: {tables}. Tujuan dikosongkan "
                    "lagi dan kantor tetap memakai {source}."
                ).format(
                    target=self.target.shown,
                    tables="; ".join(differences),
                    source=self.source_label,
                ),
                code="db_copy.mismatch",
            )
        return copied

    def _step(self, phase: str, message: str, *, done: int = 0, total: int = 0) -> None:
        if self.cancelled():
            raise CopyCancelled(
                _(
                    "Penyalinan dibatalkan. Tujuan dibiarkan kosong; kantor tetap memakai {source}."
                ).format(source=self.source_label)
            )
        self.report(CopyProgress(phase, message, self.table, done, total))


def _driver_error(exc: BaseException) -> bool | None:
    """For an error of psycopg itself: whether the connection was lost (True) or the statement
    refused (False); None for anything else."""
    try:
        import psycopg
    except ImportError:
        return None
    if isinstance(exc, psycopg.OperationalError):
        return True
    if isinstance(exc, psycopg.Error):
        return False
    return None


def _migrate(connection: Connection) -> None:
    """The office's Alembic migrations, run on a connection whose transaction the caller owns
    (Alembic joins a transaction in progress instead of committing its own)."""
    from alembic import command

    config = migrations.alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


# --- engines and inspection -----------------------------------------------------------------


def _postgresql_engine(target: CopyTarget) -> Engine:
    assert target.url is not None
    return db_location.postgresql_engine(target.url)


def _writer(connection: Connection, table: Table) -> Callable[[list[Any]], None]:
    """Insert batches of rows (tuples in column order) as fast as the target takes them: COPY on
    PostgreSQL (row triggers still fire), one executemany on SQLite with SQLAlchemy's own
    conversions of each column (date-times as the text it always stores, booleans as 0/1)."""
    names = [c.name for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'

        def copy(rows: list[Any]) -> None:
            with driver.cursor() as cursor, cursor.copy(statement) as stream:
                for row in rows:
                    stream.write_row(row)

        return copy
    dialect = connection.dialect
    processors = [
        (i, p)
        for i, c in enumerate(table.columns)
        if (p := c.type.bind_processor(dialect)) is not None
    ]
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _n in names)})'

    def insert(rows: list[Any]) -> None:
        params = []
        for row in rows:
            values = list(row)
            for i, process in processors:
                values[i] = process(values[i])
            params.append(tuple(values))
        connection.exec_driver_sql(sql, params)

    return insert


def _fast_build_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The file is a temporary one until it is checked, flushed and renamed: a crash throws it away,
    # so per-commit flushing would only cost time.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _tables_found(connection: Connection) -> dict[str, int]:
    """Our tables already in the target (with their row counts where they can be counted)."""
    names = set(inspect(connection).get_table_names()) & our_table_names()
    found = {}
    for name in names:
        try:
            with connection.begin_nested():
                found[name] = int(
                    connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                )
        except DBAPIError:
            found[name] = -1
    return found


def _sqlite_tables_found(path: Path) -> dict[str, int]:
    """Tables of a SQLite file at ``path``; an absent or zero-length file has none. A file that is
    not SQLite is refused: it is something else, not an empty database."""
    # A journal left beside the name would be replayed into the new file by SQLite: refused too.
    journals = [
        j
        for j in (path.with_name(path.name + s) for s in ("-wal", "-journal", "-shm"))
        if j.exists()
    ]
    if journals:
        raise CopyRefused(
            _(
                "Di samping {target} masih ada {files} dari basis data lain. Pindahkan berkas-berkas "
                "itu bersama basis datanya, lalu ulangi. Tidak ada yang diubah."
            ).format(target=path, files=", ".join(j.name for j in journals)),
            code="db_copy.not_empty",
        )
    try:
        if not path.exists() or path.stat().st_size == 0:
            return {}
        if path.is_dir():
            raise CopyRefused(_("Tujuan {target} adalah folder, bukan berkas.").format(target=path))
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise (translate_os_error(exc, path) or exc) from exc
    if header != b"SQLite format 3\x00":
        raise CopyRefused(
            _(
                "Tujuan {target} sudah ada dan bukan basis data SQLite. Tidak ada yang diubah."
            ).format(target=path),
            code="db_copy.not_empty",
        )
    # immutable: a look that never creates or replays a journal beside the file
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = {}
        for name in names:
            try:
                found[name] = int(
                    connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                )
            except sqlite3.Error:
                found[name] = -1
        return found
    finally:
        connection.close()


def _suspend_search(connection: Connection) -> None:
    """Stop the search triggers for this transaction only: the index is built once at the end
    (``_rebuild_search``), as ``storage.search_index`` does for a bulk import."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_suspended(id) VALUES (1)")
    else:  # migration 0012's triggers read this setting; local to the transaction
        connection.execute(text("SELECT set_config('smartcity.search_suspended', 'on', true)"))


def _rebuild_search(connection: Connection) -> None:
    """Resume the search triggers and index every live record at once, with the target's own
    search objects: SQLite's FTS5 table (migrations 0001 and 0003), or PostgreSQL's
    ``search_doc.document`` through ``smartcity_search_document`` (migration 0012). A server
    database without them has no index to build."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DELETE FROM search_suspended")
        for kind in SEARCHABLE:
            start = connection.exec_driver_sql(
                "SELECT coalesce(max(rowid), 0) FROM search_doc"
            ).scalar_one()
            connection.execute(
                text(
                    f"INSERT INTO search_doc(kind, record_id) SELECT :kind, id FROM {kind} "
                    "WHERE deleted = 0 ORDER BY created_at, id"
                ),
                {"kind": kind},
            )
            connection.execute(
                text(
                    "INSERT INTO record_search(rowid, title, description) "
                    "SELECT d.rowid, t.title, coalesce(t.description, '') FROM search_doc d "
                    f"JOIN {kind} t ON t.id = d.record_id WHERE d.rowid > :start"
                ),
                {"start": start},
            )
        return
    connection.execute(text("SELECT set_config('smartcity.search_suspended', 'off', true)"))
    if not _has_postgresql_search(connection):
        return
    for kind in SEARCHABLE:
        connection.execute(
            text(
                "INSERT INTO search_doc(kind, record_id, document) SELECT :kind, id, "
                f"smartcity_search_document(title, description) FROM {kind} WHERE NOT deleted "
                "ORDER BY created_at, id"
            ),
            {"kind": kind},
        )


def _has_postgresql_search(connection: Connection) -> bool:
    return bool(
        connection.execute(
            text("SELECT to_regprocedure('smartcity_search_document(text, text)') IS NOT NULL")
        ).scalar_one()
    )


def _search_mismatch(connection: Connection) -> str | None:
    """Is every live record in the target's full-text index, and nothing else?"""
    if connection.dialect.name == "sqlite":
        index = "record_search"
    elif _has_postgresql_search(connection):
        index = "search_doc"
    else:
        return None
    live = sum(
        int(connection.execute(text(f"SELECT count(*) FROM {k} WHERE NOT deleted")).scalar_one())
        for k in SEARCHABLE
    )
    indexed = int(connection.execute(text(f"SELECT count(*) FROM {index}")).scalar_one())
    if live == indexed:
        return None
    return _("indeks pencarian ({indexed} dari {live} catatan)").format(indexed=indexed, live=live)


def _reset_sequences(connection: Connection) -> None:
    """Rows came with their ids: move each serial column's sequence past the largest one, or the
    next row the app adds would collide with a copied id."""
    for table in copied_tables():
        key = list(table.primary_key.columns)
        if len(key) != 1:
            continue
        column = key[0]
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar_one()
        if sequence is None:
            continue
        connection.execute(
            text(
                f'SELECT setval(:sequence, coalesce((SELECT max("{column.name}") '
                f'FROM "{table.name}"), 0) + 1, false)'
            ),
            {"sequence": sequence},
        )
