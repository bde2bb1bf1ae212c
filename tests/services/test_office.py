from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.crypto.keys import (
    BadKeyFileError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import (
    InitError,
    active_key_row,
    init_office,
    is_initialised,
    office_fingerprint,
    unlock_key,
)
from smartcity_desktop.storage.errors import ReadOnlyError
from smartcity_desktop.storage.models import OfficeKey
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import DESA_CODE, PASSPHRASE

pytestmark = pytest.mark.postgres_ready


def test_init_records_identity_and_an_encrypted_key(desa_ctx: AppContext) -> None:
    office = desa_ctx.office
    assert (office.code, office.role, office.name) == (DESA_CODE, "desa", "Desa Sagara Makmur")
    sealed = desa_ctx.paths.database.read_bytes()
    signing = unlock_key(desa_ctx, PASSPHRASE)
    raw_private = signing._private.private_bytes_raw()
    assert raw_private not in sealed  # never stored in clear
    assert office_fingerprint(desa_ctx) == signing.public.fingerprint


def test_a_wrong_passphrase_gets_a_clear_message(desa_ctx: AppContext) -> None:
    with pytest.raises(WrongPassphraseError) as err:
        unlock_key(desa_ctx, "bukan-kata-sandinya")
    assert "Kata sandi salah" in str(err.value)


@pytest.mark.parametrize(
    ("role", "code", "error_code"),
    [
        ("desa", "32.16.01.9999", "init.unknown_office"),
        ("desa", "99.99.99.2001", "init.unknown_office"),
        ("desa", "32.16.01", "init.wrong_level"),
        ("kecamatan", "32.16.01.2001", "init.wrong_level"),
        ("kabupaten", "32.16.01", "init.wrong_level"),
        ("provinsi", "32", "init.unknown_role"),
    ],
)
def test_unknown_or_wrong_level_codes_are_refused(
    tmp_path: Path, role: str, code: str, error_code: str
) -> None:
    paths = DataPaths(tmp_path / "data")
    with pytest.raises(InitError) as err:
        init_office(paths, role=role, office_code=code, operator="Siti", passphrase=PASSPHRASE)
    assert err.value.code == error_code
    assert not paths.root.exists()


def test_a_too_short_passphrase_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    with pytest.raises(WeakPassphraseError) as err:
        init_office(paths, role="desa", office_code=DESA_CODE, operator="Siti", passphrase="pendek")
    assert "minimal 10" in str(err.value)
    assert not paths.root.exists()


def test_init_twice_is_refused_and_changes_nothing(desa_paths: DataPaths) -> None:
    before = desa_paths.database.read_bytes()
    with pytest.raises(InitError) as err:
        init_office(
            desa_paths,
            role="kecamatan",
            office_code="32.16.02",
            operator="X",
            passphrase=PASSPHRASE,
        )
    assert err.value.code == "init.already"
    assert desa_paths.database.read_bytes() == before
    assert is_initialised(desa_paths)


def test_a_kabupaten_also_gets_a_root_key(kabupaten_ctx: AppContext) -> None:
    root = unlock_key(kabupaten_ctx, PASSPHRASE, purpose="root")
    office = unlock_key(kabupaten_ctx, PASSPHRASE)
    assert root.public.raw != office.public.raw


def test_a_read_only_data_folder_is_reported(read_only_dir: Path) -> None:
    paths = DataPaths(read_only_dir / "data")
    with pytest.raises(ReadOnlyError) as err:
        init_office(
            paths, role="desa", office_code=DESA_CODE, operator="Siti", passphrase=PASSPHRASE
        )
    assert "tidak dapat ditulisi" in str(err.value)
    assert list(read_only_dir.iterdir()) == []


def test_an_uninitialised_folder_says_how_to_start(tmp_path: Path) -> None:
    from smartcity_desktop.storage.errors import NotInitialisedError

    with pytest.raises(NotInitialisedError) as err:
        open_context(DataPaths(tmp_path))
    assert "smartcity init" in str(err.value)


def _key_record(ctx: AppContext) -> bytes:
    with ctx.db.session() as session:
        row = session.get(OfficeKey, active_key_row(ctx).key_id)
        assert row is not None
        return row.sealed_private_key


def _store_key_record(ctx: AppContext, sealed: bytes) -> None:
    with ctx.db.transaction() as session:
        row = session.get(OfficeKey, active_key_row(ctx).key_id)
        assert row is not None
        row.sealed_private_key = sealed


def test_an_older_key_is_sealed_again_on_the_next_unlock(desa_ctx: AppContext) -> None:
    from tests.crypto.test_sealed_keys import legacy_seal, needs_reseal

    key = unlock_key(desa_ctx, PASSPHRASE)
    _store_key_record(desa_ctx, legacy_seal(key, PASSPHRASE))
    assert needs_reseal(_key_record(desa_ctx))

    with pytest.raises(WrongPassphraseError):  # a wrong passphrase changes nothing
        unlock_key(desa_ctx, "bukan-kata-sandinya")
    assert needs_reseal(_key_record(desa_ctx))

    assert unlock_key(desa_ctx, PASSPHRASE).public == key.public
    record = _key_record(desa_ctx)
    assert not needs_reseal(record)
    assert json.loads(record)["kdf"]["n"] >= 2**17
    assert unlock_key(desa_ctx, PASSPHRASE).public == key.public
    assert _key_record(desa_ctx) == record  # sealed once, not on every unlock


def test_a_tampered_cost_in_the_office_key_is_refused(desa_ctx: AppContext) -> None:
    doc = json.loads(_key_record(desa_ctx))
    doc["kdf"]["n"] = 2
    _store_key_record(desa_ctx, json.dumps(doc).encode())
    with pytest.raises(BadKeyFileError):
        unlock_key(desa_ctx, PASSPHRASE)
