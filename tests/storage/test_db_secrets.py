"""The database password in the OS credential store, through keyring's real API (a file backend
in the test's folder stands in for the desktop's store), and the plain refusal where there is none."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from smartcity_desktop.errors import UserError
from smartcity_desktop.storage import db_secrets
from tests.keyring_backend import file_keyring, no_keyring

URL = "postgresql+psycopg://analis@db.kabupaten.local:5433/smartcity_kab"


def test_the_key_names_user_server_port_and_database() -> None:
    assert db_secrets.credential_key(URL) == "analis@db.kabupaten.local:5433/smartcity_kab"
    assert (
        db_secrets.credential_key("postgresql+psycopg://analis@server/kab")
        == "analis@server:5432/kab"
    )


def test_save_read_and_forget_a_password(tmp_path: Path) -> None:
    with file_keyring(tmp_path) as backend:
        assert db_secrets.store_available()
        assert db_secrets.stored_password(URL) is None
        db_secrets.save_password(URL, "rahasia server 1")
        # Kept by the store itself, under the app's service name and the user@host:port/db key.
        assert (
            keyring.get_password(db_secrets.SERVICE, "analis@db.kabupaten.local:5433/smartcity_kab")
            == "rahasia server 1"
        )
        assert backend.get_password(db_secrets.SERVICE, db_secrets.credential_key(URL))
        assert db_secrets.stored_password(URL) == "rahasia server 1"
        assert db_secrets.password_for(URL) == "rahasia server 1"
        db_secrets.save_password(URL, "yang baru")
        assert db_secrets.stored_password(URL) == "yang baru"
        assert db_secrets.forget_password(URL) is True
        assert db_secrets.stored_password(URL) is None
        assert db_secrets.forget_password(URL) is False


def test_another_database_on_the_same_server_has_its_own_password(tmp_path: Path) -> None:
    other = "postgresql+psycopg://analis@db.kabupaten.local:5433/arsip"
    with file_keyring(tmp_path):
        db_secrets.save_password(URL, "satu")
        db_secrets.save_password(other, "dua")
        assert db_secrets.stored_password(URL) == "satu"
        assert db_secrets.stored_password(other) == "dua"


def test_a_password_written_in_the_url_wins_and_is_not_saved(tmp_path: Path) -> None:
    with file_keyring(tmp_path):
        db_secrets.save_password(URL, "tersimpan")
        given = (
            "postgresql+psycopg://analis:dari-baris-perintah@db.kabupaten.local:5433/smartcity_kab"
        )
        assert db_secrets.password_for(given) == "dari-baris-perintah"
        assert db_secrets.stored_password(URL) == "tersimpan"


def test_a_password_typed_at_start_serves_this_run_only(tmp_path: Path) -> None:
    with no_keyring():
        db_secrets.use_for_this_run(URL, "diketik saat mulai")
        try:
            assert db_secrets.password_for(URL) == "diketik saat mulai"
            assert db_secrets.stored_password(URL) is None  # nothing kept
        finally:
            db_secrets.forget_for_this_run(URL)
        assert db_secrets.password_for(URL) is None


def test_a_password_typed_to_keep_is_kept_only_once_the_server_accepted_it(
    tmp_path: Path,
) -> None:
    with file_keyring(tmp_path):
        db_secrets.save_password(URL, "yang lama dan benar")
        db_secrets.use_for_this_run(URL, "salah ketik", keep=True)
        try:
            assert db_secrets.password_for(URL) == "salah ketik"
            assert db_secrets.stored_password(URL) == "yang lama dan benar"
            db_secrets.use_for_this_run(URL, "yang baru", keep=True)  # asked again
            assert db_secrets.accepted(URL) is True
            assert db_secrets.stored_password(URL) == "yang baru"
            assert db_secrets.accepted(URL) is False  # once
        finally:
            db_secrets.forget_for_this_run(URL)


def test_the_url_saved_or_shown_never_carries_the_password() -> None:
    shown = db_secrets.without_password(
        "postgresql+psycopg://analis:s3cret@db.kabupaten.local:5433/smartcity_kab"
    )
    assert shown == URL
    assert "s3cret" not in shown and "***" not in shown


def test_without_a_credential_store_saving_is_refused_plainly() -> None:
    with no_keyring():
        assert not db_secrets.store_available()
        with pytest.raises(UserError) as refused:
            db_secrets.save_password(URL, "rahasia")
        assert refused.value.code == "db.no_secret_store"
        assert "tidak dapat disimpan di PC ini" in refused.value.message
        assert "ditanyakan setiap kali" in refused.value.message
        # Reading and forgetting are harmless: nothing is kept, libpq may still find one.
        assert db_secrets.stored_password(URL) is None
        assert db_secrets.password_for(URL) is None
        assert db_secrets.forget_password(URL) is False


def test_a_plain_text_file_store_is_not_taken_for_a_credential_store(tmp_path: Path) -> None:
    """keyrings.alt's plain-text file, installed on a PC without a desktop store, would be
    keyring's pick there; the password would lie in the clear in the user's folder."""
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    with no_keyring(plain):
        assert not db_secrets.store_available()
        with pytest.raises(UserError):
            db_secrets.save_password(URL, "rahasia")
    assert not (tmp_path / "keyring_pass.cfg").exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("sqlite:///smartcity.sqlite", "db.not_postgresql"),
        ("postgresql+psycopg://server/kab", "db.incomplete_url"),
        ("postgresql+psycopg://analis@server", "db.incomplete_url"),
        ("bukan alamat", "db.bad_url"),
    ],
)
def test_a_url_that_is_not_a_complete_postgresql_one_is_refused(url: str, code: str) -> None:
    with pytest.raises(UserError) as refused:
        db_secrets.credential_key(url)
    assert refused.value.code == code
