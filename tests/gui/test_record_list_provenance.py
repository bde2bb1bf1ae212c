"""Record lists and record views above the village: owning desa and kecamatan by name, filters by
kecamatan and desa, the trust mark, the provenance panel, and received records read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms import RecordEditor
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.gui.record_table_model import RECORD_ID_ROLE, REVIEW_COLUMNS
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from tests.gui.test_main_window import make_shell
from tests.services.test_provenance import (  # noqa: F401 - fixtures
    add_problem,
    bunibakti,
    more_desa_templates,
    segarajaya,
    send,
)

pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def make_page(qtbot: Any, ctx: AppContext) -> RecordListPage:
    page = RecordListPage(make_shell(ctx), RecordKind.PROBLEM)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def texts(page: RecordListPage, name: str) -> list[str]:
    col = page.model.column_of(name)
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def titles(page: RecordListPage) -> set[str]:
    return set(texts(page, "title"))


@pytest.fixture
def kecamatan_with_villages(
    desa_ctx: AppContext,
    segarajaya: AppContext,  # noqa: F811 - a fixture
    kecamatan_ctx: AppContext,
    tmp_path: Path,
) -> AppContext:
    for title in ("Jalan desa berlubang", "Sumur warga kering", "Sampah di saluran"):
        add_problem(desa_ctx, title)
    for title in ("Banjir rob di pesisir", "Abrasi pantai"):
        add_problem(segarajaya, title)
    add_problem(kecamatan_ctx, "Catatan kantor kecamatan")
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "sagara.scb")
    send(segarajaya, kecamatan_ctx, tmp_path / "out", "segara.scb")
    return kecamatan_ctx


def test_a_kecamatan_list_names_each_records_desa_and_kecamatan(
    qtbot: Any, kecamatan_with_villages: AppContext
) -> None:
    page = make_page(qtbot, kecamatan_with_villages)
    assert page.model.rowCount() == 6
    shown = page.visible_columns()
    assert shown[:3] == ["title", "origin_desa", "origin_kecamatan"]
    assert "trust_level" in shown
    headers = [
        page.model.headerData(page.model.column_of(n), Qt.Orientation.Horizontal) for n in shown
    ]
    assert "Desa/Kelurahan" in headers and "Kecamatan" in headers and "Kepercayaan" in headers
    by_title = dict(zip(texts(page, "title"), texts(page, "origin_desa"), strict=True))
    assert by_title["Jalan desa berlubang"] == "Desa Sagara Makmur"
    assert by_title["Abrasi pantai"] == "Desa Segarajaya"
    assert by_title["Catatan kantor kecamatan"] == ""  # the kecamatan's own record
    # The header says "Kecamatan"; the cell holds the bare name, the tooltip the full one.
    assert set(texts(page, "origin_kecamatan")) == {"Tarumajaya"}
    kec = page.model.index(0, page.model.column_of("origin_kecamatan"))
    assert kec.data(Qt.ItemDataRole.ToolTipRole) == "Kecamatan Tarumajaya (32.16.01)"
    trust = dict(zip(texts(page, "title"), texts(page, "trust_level"), strict=True))
    assert trust["Banjir rob di pesisir"] == "⚠ dipercaya lokal"
    assert trust["Catatan kantor kecamatan"] == ""
    index = page.model.index(0, page.model.column_of("trust_level"))
    received = next(
        page.model.index(r, index.column())
        for r in range(page.model.rowCount())
        if page.model.index(r, index.column()).data()
    )
    assert "dipercaya lokal" in received.data(Qt.ItemDataRole.ToolTipRole)

    # Sorting the desa column sorts by the names the official reads.
    page.table.sortByColumn(page.model.column_of("origin_desa"), Qt.SortOrder.AscendingOrder)
    assert texts(page, "origin_desa") == ["Desa Sagara Makmur"] * 3 + ["Desa Segarajaya"] * 2 + [""]


def test_a_kecamatan_filters_by_desa_only(qtbot: Any, kecamatan_with_villages: AppContext) -> None:
    page = make_page(qtbot, kecamatan_with_villages)
    assert page.kecamatan_filter is None and page.desa_filter is not None
    desa = page.desa_filter
    assert desa.isEnabled()
    choices = [desa.itemText(i) for i in range(desa.count())]
    assert choices[0] == "Semua desa" and "Desa Segarajaya" in choices
    desa.setCurrentIndex(desa.findData("32.16.01.2002"))
    assert titles(page) == {"Banjir rob di pesisir", "Abrasi pantai"}
    assert page.count.text() == "Menampilkan 2 dari 6 catatan"
    desa.setCurrentIndex(desa.findData("32.16.01.2003"))  # a village that sent nothing
    assert page.model.rowCount() == 0
    page.clear_filters()
    assert page.model.rowCount() == 6 and desa.currentIndex() == 0


def test_a_kabupaten_filters_by_kecamatan_then_desa(
    qtbot: Any,
    desa_ctx: AppContext,
    bunibakti: AppContext,  # noqa: F811 - a fixture
    kabupaten_ctx: AppContext,
    tmp_path: Path,
) -> None:
    add_problem(desa_ctx, "Jalan desa berlubang")
    add_problem(bunibakti, "Irigasi sawah rusak")
    add_problem(bunibakti, "Jembatan bambu lapuk")
    send(desa_ctx, kabupaten_ctx, tmp_path / "out", "sagara.scb")
    send(bunibakti, kabupaten_ctx, tmp_path / "out", "bunibakti.scb")
    page = make_page(qtbot, kabupaten_ctx)
    assert set(texts(page, "origin_kecamatan")) == {"Tarumajaya", "Babelan"}
    kecamatan, desa = page.kecamatan_filter, page.desa_filter
    assert kecamatan is not None and desa is not None
    assert not desa.isEnabled()  # a desa is chosen within a kecamatan

    kecamatan.setCurrentIndex(kecamatan.findData("32.16.02"))
    assert titles(page) == {"Irigasi sawah rusak", "Jembatan bambu lapuk"}
    assert desa.isEnabled()
    desa_codes = [desa.itemData(i) for i in range(1, desa.count())]
    assert "32.16.02.2001" in desa_codes
    assert all(code.startswith("32.16.02.") for code in desa_codes)
    desa.setCurrentIndex(desa.findData("32.16.02.2002"))
    assert page.model.rowCount() == 0
    desa.setCurrentIndex(desa.findData("32.16.02.2001"))
    assert page.model.rowCount() == 2

    # Another kecamatan forgets the desa chosen in the first.
    kecamatan.setCurrentIndex(kecamatan.findData("32.16.01"))
    assert titles(page) == {"Jalan desa berlubang"} and desa.currentIndex() == 0


def test_a_desa_list_is_unchanged(qtbot: Any, desa_ctx: AppContext) -> None:
    add_problem(desa_ctx, "Jalan desa berlubang")
    page = make_page(qtbot, desa_ctx)
    # A desa's own list: no origin columns, and its own "Hasil verifikasi" next to the title.
    assert page.model.columns == REVIEW_COLUMNS[RecordKind.PROBLEM]
    assert page.origin_filters == [] and page.places is None
    assert "origin_desa" not in page.visible_columns()


def open_by_title(page: RecordListPage, title: str) -> RecordEditor:
    row = texts(page, "title").index(title)
    record_id = page.model.index(row, 0).data(RECORD_ID_ROLE)
    editor = page.open_record(record_id)
    assert isinstance(editor, RecordEditor)
    return editor


def test_a_received_record_opens_read_only_with_its_provenance(
    qtbot: Any, kecamatan_with_villages: AppContext
) -> None:
    page = make_page(qtbot, kecamatan_with_villages)
    editor = open_by_title(page, "Abrasi pantai")
    assert editor.read_only
    assert not editor.save_button.isVisible() and not editor.delete_button.isVisible()
    title = editor.rows["title"].widget.focus_target()
    assert isinstance(title, QLineEdit) and title.isReadOnly()
    assert not editor.rows["dimension"].widget.focus_target().isEnabled()
    # Typing changes nothing, and nothing can be saved.
    qtbot.keyClicks(title, "xyz")
    assert title.text() == "Abrasi pantai"
    assert not editor.save()
    assert "Desa Segarajaya (32.16.01.2002)" in editor.readonly_text.text()

    panel = editor.provenance_panel
    assert panel is not None and panel.isVisible()
    assert panel.title() == "Asal data"
    assert panel.owner.text() == "Desa Segarajaya, Kecamatan Tarumajaya (kode 32.16.01.2002)"
    assert panel.trust.text() == "⚠ dipercaya lokal"
    [row] = panel.bundle_rows()
    sequence, _created, received, via, trust, content = row
    assert sequence == "1" and via == "langsung" and trust == "⚠ dipercaya lokal"
    assert content == "revisi ini (revisi 1)"
    assert received  # a date, in the official's own clock
    assert not panel.note.isVisible()


def test_an_own_record_at_the_kecamatan_has_no_provenance_panel(
    qtbot: Any, kecamatan_with_villages: AppContext
) -> None:
    page = make_page(qtbot, kecamatan_with_villages)
    editor = open_by_title(page, "Catatan kantor kecamatan")
    assert not editor.read_only and editor.provenance_panel is None


def test_a_revised_record_lists_the_bundle_of_each_revision(
    qtbot: Any, desa_ctx: AppContext, kecamatan_with_villages: AppContext, tmp_path: Path
) -> None:
    service = RecordService(desa_ctx)
    record = next(
        r for r in service.records(RecordKind.PROBLEM) if r.values["title"] == "Sumur warga kering"
    )
    service.update(
        RecordKind.PROBLEM, record.id, {**record.values, "title": "Sumur warga kering total"}
    )
    send(desa_ctx, kecamatan_with_villages, tmp_path / "out", "sagara-2.scb")
    page = make_page(qtbot, kecamatan_with_villages)
    editor = open_by_title(page, "Sumur warga kering total")
    panel = editor.provenance_panel
    assert panel is not None
    rows = panel.bundle_rows()
    assert [(r[0], r[5]) for r in rows] == [
        ("2", "revisi ini (revisi 2)"),
        ("1", "paket sebelumnya dari pengirim ini"),
    ]
    assert panel.note.isVisibleTo(panel) and "Revisi yang lebih lama" in panel.note.text()
