"""Terima Data: a kecamatan that pinned a desa's key checks, plans and imports its bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from smartcity_desktop.gui.bundle_pages.models import OutcomeModel
from smartcity_desktop.gui.bundle_pages.receive_page import ReceivePage
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, ledger, pending_counts
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.gui.bundle_pages.conftest import FakeDialogs, make_shell

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def bundle(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> Path:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=2, seed=11))
    out = tmp_path / "usb"
    out.mkdir()
    pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    return export_bundle(desa_ctx, PASSPHRASE, out).paths[0]


def _page(qtbot: QtBot, ctx: AppContext, dialogs: FakeDialogs) -> tuple[ReceivePage, list[Change]]:
    shell = make_shell(ctx, dialogs)
    changes: list[Change] = []
    shell.hub.changed.connect(changes.append)
    page = ReceivePage(shell, dialogs)
    qtbot.addWidget(page)
    return page, changes


def test_check_then_import(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    page, changes = _page(qtbot, kecamatan_ctx, dialogs)
    assert page.ledger.rowCount() == 0
    dialogs.files_answer = [bundle]
    page.choose_files()

    text = page.results.text()
    assert "Sah, siap diimpor" in text
    assert "dipercaya lokal" in text
    assert DESA_CODE in text and "Sagara Makmur" in text
    model = page.outcomes
    assert model.rowCount() == 7
    actions = {model.data(model.index(r, OutcomeModel.ACTION)) for r in range(model.rowCount())}
    assert actions == {"baru"}
    assert page.import_button.isEnabled()
    assert ledger(kecamatan_ctx) == []  # checking writes nothing

    page.start_import()
    assert not dialogs.errors
    assert "Diimpor" in page.results.text()
    assert "Buka tanda terima" in page.results.text()
    [report] = page.imported
    assert report.receipt is not None and report.receipt.is_file()
    assert page.receipt_button.isVisibleTo(page)
    problems = RecordService(kecamatan_ctx).records(
        "problem", ListFilter(status="final", office_code=DESA_CODE)
    )
    assert len(problems) == 3
    assert page.ledger.rowCount() == 1
    row = page.ledger.row(0)
    assert row["sender"] == DESA_CODE and row["sequence"] == 1
    assert "dipercaya lokal" in page.ledger.data(page.ledger.index(0, page.ledger.TRUST))
    assert any(c.action is Action.IMPORTED and c.touches("problem") for c in changes)
    assert not page.import_button.isEnabled()


def test_same_file_again_is_already_imported(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    page, _changes = _page(qtbot, kecamatan_ctx, dialogs)
    page.check_files([bundle])
    page.start_import()
    page.check_files([bundle])
    assert "Sudah pernah diimpor" in page.results.text()
    assert not page.import_button.isEnabled()


def test_tampered_file_is_refused(
    qtbot: QtBot, kecamatan_ctx: AppContext, dialogs: FakeDialogs, bundle: Path, tmp_path: Path
) -> None:
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "rusak.scb"
    bad.write_bytes(bytes(data))
    page, _changes = _page(qtbot, kecamatan_ctx, dialogs)
    page.check_files([bad])
    text = page.results.text()
    assert "Ditolak" in text
    assert "rusak.scb" in text
    assert "–" in text  # at least one problem listed under it
    assert page.outcomes.rowCount() == 0
    assert not page.import_button.isEnabled()
    assert ledger(kecamatan_ctx) == []


def test_unknown_office_is_refused_in_indonesian(
    qtbot: QtBot, kabupaten_ctx: AppContext, dialogs: FakeDialogs, bundle: Path
) -> None:
    page, _changes = _page(qtbot, kabupaten_ctx, dialogs)  # the kabupaten never pinned the desa
    page.check_files([bundle])
    assert "Ditolak" in page.results.text()
    assert not page.import_button.isEnabled()


def test_receive_page_at_every_office_a_desa_for_feedback(
    qtbot: QtBot, desa_ctx: AppContext, kecamatan_ctx: AppContext, dialogs: FakeDialogs
) -> None:
    desa = MainWindow(make_shell(desa_ctx, dialogs))
    kecamatan = MainWindow(make_shell(kecamatan_ctx, dialogs))
    qtbot.addWidget(desa)
    qtbot.addWidget(kecamatan)
    desa_keys = [s.key for s in desa.specs]
    assert {"send", "keys", "receive"} <= set(desa_keys)  # a desa receives feedback
    assert {"send", "receive", "keys"} <= {s.key for s in kecamatan.specs}
    assert isinstance(kecamatan.show_page("receive"), ReceivePage)
    assert pending_counts(kecamatan_ctx)["problem"] == 0
