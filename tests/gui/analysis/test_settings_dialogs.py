"""The settings dialogs of the proposal views, with real widgets offscreen on a real office."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from smartcity_desktop.gui.analysis.settings_dialogs import (
    CriteriaDialog,
    CrosswalkDialog,
    WeightsDialog,
    has_settings,
    open_settings,
)
from smartcity_desktop.services.analysis.crosswalk import CrosswalkRow, crosswalk_rows
from smartcity_desktop.services.analysis.view_settings import (
    QuickWinCriteria,
    quick_win_criteria,
    ranking_weights,
)
from smartcity_desktop.services.context import AppContext
from tests.gui.test_main_window import make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def kab(kabupaten_ctx: AppContext) -> AppContext:
    """A new kabupaten office on the test's backend."""
    return kabupaten_ctx


def test_weights_dialog_saves_and_refuses_all_zero(qtbot: Any, kab: AppContext) -> None:
    shell = make_shell(kab)
    dialog = WeightsDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.spins["jangkauan"].value() == 20
    assert dialog.shares["jangkauan"].text() == "20 % dari skor"
    dialog.spins["keparahan"].setValue(60)
    assert dialog.shares["keparahan"].text() == "43 % dari skor"  # 60 of 140
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.changed
    assert ranking_weights(kab)["keparahan"] == 60

    dialog = WeightsDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.spins["keparahan"].value() == 60
    for spin in dialog.spins.values():
        spin.setValue(0)
    dialog.save_button.click()
    assert not dialog.changed
    assert "Semua bobot bernilai 0" in str(shell.dialogs.errors[-1])  # type: ignore[attr-defined]
    assert ranking_weights(kab)["keparahan"] == 60
    dialog.defaults_button.click()
    assert dialog.spins["keparahan"].value() == 20
    assert dialog.spins["jangkauan"].minimum() == 0  # a negative weight cannot be typed


def test_criteria_dialog_round_trips_the_stored_criteria(qtbot: Any, kab: AppContext) -> None:
    shell = make_shell(kab)
    dialog = CriteriaDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.cost.value() == 200_000_000 and dialog.days.value() == 365
    dialog.level.setCurrentIndex(dialog.level.findData("sedang"))
    dialog.verified.setChecked(False)
    dialog.cost.setValue(0)
    dialog.days.setValue(90)
    assert dialog.cost.text() == "tanpa batas"
    dialog.save_button.click()
    assert dialog.changed
    assert quick_win_criteria(kab) == QuickWinCriteria("sedang", False, 0, 90, True)
    dialog = CriteriaDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.level.currentData() == "sedang" and dialog.days.value() == 90
    dialog.defaults_button.click()
    dialog.save_button.click()
    assert quick_win_criteria(kab) == QuickWinCriteria()


def test_crosswalk_dialog_edits_imports_and_refuses_bad_rows(
    qtbot: Any, kab: AppContext, tmp_path: Path
) -> None:
    shell = make_shell(kab)
    dialog = CrosswalkDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    dialog.add_row()
    for column, text in enumerate(["1.03", "", "Dinas PUPR", "1.03.10", "Program Jalan"]):
        dialog.table.item(0, column).setText(text)
    dialog.add_row()
    dialog.table.item(1, 0).setText("9.99")  # unknown urusan, no programme
    dialog.save_button.click()
    error = str(shell.dialogs.errors[-1])  # type: ignore[attr-defined]
    assert "Baris 2, kolom urusan: kode urusan 9.99 tidak dikenal" in error
    assert "Baris 2, kolom kode_program" in error
    assert crosswalk_rows(kab) == [] and not dialog.changed
    dialog.table.selectRow(1)
    dialog.remove_button.click()
    dialog.save_button.click()
    assert dialog.changed
    assert crosswalk_rows(kab) == [
        CrosswalkRow("1.03", "", "Dinas PUPR", "1.03.10", "Program Jalan")
    ]

    dialog = CrosswalkDialog(shell)
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 2).text() == "Dinas PUPR"
    bad = tmp_path / "rusak.csv"
    bad.write_text("urusan,opd\n1.03,x\n", encoding="utf-8")
    dialog.import_file(bad)
    assert "yang belum ada: sub_elemen, kode_program, nama_program" in str(
        shell.dialogs.errors[-1]  # type: ignore[attr-defined]
    )
    assert not dialog.changed and len(crosswalk_rows(kab)) == 1
    good = tmp_path / "padanan.csv"
    good.write_text(
        "urusan,sub_elemen,opd,kode_program,nama_program\n"
        "2.11,sampah_limbah,,2.11.05,Program Persampahan\n1.02,,,1.02.01,Program Kesehatan\n",
        encoding="utf-8",
    )
    dialog.import_file(good)
    assert dialog.changed and dialog.table.rowCount() == 2
    assert dialog.count.text() == "2 baris"
    assert shell.dialogs.infos[-1][1] == (  # type: ignore[attr-defined]
        "Tabel padanan RPJMD diganti: 2 baris dari padanan.csv."
    )
    assert [r.programme_code for r in crosswalk_rows(kab)] == ["1.02.01", "2.11.05"]


def test_open_settings_opens_the_dialog_of_each_view(qtbot: Any, kab: AppContext) -> None:
    shell = make_shell(kab)
    assert has_settings("peringkat-usulan") and not has_settings("matriks-permasalahan")
    assert open_settings(shell, "matriks-permasalahan", None) is False
    seen: list[str] = []

    def answer(save: bool) -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        seen.append(dialog.windowTitle())
        button = dialog.save_button if save else dialog.cancel_button  # type: ignore[attr-defined]
        button.click()

    QTimer.singleShot(0, lambda: answer(False))
    assert open_settings(shell, "peringkat-usulan", None) is False
    QTimer.singleShot(0, lambda: answer(True))
    assert open_settings(shell, "kandidat-quick-win", None) is True
    QTimer.singleShot(0, lambda: answer(False))
    assert open_settings(shell, "keselarasan-urusan-opd-rpjmd", None) is False
    assert seen == [
        "Bobot Peringkat usulan",
        "Kriteria Kandidat quick win",
        "Tabel padanan program RPJMD",
    ]
