"""``smartcity db status`` on an office opened from its database.json, on SQLite and on a real
PostgreSQL server; on the server the password comes from the OS credential store (PGPASSWORD
unset), through storage/location.py's password_for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from smartcity_desktop.cli.main import main
from smartcity_desktop.storage import db_secrets
from smartcity_desktop.storage.migrations import head_revision
from smartcity_desktop.storage.paths import DataPaths
from tests.keyring_backend import file_keyring

pytestmark = pytest.mark.postgres_ready


def test_db_status_where_the_office_is(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    kabupaten_paths: DataPaths,
    tmp_path: Path,
) -> None:
    with file_keyring(tmp_path / "store"):
        if backend == "postgresql":
            saved = json.loads((kabupaten_paths.root / "database.json").read_text("utf-8"))["url"]
            import os

            db_secrets.save_password(saved, os.environ["PGPASSWORD"])
            monkeypatch.delenv("PGPASSWORD")
        code = main(["--data-dir", str(kabupaten_paths.root), "db", "status", "--json"])
        out, err = capsys.readouterr()
    assert code == 0, err
    shown = json.loads(out)
    assert shown["schema_revision"] == head_revision()
    assert shown["office"]["role"] == "kabupaten"
    if backend == "postgresql":
        assert shown["kind"] == "postgresql"
        assert shown["server_version"].startswith("PostgreSQL ")
        assert shown["database"] == make_url(saved).database
        assert shown["password_kept"] is True
        assert set(shown["counts"]) >= {"problem", "potential", "proposal", "attachment"}
    else:
        assert shown["kind"] == "sqlite"
        assert shown["path"] == str(kabupaten_paths.database)
