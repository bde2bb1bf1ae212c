"""Smoke test of the frozen (PyInstaller) build: resources, translations and migrations are found.

Runs only when ``SMARTCITY_FROZEN_APP`` names a built folder (``installer/build.sh`` makes
``dist/SmartCityDesktop``) or an installed copy (``/opt/smartcity-desktop`` from the .deb);
``.ci/run`` sets it for both. ``SMARTCITY_FROZEN_BIN`` names the folder the commands are started
from when that is another one (``/usr/bin``, whose links lead into the installed copy). Each command
runs in a fresh data folder, as a person would run the installed app.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FROZEN = os.environ.get("SMARTCITY_FROZEN_APP")
FROZEN_BIN = os.environ.get("SMARTCITY_FROZEN_BIN")
pytestmark = pytest.mark.skipif(not FROZEN, reason="SMARTCITY_FROZEN_APP not set (no frozen build)")

PASSPHRASE = "kata-sandi-uji-beku"
EXE = ".exe" if sys.platform == "win32" else ""


def app_dir() -> Path:
    assert FROZEN
    return Path(FROZEN)


def bin_dir() -> Path:
    return Path(FROZEN_BIN) if FROZEN_BIN else app_dir()


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCITY_", "PYTHON"))}


def run(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = clean_env()
    env.update(SMARTCITY_DATA_DIR=str(data_dir), SMARTCITY_PASSPHRASE=PASSPHRASE)
    return subprocess.run(
        [str(bin_dir() / f"smartcity{EXE}"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("frozen") / "data"
    result = run(data, "init", "--role", "desa", "--office", "32.16.01.2001", "--operator", "X")
    assert result.returncode == 0, result.stderr
    assert "Sagara Makmur" in result.stdout  # the bundled region list was read
    return data


def test_version() -> None:
    from smartcity_desktop import __version__

    result = run(Path(os.devnull), "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"smartcity {__version__}"


def test_help_in_english_reads_the_bundled_catalog(tmp_path: Path) -> None:
    result = run(tmp_path, "--lang", "en", "--help")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_init_ran_the_bundled_migrations(office: Path) -> None:
    versions = app_dir() / "_internal/smartcity_desktop/storage/migrations/versions"
    head = sorted(p.name[:4] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    with sqlite3.connect(office / "smartcity.sqlite") as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == head
    for folder in ("attachments", "backups", "logs", "exports"):
        assert (office / folder).is_dir(), folder


def test_sample_data_and_stats(office: Path) -> None:
    result = run(office, "sample-data")
    assert result.returncode == 0, result.stderr
    result = run(office, "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["office"] == "32.16.01.2001"
    assert stats["records"] == {"problem": 20, "potential": 10, "proposal": 20}


def test_search_and_backup(office: Path) -> None:
    result = run(office, "search", "banjir", "--json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    result = run(office, "backup")
    assert result.returncode == 0, result.stderr
    assert list((office / "backups").glob("smartcity-*.sqlite"))


def test_refusal_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path / "never-initialised", "stats")
    assert result.returncode == 1
    assert "smartcity init" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert run(tmp_path, "no-such-command").returncode == 2


def portable_copy(target: Path) -> Path:
    """The frozen folder copied (hard links where the file system allows) as onto a USB stick."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(app_dir(), target, symlinks=True, copy_function=link_or_copy)
    return target


def test_portable_mode_keeps_the_data_beside_the_app(tmp_path: Path) -> None:
    app = portable_copy(tmp_path / "FLASHDISK" / "SmartCityDesktop")
    (app / "portable.txt").write_text("", encoding="utf-8")
    home = tmp_path / "home"  # where the user-data folder would be, were the marker not read
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCITY_", "PYTHON"))}
    env.update(
        SMARTCITY_PASSPHRASE=PASSPHRASE,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "share"),
        LOCALAPPDATA=str(home / "local"),
    )

    def run_portable(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(app / f"smartcity{EXE}"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    result = run_portable("init", "--role", "desa", "--office", "32.16.01.2001", "--operator", "X")
    assert result.returncode == 0, result.stderr
    data = (app / "data").resolve()
    assert (data / "smartcity.sqlite").is_file()
    assert f"Folder data: {data}" in result.stdout
    assert "Mode portabel" in result.stdout
    result = run_portable("stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["portable"] is True and stats["data_dir"] == str(data)
    assert not home.exists() or not list(home.rglob("smartcity.sqlite"))


def launch_gui(*args: str, **env_extra: str) -> subprocess.Popen[str]:
    env = clean_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(env_extra)
    return subprocess.Popen(
        [str(bin_dir() / f"smartcity-desktop{EXE}"), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_gui(*args: str, seconds: float = 10, **env_extra: str) -> tuple[int | None, str]:
    """Run the windowed app offscreen; returncode None means it was still running (and killed)."""
    proc = launch_gui(*args, **env_extra)
    try:
        out, err = proc.communicate(timeout=seconds)
        return proc.returncode, out + err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out + err


def test_gui_starts_offscreen(office: Path, tmp_path: Path) -> None:
    if not (app_dir() / f"smartcity-desktop{EXE}").exists():
        pytest.skip("the build has no GUI executable (smartcity_desktop.gui.app not written yet)")
    assert list((app_dir() / "_internal").rglob("*qoffscreen*")), "offscreen plugin missing"

    code, output = start_gui("--help")
    assert code == 0, output
    assert "smartcity-desktop" in output

    # An initialised office opens the main window; the app then waits for the user.
    code, output = start_gui("--data-dir", str(office))
    assert code is None, f"the desktop app exited ({code}):\n{output}"
    assert "Traceback" not in output, output
    log = (office / "logs" / "smartcity.log").read_text(encoding="utf-8")
    assert "desktop started" in log

    # An empty folder opens the first-run wizard and leaves the folder untouched.
    code, output = start_gui("--data-dir", str(tmp_path / "new"))
    assert code is None, f"the desktop app exited ({code}):\n{output}"
    assert "Traceback" not in output, output
    assert not (tmp_path / "new" / "smartcity.sqlite").exists()


def test_a_bundle_given_on_the_command_line_opens_and_a_second_start_hands_it_over(
    office: Path, tmp_path: Path
) -> None:
    if not (bin_dir() / f"smartcity-desktop{EXE}").exists():
        pytest.skip("the build has no GUI executable")
    bundle = tmp_path / "desa.scb"
    result = run(office, "export", "--full", "--out", str(bundle))
    assert result.returncode == 0, result.stderr
    log = office / "logs" / "smartcity.log"

    # As a double-click runs it: the window opens on Terima Data with the file; this mode ends
    # the app once the start-up work (the check of the bundle included) is done.
    code, output = start_gui(
        "--data-dir", str(office), str(bundle), seconds=60, SMARTCITY_EXIT_AFTER_START="loaded"
    )
    assert code == 0, output
    assert "opening 1 file(s) given from outside" in log.read_text(encoding="utf-8")

    # The window is open: a second start hands the file over (QtNetwork's local socket) and ends.
    started = log.read_text(encoding="utf-8").count("desktop started")
    first = launch_gui("--data-dir", str(office))
    try:
        deadline = time.monotonic() + 90
        while log.read_text(encoding="utf-8").count("desktop started") == started:
            assert first.poll() is None, "the first window ended"
            assert time.monotonic() < deadline, "the first window never started"
            time.sleep(0.5)
        code, output = start_gui("--data-dir", str(office), str(bundle), seconds=60)
        assert code == 0, output
        assert first.poll() is None, "the first window ended"
        # The window answers before it logs (a message box it opens must not keep the new start
        # waiting): allow it a moment.
        deadline = time.monotonic() + 10
        while "a second start handed over 1 file(s)" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the window never logged the hand-over"
            time.sleep(0.2)
    finally:
        first.kill()
        first.communicate()


@pytest.fixture
def server_database() -> Iterator[str]:
    """A fresh, empty database on SMARTCITY_TEST_POSTGRES_URL's server (dropped afterwards)."""
    from tests import postgres_support

    if not postgres_support.admin_url():
        pytest.skip("SMARTCITY_TEST_POSTGRES_URL not set (no PostgreSQL server)")
    databases = postgres_support.Databases()
    name = databases.create("frozen")
    try:
        yield postgres_support.database_url(name)
    finally:
        databases.drop(name)


def test_a_kabupaten_office_on_a_postgresql_server(server_database: str, tmp_path: Path) -> None:
    """The frozen app carries psycopg, its libpq and SQLAlchemy's postgresql dialect."""
    data = tmp_path / "kabupaten"
    url = ("--database-url", server_database)
    result = run(data, *url, "init", "--role", "kabupaten", "--office", "32.16", "--operator", "X")
    assert result.returncode == 0, result.stderr
    assert not (data / "smartcity.sqlite").exists()
    result = run(data, *url, "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["office"] == "32.16"
    # A server that cannot be reached is named in the message, not shown as a traceback.
    from sqlalchemy.engine import make_url

    closed = make_url(server_database).set(host="127.0.0.1", port=1)
    result = run(data, "--database-url", closed.render_as_string(hide_password=False), "stats")
    assert result.returncode == 1
    assert "127.0.0.1:1" in result.stderr and "Traceback" not in result.stderr
