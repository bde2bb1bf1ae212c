"""At start, an office on a PostgreSQL server whose password this PC does not know: the password
is asked, used for the run, and kept (when asked) once the server accepted it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui import app
from smartcity_desktop.gui.server_password import ServerPasswordDialog
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.database_choice import opened
from smartcity_desktop.storage import db_secrets
from smartcity_desktop.storage.paths import DataPaths
from tests.keyring_backend import file_keyring

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def answer(password: str, remember: bool) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ServerPasswordDialog)
        dialog.password.setText(password)
        dialog.remember.setChecked(remember)
        dialog.ok_button.click()

    QTimer.singleShot(0, fill)


def test_the_password_is_asked_at_start_and_kept_once_accepted(
    qapp: Any,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    kabupaten_paths: DataPaths,
    tmp_path: Path,
) -> None:
    if backend != "postgresql":
        assert app.ask_server_password(kabupaten_paths, UserError("x", code="other")) is None
        return
    url = json.loads((kabupaten_paths.root / "database.json").read_text("utf-8"))["url"]
    password = os.environ["PGPASSWORD"]
    monkeypatch.delenv("PGPASSWORD")
    with file_keyring(tmp_path / "store"):
        try:
            with pytest.raises(UserError) as refused:
                open_context(kabupaten_paths)
            assert refused.value.code == app.SERVER_LOGIN_CODE

            answer("salah", remember=True)
            assert app.ask_server_password(kabupaten_paths, refused.value) is True
            with pytest.raises(UserError):
                open_context(kabupaten_paths)
            assert db_secrets.stored_password(url) is None  # a refused password is not kept

            answer(password, remember=True)
            assert app.ask_server_password(kabupaten_paths, refused.value) is True
            ctx = open_context(kabupaten_paths)
            try:
                assert opened(ctx) is True
            finally:
                ctx.close()
            assert db_secrets.stored_password(url) == password
        finally:
            db_secrets.forget_for_this_run(url)
