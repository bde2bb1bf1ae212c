"""Shared fixtures: real data folders with real SQLite databases and real keys.

Initialising an office loads the whole national region list (about a second), so each office role is
initialised once per test session into a template folder and copied for every test that needs it.

Backends: ``kecamatan_ctx``, ``kabupaten_ctx`` and ``backend`` run on SQLite, and also on PostgreSQL
when SMARTCITY_TEST_POSTGRES_URL names a server (an admin URL) and the test module is marked
``pytestmark = pytest.mark.postgres_ready``. On PostgreSQL each test gets its own database, cloned
from a template made once per session per role (tests/postgres_support.py), and dropped after it.
A desa stays on SQLite.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.storage.location import DATABASE_FILE
from smartcity_desktop.storage.paths import DataPaths
from tests import postgres_support

PASSPHRASE = "rahasia-desa-2026"
DESA_CODE = "32.16.01.2001"  # Sagara Makmur, Tarumajaya
KECAMATAN_CODE = "32.16.01"
KABUPATEN_CODE = "32.16"

OFFICES = {
    "desa": DESA_CODE,
    "kecamatan": KECAMATAN_CODE,
    "kabupaten": KABUPATEN_CODE,
}


@pytest.fixture(autouse=True)
def _indonesian_by_default() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SMARTCITY_DATA_DIR",
        "SMARTCITY_PASSPHRASE",
        "SMARTCITY_LANG",
        "SMARTCITY_DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _scrypt_results_remembered() -> Iterator[None]:
    """Unlocking a key costs scrypt at N=2^17 (about 0.4 s); the tests unlock the same few template
    keys (same passphrase, same salt) hundreds of times. scrypt is a pure function, so its results
    are remembered for the session: every test still derives, seals and unlocks for real, with
    production's parameters, but pays each distinct derivation once. Subprocess runs of the CLI
    pay in full. Production code is not changed or configured by this."""
    from smartcity_desktop.crypto import keys

    remembered = functools.lru_cache(maxsize=256)(keys._derive)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys, "_derive", remembered)
        yield


@pytest.fixture(scope="session")
def office_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("office-templates")
    templates: dict[str, Path] = {}
    for role, code in OFFICES.items():
        folder = root / role
        init_office(
            DataPaths(folder),
            role=role,
            office_code=code,
            operator="Operator Uji",
            passphrase=PASSPHRASE,
        )
        templates[role] = folder
    return templates


def copy_office(templates: dict[str, Path], role: str, target: Path) -> DataPaths:
    shutil.copytree(templates[role], target)
    return DataPaths(target)


@pytest.fixture
def desa_paths(office_templates: dict[str, Path], tmp_path: Path) -> DataPaths:
    return copy_office(office_templates, "desa", tmp_path / "desa")


@pytest.fixture
def desa_ctx(desa_paths: DataPaths) -> Iterator[AppContext]:
    ctx = open_context(desa_paths)
    yield ctx
    ctx.close()


BACKENDS = ("sqlite", "postgresql")
POSTGRES_READY = "postgres_ready"
# A test whose setup is SQLite's own (ATTACH, a trigger that fakes a full disk) stays on SQLite.
SQLITE_ONLY = "sqlite_only"
# =1: every module runs on PostgreSQL too, marked or not (to see which are ready).
POSTGRES_SURVEY_ENV = "SMARTCITY_TEST_POSTGRES_ALL"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{POSTGRES_READY}: the module's backend-parametrised tests also run on PostgreSQL",
    )
    config.addinivalue_line(
        "markers", f"{SQLITE_ONLY}(reason): this test runs on SQLite only, whatever its module says"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use ``backend`` (directly or through an office fixture) run once per backend;
    PostgreSQL only when a server is given, for a module marked postgres_ready (or for every
    module with SMARTCITY_TEST_POSTGRES_ALL=1). With SQLite
    alone nothing is parametrised, so test names stay as they were."""
    if "backend" not in metafunc.fixturenames:
        return
    if postgres_support.admin_url() is None:
        return
    if metafunc.definition.get_closest_marker(SQLITE_ONLY) is not None:
        return
    if (
        metafunc.definition.get_closest_marker(POSTGRES_READY) is None
        and os.environ.get(POSTGRES_SURVEY_ENV) != "1"
    ):
        return
    metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgresql": where the office fixtures of this test keep their database."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[postgres_support.Databases]:
    if postgres_support.admin_url() is None:
        pytest.skip(f"{postgres_support.ADMIN_URL_ENV} is not set: no PostgreSQL server to use")
    databases = postgres_support.Databases()
    databases.drop_abandoned()
    try:
        yield databases
    finally:
        databases.drop_mine()


@dataclass
class PostgresTemplates:
    """A kecamatan and a kabupaten office initialised on the server once per session, each made
    when first needed (a session that needs only one pays only for it)."""

    databases: postgres_support.Databases
    root: Path
    made: dict[str, tuple[Path, str]]  # role -> (data folder without a SQLite file, database)

    def template(self, role: str) -> tuple[Path, str]:
        if role not in self.made:
            name = self.databases.create(f"tpl_{role}")
            folder = self.root / role
            init_office(
                DataPaths(folder),
                role=role,
                office_code=OFFICES[role],
                operator="Operator Uji",
                passphrase=PASSPHRASE,
                database_url=postgres_support.database_url(name),
            )
            self.made[role] = (folder, name)
        return self.made[role]


@pytest.fixture(scope="session")
def postgres_templates(
    postgres_databases: postgres_support.Databases, tmp_path_factory: pytest.TempPathFactory
) -> PostgresTemplates:
    return PostgresTemplates(postgres_databases, tmp_path_factory.mktemp("postgres-templates"), {})


def postgres_office(
    request: pytest.FixtureRequest, role: str, target: Path, monkeypatch: pytest.MonkeyPatch
) -> DataPaths:
    """A data folder whose database.json points at a fresh clone of the role's template database
    (dropped after the test). The password reaches libpq through PGPASSWORD, as an analyst's
    would through pgpass: database.json never holds one."""
    from sqlalchemy.engine import make_url

    templates: PostgresTemplates = request.getfixturevalue("postgres_templates")
    folder, template = templates.template(role)
    name = templates.databases.create(role, template=template)
    request.addfinalizer(lambda: templates.databases.drop_later(name))
    shutil.copytree(folder, target)
    url = make_url(postgres_support.database_url(name))
    if url.password:
        monkeypatch.setenv("PGPASSWORD", url.password)
    (target / DATABASE_FILE).write_text(
        json.dumps({"url": _without_password(url)}),
        encoding="utf-8",
    )
    return DataPaths(target)


def _without_password(url: Any) -> str:
    from sqlalchemy.engine import URL

    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database)
    return bare.render_as_string(hide_password=False)


def office_paths(
    request: pytest.FixtureRequest, backend: str, role: str, target: Path
) -> DataPaths:
    if backend == "postgresql":
        monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
        return postgres_office(request, role, target, monkeypatch)
    templates: dict[str, Path] = request.getfixturevalue("office_templates")
    return copy_office(templates, role, target)


@dataclass
class KnownOnPostgres:
    """The known data sets of the tests (built once per session on SQLite, through the real
    offices and bundles) moved to the server: each office folder of a set is copied into a
    template database by the product's own ``db copy`` once per session, and each test gets a
    clone of it."""

    databases: postgres_support.Databases
    root: Path
    made: dict[Path, str]  # a session template's office folder -> its template database

    def clone(self, source: Path) -> str:
        """A new database (dropped after the session) holding the office at ``source``."""
        from smartcity_desktop.services.db_copy import copy_office_database

        if source not in self.made:
            name = self.databases.create("tpl_known")
            folder = self.root / str(len(self.made))
            shutil.copytree(source, folder, ignore=shutil.ignore_patterns("backups"))
            ctx = open_context(DataPaths(folder))
            try:
                copy_office_database(ctx, postgres_support.database_url(name))
            finally:
                ctx.close()
            self.made[source] = name
        return self.databases.create("known", template=self.made[source])


@pytest.fixture(scope="session")
def known_on_postgres(
    postgres_databases: postgres_support.Databases, tmp_path_factory: pytest.TempPathFactory
) -> KnownOnPostgres:
    return KnownOnPostgres(postgres_databases, tmp_path_factory.mktemp("known-on-postgres"), {})


def known_database_url(request: pytest.FixtureRequest, backend: str, source: Path) -> str | None:
    """For a test on PostgreSQL, the URL of a fresh database holding what the office folder
    ``source`` (of a session's known data set) holds; None on SQLite."""
    if backend != "postgresql":
        return None
    known: KnownOnPostgres = request.getfixturevalue("known_on_postgres")
    name = known.clone(source)
    request.addfinalizer(lambda: known.databases.drop_later(name))
    return postgres_support.database_url(name)


def known_office_on_backend(
    request: pytest.FixtureRequest, backend: str, source: Path, target: Path
) -> None:
    """``target``, a copy of the known office folder ``source``, keeps its database on the test's
    backend: on PostgreSQL its database.json names a clone and its SQLite file is gone."""
    from sqlalchemy.engine import make_url

    found = known_database_url(request, backend, source)
    if found is None:
        return
    url = make_url(found)
    if url.password:
        monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("PGPASSWORD", url.password)
    (target / DATABASE_FILE).write_text(
        json.dumps({"url": _without_password(url)}), encoding="utf-8"
    )
    for leftover in target.glob(DataPaths(target).database.name + "*"):
        leftover.unlink()


@pytest.fixture
def kecamatan_paths(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> DataPaths:
    return office_paths(request, backend, "kecamatan", tmp_path / "kecamatan")


@pytest.fixture
def kabupaten_paths(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> DataPaths:
    return office_paths(request, backend, "kabupaten", tmp_path / "kabupaten")


@pytest.fixture
def kecamatan_ctx(kecamatan_paths: DataPaths) -> Iterator[AppContext]:
    ctx = open_context(kecamatan_paths)
    yield ctx
    ctx.close()


@pytest.fixture
def kabupaten_ctx(kabupaten_paths: DataPaths) -> Iterator[AppContext]:
    ctx = open_context(kabupaten_paths)
    yield ctx
    ctx.close()


def _mount_tmpfs(folder: Path, options: str) -> bool:
    import subprocess

    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _umount(folder: Path) -> None:
    import subprocess

    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to: a read-only tmpfs when running as root, else chmod 555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "ro,size=1m"):
        pytest.skip("cannot make a read-only folder as root here (mount refused)")
    try:
        yield folder
    finally:
        _umount(folder)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, nearly full file system (tmpfs of 16 MiB) for disk-full tests; root only."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or not _mount_tmpfs(folder, "size=16m"):
        pytest.skip("needs root and tmpfs to make a small disk")
    try:
        yield folder
    finally:
        _umount(folder)
