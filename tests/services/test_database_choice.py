"""Pointing a kecamatan or kabupaten office at a PostgreSQL database (Pengaturan "Basis data"),
against a real server: every answer the test connection gives, and what is (not) saved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from smartcity_desktop.errors import UserError
from smartcity_desktop.services import database_choice as choice
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage import db_secrets
from smartcity_desktop.storage.migrations import head_revision
from smartcity_desktop.storage.pg_probe import ProbeState
from tests.conftest import KABUPATEN_CODE
from tests.keyring_backend import file_keyring, no_keyring
from tests.pg_scratch import admin_url, fill_as_office, scratch_database


def settings_of(url: URL) -> choice.ServerSettings:
    return choice.ServerSettings(
        host=url.host or "",
        port=url.port or 5432,
        database=url.database or "",
        user=url.username or "",
    )


@pytest.fixture
def empty_db() -> Iterator[URL]:
    with scratch_database() as url:
        yield url


@pytest.fixture
def office_db(kabupaten_ctx: AppContext) -> Iterator[URL]:
    with scratch_database() as url:
        office = kabupaten_ctx.office
        fill_as_office(
            url, code=office.code, role=office.role, name=office.name, revision=head_revision()
        )
        yield url


def test_an_office_database_is_recognised_with_its_counts(
    kabupaten_ctx: AppContext, office_db: URL
) -> None:
    check = choice.check_connection(settings_of(office_db), office_db.password, KABUPATEN_CODE)
    assert check.usable, check.message
    assert check.probe.state is ProbeState.OFFICE
    assert check.probe.revision == head_revision()
    assert "Terhubung ke PostgreSQL 1" in check.message
    assert kabupaten_ctx.office.name in check.message
    assert "0 permasalahan, 0 potensi, 0 usulan, 0 lampiran" in check.message


def test_an_empty_database_is_refused_with_the_copy_command(
    kabupaten_ctx: AppContext, empty_db: URL
) -> None:
    settings = settings_of(empty_db)
    check = choice.check_connection(settings, empty_db.password, KABUPATEN_CODE)
    assert not check.usable and check.empty
    assert f"smartcity db copy --to {settings.url()}" in check.message
    assert f":{empty_db.password}@" not in check.message
    with pytest.raises(UserError) as refused:
        choice.switch_to_server(kabupaten_ctx, settings, empty_db.password, remember=False)
    assert refused.value.code == "db.empty"
    assert not (kabupaten_ctx.paths.root / "database.json").exists()


def test_wrong_password_missing_database_and_no_server_each_say_so(empty_db: URL) -> None:
    settings = settings_of(empty_db)
    wrong = choice.check_connection(settings, "bukan-sandinya", KABUPATEN_CODE)
    assert wrong.probe.state is ProbeState.AUTH_FAILED
    assert "menolak pengguna" in wrong.message

    missing = choice.ServerSettings(
        settings.host, settings.port, "pgsettings_tidak_ada", settings.user
    )
    gone = choice.check_connection(missing, empty_db.password, KABUPATEN_CODE)
    assert gone.probe.state is ProbeState.DATABASE_MISSING
    assert "pgsettings_tidak_ada tidak ada di server" in gone.message

    closed = choice.ServerSettings("127.0.0.1", 1, settings.database, settings.user)
    nobody = choice.check_connection(closed, empty_db.password, KABUPATEN_CODE)
    assert nobody.probe.state is ProbeState.UNREACHABLE
    assert "tidak dapat dihubungi" in nobody.message


def test_a_newer_schema_asks_for_an_update(kabupaten_ctx: AppContext) -> None:
    with scratch_database() as url:
        office = kabupaten_ctx.office
        fill_as_office(url, code=office.code, role=office.role, name=office.name, revision="9999")
        check = choice.check_connection(settings_of(url), url.password, office.code)
    assert check.probe.state is ProbeState.NEWER
    assert "lebih baru" in check.message and "Perbarui aplikasi" in check.message


def test_another_offices_database_is_refused(kabupaten_ctx: AppContext) -> None:
    with scratch_database() as url:
        fill_as_office(
            url, code="32.17", role="kabupaten", name="Kabupaten Lain", revision=head_revision()
        )
        check = choice.check_connection(settings_of(url), url.password, KABUPATEN_CODE)
    assert not check.usable
    assert "data kantor lain: Kabupaten Lain (32.17)" in check.message


def test_switching_saves_the_url_without_password_and_keeps_the_password(
    kabupaten_ctx: AppContext, office_db: URL, tmp_path: Path
) -> None:
    settings = settings_of(office_db)
    with file_keyring(tmp_path / "store"):
        done = choice.switch_to_server(kabupaten_ctx, settings, office_db.password, remember=True)
        assert done.password_kept
        assert db_secrets.stored_password(settings.url()) == office_db.password
    saved = json.loads((kabupaten_ctx.paths.root / "database.json").read_text(encoding="utf-8"))
    assert saved == {"url": settings.url()}
    assert make_url(saved["url"]).password is None
    assert choice.saved_choice(kabupaten_ctx.paths) == settings.url()
    # Back to the SQLite file on this PC.
    assert choice.switch_to_local_file(kabupaten_ctx) is True
    assert choice.saved_choice(kabupaten_ctx.paths) is None
    assert choice.switch_to_local_file(kabupaten_ctx) is False


def test_switching_without_a_credential_store_keeps_no_password(
    kabupaten_ctx: AppContext, office_db: URL
) -> None:
    with no_keyring():
        done = choice.switch_to_server(
            kabupaten_ctx, settings_of(office_db), office_db.password, remember=True
        )
    assert not done.password_kept and not done.store_available
    saved = json.loads((kabupaten_ctx.paths.root / "database.json").read_text(encoding="utf-8"))
    assert make_url(saved["url"]).password is None


def test_a_village_stays_on_its_own_pc(desa_ctx: AppContext) -> None:
    admin = admin_url()
    with pytest.raises(UserError) as refused:
        choice.switch_to_server(desa_ctx, settings_of(admin), admin.password, remember=False)
    assert refused.value.code == "db.village_local"
    assert not (desa_ctx.paths.root / "database.json").exists()


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        (choice.ServerSettings(" ", 5432, "kab", "analis"), "db.no_host"),
        (choice.ServerSettings("server", 0, "kab", "analis"), "db.port"),
        (choice.ServerSettings("server", 5432, "", "analis"), "db.no_database"),
        (choice.ServerSettings("server", 5432, "kab", ""), "db.no_user"),
    ],
)
def test_missing_fields_are_named(settings: choice.ServerSettings, code: str) -> None:
    with pytest.raises(UserError) as refused:
        choice.check_connection(settings, "x", KABUPATEN_CODE)
    assert refused.value.code == code


def test_status_of_a_sqlite_office(kabupaten_ctx: AppContext) -> None:
    found = choice.status(kabupaten_ctx)
    assert found.location.kind == "sqlite"
    assert found.location.path == kabupaten_ctx.paths.database
    assert found.server_version.startswith("SQLite 3.")
    assert found.revision == head_revision()
    assert found.counts["problem"] == 0
    assert found.saved_choice is None


def test_status_of_an_office_on_postgresql(kabupaten_ctx: AppContext, office_db: URL) -> None:
    from sqlalchemy import create_engine

    from smartcity_desktop.storage.database import Database

    engine = create_engine(office_db)
    ctx = AppContext(paths=kabupaten_ctx.paths, db=Database(Path("-"), engine))
    try:
        found = choice.status(ctx)
    finally:
        ctx.close()
    assert found.location.kind == "postgresql"
    assert (found.location.host, found.location.port) == (office_db.host, office_db.port)
    assert found.location.database == office_db.database
    assert found.location.user == office_db.username
    assert make_url(found.location.url).password is None
    assert found.server_version.startswith("PostgreSQL 1")
    assert found.revision == head_revision()
    assert found.counts == {
        "problem": 0,
        "potential": 0,
        "proposal": 0,
        "attachment": 0,
        "review": 0,
        "bundle_ledger": 0,
    }
