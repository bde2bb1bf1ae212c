"""Restore from Pengaturan and from the start-up recovery dialog; the retention setting; the daily
backup after start."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui import app
from smartcity_desktop.gui.backup_list import PATH_ROLE
from smartcity_desktop.gui.main_window import Shell
from smartcity_desktop.gui.recovery_dialog import RecoveryDialog
from smartcity_desktop.gui.settings_page import SettingsPage
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.backups import back_up_now, backup_entries, retention_of
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import get_settings
from smartcity_desktop.storage.paths import DataPaths
from tests.gui.test_main_window import FakeDialogs, make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class AskingDialogs(FakeDialogs):
    def __init__(self, answer: bool) -> None:
        super().__init__()
        self.confirm_answer = answer
        self.questions: list[str] = []

    def confirm(self, parent: Any, title: str, text: str, yes: str, no: str) -> bool:
        self.questions.append(text)
        return self.confirm_answer


def problems_in(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute("SELECT count(*) FROM problem WHERE deleted = 0").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def shell(desa_ctx: AppContext) -> Shell:
    return make_shell(desa_ctx)


def make_page(qtbot: Any, shell: Shell) -> SettingsPage:
    page = SettingsPage(shell)
    qtbot.addWidget(page)
    page.show()
    return page


def select_backup(page_list: Any, name: str) -> None:
    for row in range(page_list.count()):
        if name in str(page_list.item(row).data(PATH_ROLE)):
            page_list.setCurrentRow(row)
            return
    raise AssertionError(name)


@pytest.mark.parametrize("answer", [True, False])
def test_the_restore_button_shows_what_the_backup_holds_then_restores(
    qtbot: Any, desa_ctx: AppContext, answer: bool
) -> None:
    generate(desa_ctx, SampleRequest(problems=3, potentials=1, proposals=2))
    backup = back_up_now(desa_ctx)
    generate(desa_ctx, SampleRequest(problems=4, potentials=0, proposals=0, seed=5))
    dialogs = AskingDialogs(answer)
    shell = make_shell(desa_ctx)
    shell.dialogs = dialogs  # type: ignore[assignment]
    page = make_page(qtbot, shell)
    assert not page.restore_button.isEnabled()  # nothing chosen yet
    select_backup(page.backups, backup.name)
    assert page.restore_button.isEnabled()
    page.restore_button.click()
    [question] = dialogs.questions
    assert backup.name in question and "Desa Sagara Makmur" in question
    assert "Permasalahan: 3" in question and "Usulan inovasi: 2" in question
    if not answer:
        assert problems_in(desa_ctx.paths.database) == 7
        assert not list(desa_ctx.paths.root.glob("smartcity-before-restore-*"))
        assert page.isVisible()
        return
    assert problems_in(desa_ctx.paths.database) == 3
    [aside] = desa_ctx.paths.root.glob("smartcity-before-restore-*.sqlite")
    assert problems_in(aside) == 7
    assert dialogs.errors == []
    [(title, text)] = dialogs.infos
    assert title == "Data dipulihkan" and aside.name in text
    assert not page.isVisible()  # the app closes, to be opened on the restored data


def test_retention_is_set_in_pengaturan(qtbot: Any, shell: Shell) -> None:
    page = make_page(qtbot, shell)
    assert page.keep_count.value() == 14 and page.keep_days.value() == 60
    page.keep_count.setValue(5)
    page.keep_days.setValue(0)
    assert page.keep_days.text() == "tanpa batas umur"
    # saved on its own shortly after the last change, without "Simpan pengaturan"
    qtbot.waitUntil(lambda: get_settings(shell.ctx)["backup.keep_days"] == "0", timeout=3000)
    assert page.backup_status.text() == "Aturan penyimpanan cadangan tersimpan."
    values = get_settings(shell.ctx)
    assert (values["backup.keep_count"], values["backup.keep_days"]) == ("5", "0")
    assert retention_of(shell.ctx).keep_count == 5
    again = make_page(qtbot, shell)
    assert again.keep_count.value() == 5 and again.keep_days.value() == 0


def test_the_recovery_dialog_restores_without_opening_the_damaged_file(
    qtbot: Any, desa_paths: DataPaths
) -> None:
    ctx = open_context(desa_paths)
    backup = back_up_now(ctx)
    ctx.close()
    with desa_paths.database.open("r+b") as fh:
        fh.write(b"\0" * 100)
    dialogs = AskingDialogs(True)
    dialog = RecoveryDialog(desa_paths, SyncTaskRunner(), dialogs, "Basis data rusak.")
    qtbot.addWidget(dialog)
    assert dialog.backups.selected_backup() == backup  # the newest is chosen
    dialog.backups.restore_button.click()
    assert dialog.result_ is not None and dialog.result() == 1
    ctx = open_context(desa_paths)  # the restored database opens
    ctx.close()
    assert list(desa_paths.root.glob("smartcity-before-restore-*.sqlite"))


def test_the_desktop_makes_a_daily_backup_after_start(qtbot: Any, desa_ctx: AppContext) -> None:
    shell = make_shell(desa_ctx)
    before = len(backup_entries(desa_ctx.paths.backups))
    app.check_database_in_background(shell)
    entries = backup_entries(desa_ctx.paths.backups)
    assert len(entries) == before + 1 and entries[0].reason == "daily"
    app.check_database_in_background(shell)  # not again the same day
    assert len(backup_entries(desa_ctx.paths.backups)) == before + 1


def test_a_restore_from_the_command_line_waits_for_the_desktop_to_close(
    desa_paths: DataPaths,
) -> None:
    import subprocess
    import sys

    from smartcity_desktop.services.backups import RestoreError, restore_backup

    ctx = open_context(desa_paths)
    backup = back_up_now(ctx)
    ctx.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from PySide6.QtCore import QLockFile; "
            "lock = QLockFile(sys.argv[1]); lock.setStaleLockTime(0); "
            "print(lock.tryLock(0), flush=True); time.sleep(60)",
            str(desa_paths.lock_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        with pytest.raises(RestoreError) as err:
            restore_backup(desa_paths, backup)
        assert err.value.code == "restore.app_open" and "Tutup" in str(err.value)
    finally:
        holder.kill()
        holder.wait()
    assert restore_backup(desa_paths, backup).kept_aside is not None
