"""Pengaturan, "Basis data": where the data is, and connecting a kabupaten office to PostgreSQL
through the dialog, against a real server (skipped without SMARTCITY_TEST_POSTGRES_URL). The
kabupaten is on the test's backend: on SQLite it moves to a server, on PostgreSQL to another."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

from smartcity_desktop.gui.database_section import ServerDialog
from smartcity_desktop.gui.main_window import Shell
from smartcity_desktop.gui.settings_page import SettingsPage
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.database_choice import saved_choice
from smartcity_desktop.storage import db_secrets
from smartcity_desktop.storage.migrations import head_revision
from tests.gui.test_main_window import make_shell
from tests.keyring_backend import file_keyring, no_keyring
from tests.pg_scratch import fill_as_office, scratch_database

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def page_for(qtbot: Any, ctx: AppContext) -> tuple[SettingsPage, Shell]:
    shell = make_shell(ctx)
    page = SettingsPage(shell)
    qtbot.addWidget(page)
    page.show()
    return page, shell


def open_dialog(page: SettingsPage, qtbot: Any) -> ServerDialog:
    page.database_box.connect_button.click()
    dialog = page.database_box.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: ServerDialog, url: URL) -> None:
    dialog.host.setText(url.host or "")
    dialog.port.setValue(url.port or 5432)
    dialog.database.setText(url.database or "")
    dialog.user.setText(url.username or "")
    dialog.password.setText(url.password or "")


@pytest.fixture
def office_db(kabupaten_ctx: AppContext) -> Iterator[URL]:
    with scratch_database() as url:
        office = kabupaten_ctx.office
        fill_as_office(
            url, code=office.code, role=office.role, name=office.name, revision=head_revision()
        )
        yield url


def test_a_village_is_told_its_data_stays_on_this_pc(qtbot: Any, desa_ctx: AppContext) -> None:
    page, _shell = page_for(qtbot, desa_ctx)
    box = page.database_box
    assert box.title() == "Basis data"
    assert box.form.rowCount() == 2
    shown = box.form.itemAt(1, box.form.ItemRole.FieldRole).widget()
    assert shown.text() == str(desa_ctx.paths.database)  # type: ignore[attr-defined]
    assert "Desa/kelurahan menyimpan datanya di PC ini" in box.note.text()
    assert not box.connect_button.isVisible()
    assert not box.local_button.isVisible()


def test_a_kabupaten_sees_where_its_data_is_and_the_way_to_a_server(
    qtbot: Any, backend: str, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    if backend == "sqlite":
        page, _shell = page_for(qtbot, kabupaten_ctx)
        box = page.database_box
        assert box.connect_button.isVisible()
        assert not box.local_button.isVisible()  # no server saved
        assert "smartcity db copy --to URL" in box.note.text()
        return
    # On a server: its lines, whether the password is kept, and the way back to a local file.
    url = kabupaten_ctx.db.url
    assert url is not None
    bare = f"postgresql+psycopg://{url.username}@{url.host}:{url.port}/{url.database}"
    with file_keyring(tmp_path / "store"):
        db_secrets.save_password(bare, "rahasia")
        page, _shell = page_for(qtbot, kabupaten_ctx)
        box = page.database_box
        shown = [
            box.form.itemAt(row, box.form.ItemRole.FieldRole).widget().text()  # type: ignore[union-attr]
            for row in range(box.form.rowCount())
        ]
        assert shown == ["Server PostgreSQL", url.host, str(url.port), url.database, url.username]
        assert "Kata sandi server tersimpan di PC ini." in box.note.text()
        # The saved choice is the server in use: nothing changes at the next start.
        assert "Setelah aplikasi dibuka kembali" not in box.note.text()
        assert "smartcity db copy" not in box.note.text()
        assert box.connect_button.isVisible() and box.local_button.isVisible()
        # "Hubungkan" starts from the server in use, without its password.
        dialog = open_dialog(page, qtbot)
        assert (dialog.host.text(), dialog.port.value(), dialog.database.text()) == (
            url.host,
            url.port,
            url.database,
        )
        assert dialog.user.text() == url.username
        assert dialog.password.text() == ""
    with no_keyring():
        page, _shell = page_for(qtbot, kabupaten_ctx)
        assert "Kata sandi server tidak tersimpan di PC ini." in page.database_box.note.text()


def test_an_empty_database_cannot_be_saved_and_names_the_copy_command(
    qtbot: Any, kabupaten_ctx: AppContext
) -> None:
    before = saved_choice(kabupaten_ctx.paths)  # None on SQLite, the server on PostgreSQL
    page, _shell = page_for(qtbot, kabupaten_ctx)
    dialog = open_dialog(page, qtbot)
    with scratch_database() as url:
        fill(dialog, url)
        dialog.test_button.click()
        assert "masih kosong" in dialog.result.text()
        bare = f"postgresql+psycopg://{url.username}@{url.host}:{url.port}/{url.database}"
        assert f"smartcity db copy --to {bare}" in dialog.result.text()
        assert not dialog.save_button.isEnabled()
    assert saved_choice(kabupaten_ctx.paths) == before  # nothing saved


def test_wrong_password_is_said_plainly(
    qtbot: Any, kabupaten_ctx: AppContext, office_db: URL
) -> None:
    page, _shell = page_for(qtbot, kabupaten_ctx)
    dialog = open_dialog(page, qtbot)
    fill(dialog, office_db.set(password="salah-sandi"))
    dialog.test_button.click()
    assert "menolak pengguna" in dialog.result.text()
    assert not dialog.save_button.isEnabled()


def test_connecting_to_the_offices_database_saves_it_for_the_next_start(
    qtbot: Any, kabupaten_ctx: AppContext, office_db: URL, tmp_path: Path
) -> None:
    page, shell = page_for(qtbot, kabupaten_ctx)
    with file_keyring(tmp_path / "store"):
        dialog = open_dialog(page, qtbot)
        assert dialog.remember.isVisible() and dialog.remember.isChecked()
        fill(dialog, office_db)
        dialog.test_button.click()
        assert "Siap dipakai" in dialog.result.text()
        assert dialog.save_button.isEnabled()
        # A change after the test asks for a new one.
        dialog.database.setText("lain")
        assert not dialog.save_button.isEnabled()
        dialog.database.setText(office_db.database or "")
        assert dialog.save_button.isEnabled()
        dialog.save_button.click()
        expected = (
            f"postgresql+psycopg://{office_db.username}@{office_db.host}:{office_db.port}/"
            f"{office_db.database}"
        )
        assert db_secrets.stored_password(expected) == office_db.password
    saved = json.loads((kabupaten_ctx.paths.root / "database.json").read_text(encoding="utf-8"))
    assert saved == {"url": expected}
    assert make_url(saved["url"]).password is None
    assert not dialog.isVisible()
    title, text = shell.dialogs.infos[-1]  # type: ignore[attr-defined]
    assert title == "Basis data dipilih"
    assert "buka kembali SmartCity Desktop" in text
    assert "Kata sandi tersimpan" in text
    # The page tells what the next start uses, and offers the way back.
    box = page.database_box
    assert f"Setelah aplikasi dibuka kembali: {expected}." in box.note.text()
    assert box.local_button.isVisible()
    box.local_button.click()
    assert not (kabupaten_ctx.paths.root / "database.json").exists()
    assert not box.local_button.isVisible()


def test_without_a_credential_store_the_dialog_says_the_password_is_asked_each_time(
    qtbot: Any, kabupaten_ctx: AppContext
) -> None:
    page, _shell = page_for(qtbot, kabupaten_ctx)
    with no_keyring():
        dialog = open_dialog(page, qtbot)
    assert not dialog.remember.isVisible()
    assert "tidak dapat disimpan di sini" in dialog.store_note.text()
    assert "ditanyakan setiap kali aplikasi dibuka" in dialog.store_note.text()
