"""Record lists: rows from table_rows, sorting in the model, filters, search, columns, editor."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.gui.main_window import Shell
from smartcity_desktop.gui.record_list import RecordListPage
from smartcity_desktop.gui.record_table_model import (
    COLUMNS,
    DEFAULT_VISIBLE,
    RECORD_ID_ROLE,
    REVIEW_DEFAULT_VISIBLE,
    RecordTableModel,
    parse_visible,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import get_setting
from smartcity_desktop.storage.paths import DataPaths
from tests.gui.test_main_window import make_shell

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PROBLEM = {
    "title": "Jalan desa rusak di RT 03",
    "description": "Jalan tanah berlumpur saat hujan, anak sekolah sulit lewat.",
    "dimension": "living",
    "sub_element": "transportasi",
    "severity": "berat",
}


@pytest.fixture
def sample_ctx(desa_ctx: AppContext) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=80, potentials=20, proposals=30, seed=7))
    return desa_ctx


@pytest.fixture
def page(qtbot: Any, sample_ctx: AppContext) -> RecordListPage:
    widget = RecordListPage(make_shell(sample_ctx), RecordKind.PROBLEM)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def shown_ids(page: RecordListPage) -> list[str]:
    model = page.model
    return [model.index(r, 0).data(RECORD_ID_ROLE) for r in range(model.rowCount())]


def column_texts(page: RecordListPage, name: str) -> list[str]:
    col = page.model.column_of(name)
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def test_lists_every_record_with_labels(page: RecordListPage, sample_ctx: AppContext) -> None:
    assert page.model.rowCount() == 80
    assert page.count.text() == "80 catatan"
    labels = set(ref_list("dimensions").label(c) for c in ref_list("dimensions").codes())
    assert set(column_texts(page, "dimension")) <= labels
    assert set(column_texts(page, "status")) <= {"Draf", "Final"}


def test_sorts_by_any_column(page: RecordListPage) -> None:
    title = page.model.column_of("title")
    page.table.sortByColumn(title, Qt.SortOrder.AscendingOrder)
    titles = column_texts(page, "title")
    assert titles == sorted(titles, key=str.casefold)
    page.table.sortByColumn(title, Qt.SortOrder.DescendingOrder)
    assert column_texts(page, "title") == sorted(titles, key=str.casefold, reverse=True)

    # Reference columns sort by the label the official reads, not by the stored code.
    dimension = page.model.column_of("dimension")
    page.table.sortByColumn(dimension, Qt.SortOrder.AscendingOrder)
    shown = column_texts(page, "dimension")
    assert shown == sorted(shown, key=str.casefold)

    count = page.model.column_of("affected_count")
    page.table.sortByColumn(count, Qt.SortOrder.DescendingOrder)
    raw = [
        page.model.index(r, count).data(Qt.ItemDataRole.UserRole + 2)
        for r in range(page.model.rowCount())
    ]
    present = [v for v in raw if v is not None]
    assert present == sorted(present, reverse=True)
    assert raw[: len(present)] == present  # empty values last


def test_sorting_keeps_the_selected_record(page: RecordListPage) -> None:
    page.table.selectRow(5)
    chosen = page.current_record_id()
    page.table.sortByColumn(page.model.column_of("title"), Qt.SortOrder.AscendingOrder)
    assert page.current_record_id() == chosen


def test_filters_by_dimension_status_and_urusan(
    page: RecordListPage, sample_ctx: AppContext
) -> None:
    service = RecordService(sample_ctx)

    def expected(**kw: str) -> set[str]:
        return {r[0] for r in service.table_rows(RecordKind.PROBLEM, [], ListFilter(**kw))}

    page.dimension.setCurrentIndex(page.dimension.findData("living"))
    assert set(shown_ids(page)) == expected(dimension="living")
    assert 0 < page.model.rowCount() < 80
    assert page.count.text().startswith("Menampilkan ")

    page.status.setCurrentIndex(page.status.findData("final"))
    assert set(shown_ids(page)) == expected(dimension="living", status="final")

    page.dimension.setCurrentIndex(0)
    page.status.setCurrentIndex(0)
    urusan = next(code for code in ref_list("urusan").codes() if expected(urusan=code))
    page.urusan.setCurrentIndex(page.urusan.findData(urusan))
    assert set(shown_ids(page)) == expected(urusan=urusan)

    page.clear_filters()
    assert page.model.rowCount() == 80


def test_search_uses_the_full_text_index(
    qtbot: Any, page: RecordListPage, sample_ctx: AppContext
) -> None:
    service = RecordService(sample_ctx)
    word = column_texts(page, "title")[0].split()[0]
    expected = {i for _k, i in service.search(word, RecordKind.PROBLEM)}
    assert expected
    qtbot.keyClicks(page.search, word)
    qtbot.waitUntil(lambda: set(shown_ids(page)) == expected, timeout=2000)
    page.search.setText("zzzqqq")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=2000)
    assert page.empty.isVisible()
    assert "Tidak ada catatan yang cocok" in page.empty.text()
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 80, timeout=2000)


def test_search_and_filters_combine(
    qtbot: Any, page: RecordListPage, sample_ctx: AppContext
) -> None:
    service = RecordService(sample_ctx)
    word = column_texts(page, "title")[0].split()[0]
    page.dimension.setCurrentIndex(page.dimension.findData("living"))
    page.search.setText(word)
    page.search.returnPressed.emit()  # Enter searches at once, without waiting
    expected = {
        r[0]
        for r in service.table_rows(
            RecordKind.PROBLEM, [], ListFilter(dimension="living", search=word)
        )
    }
    assert set(shown_ids(page)) == expected


def test_columns_are_remembered_across_restart(
    qtbot: Any, page: RecordListPage, sample_ctx: AppContext
) -> None:
    assert page.visible_columns() == list(REVIEW_DEFAULT_VISIBLE[RecordKind.PROBLEM])
    page.set_column_visible("author", True)
    page.set_column_visible("severity", False)
    page.set_column_visible("title", False)  # never hidden
    wanted = page.visible_columns()
    assert "author" in wanted and "severity" not in wanted and "title" in wanted
    assert get_setting(sample_ctx, "list_columns.problem") == ",".join(wanted)

    # A restart: a new context on the same folder, a new page.
    root = sample_ctx.paths.root
    reopened = open_context(DataPaths(root))
    try:
        again = RecordListPage(make_shell(reopened), RecordKind.PROBLEM)
        qtbot.addWidget(again)
        assert again.visible_columns() == wanted
        menu = again.column_menu()
        checked = {a.text() for a in menu.actions() if a.isCheckable() and a.isChecked()}
        assert "Pengisi" in checked and "Tingkat keparahan" not in checked
        again.reset_columns()
        assert again.visible_columns() == list(REVIEW_DEFAULT_VISIBLE[RecordKind.PROBLEM])
        assert get_setting(reopened, "list_columns.problem") == ""
    finally:
        reopened.close()


def test_moved_columns_keep_their_order(
    qtbot: Any, page: RecordListPage, sample_ctx: AppContext
) -> None:
    header = page.table.horizontalHeader()
    status = page.model.column_of("status")
    header.moveSection(header.visualIndex(status), 0)
    assert page.visible_columns()[0] == "status"
    again = RecordListPage(make_shell(sample_ctx), RecordKind.PROBLEM)
    qtbot.addWidget(again)
    assert again.visible_columns()[0] == "status"


def test_parse_visible_drops_unknown_and_keeps_title() -> None:
    assert parse_visible(RecordKind.PROBLEM, "") == list(DEFAULT_VISIBLE[RecordKind.PROBLEM])
    assert parse_visible(RecordKind.PROBLEM, "status,nonsense") == ["title", "status"]


class FakeEditor(QWidget):
    saved = Signal(object)
    closed = Signal()

    def __init__(self, record_id: str | None) -> None:
        super().__init__()
        self.record_id = record_id
        self.close_allowed = True

    def try_close(self) -> bool:
        if self.close_allowed:
            self.closed.emit()
        return self.close_allowed


def fake_factory(made: list[FakeEditor]) -> Any:
    def factory(shell: Shell, kind: RecordKind, record_id: str | None, parent: QWidget) -> QWidget:
        made.append(FakeEditor(record_id))
        return made[-1]

    return factory


def test_enter_or_double_click_opens_the_editor(
    qtbot: Any, page: RecordListPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[FakeEditor] = []
    monkeypatch.setattr(RecordListPage, "editor_factory", staticmethod(fake_factory(made)))
    page.table.setFocus()
    page.table.selectRow(3)
    wanted = page.current_record_id()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert [e.record_id for e in made] == [wanted]
    assert page.stack.currentWidget() is made[0]
    made[0].closed.emit()
    assert page.stack.currentWidget() is page.list_panel
    assert page.editor is None
    assert page.current_record_id() == wanted

    rect = page.table.visualRect(page.model.index(1, 0))
    # A real double-click starts with a press on the same row.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert made[-1].record_id == page.model.record_id(1)


def test_an_open_form_with_unsaved_typing_is_not_dropped(
    page: RecordListPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[FakeEditor] = []
    monkeypatch.setattr(RecordListPage, "editor_factory", staticmethod(fake_factory(made)))
    page.new_record()
    made[0].close_allowed = False  # the official pressed "Batal" in the editor's question
    page.open_record(page.model.record_id(0))
    assert len(made) == 1 and page.stack.currentWidget() is made[0]
    assert not page.can_close()
    made[0].close_allowed = True
    assert page.can_close()
    assert page.editor is None


def test_saving_in_the_editor_refreshes_and_selects(
    qtbot: Any, page: RecordListPage, sample_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[FakeEditor] = []
    monkeypatch.setattr(RecordListPage, "editor_factory", staticmethod(fake_factory(made)))
    seen: list[Any] = []
    page.shell.hub.changed.connect(seen.append)
    page.new_record()
    change = RecordService(sample_ctx).create(RecordKind.PROBLEM, PROBLEM)
    made[0].saved.emit(change)
    assert seen == [change]
    assert page.model.rowCount() == 81
    made[0].closed.emit()
    assert page.current_record_id() == change.ids[0]


def test_changes_to_other_kinds_do_not_reload(page: RecordListPage, sample_ctx: AppContext) -> None:
    loads = page._load_generation
    page.shell.hub.publish(
        RecordService(sample_ctx).create(
            RecordKind.POTENTIAL,
            {
                "title": "Tambak bandeng",
                "description": "40 ha tambak.",
                "potential_type": "alam",
                "dimension": "economy",
            },
        )
    )
    assert page._load_generation == loads


def test_new_record_opens_the_real_editor(qtbot: Any, page: RecordListPage) -> None:
    editor = page.open_record(None)
    assert editor is not None and type(editor).__name__ == "RecordEditor"
    assert page.stack.currentWidget() is editor
    assert page.can_close()  # nothing typed: closes without a question
    assert page.stack.currentWidget() is page.list_panel


def test_empty_list_explains_what_to_do(qtbot: Any, desa_ctx: AppContext) -> None:
    empty = RecordListPage(make_shell(desa_ctx), RecordKind.PROPOSAL)
    qtbot.addWidget(empty)
    empty.show()
    assert empty.empty.isVisible()
    assert "Belum ada usulan inovasi" in empty.empty.text()
    assert not empty.table.isVisible()


def test_model_without_a_view() -> None:
    model = RecordTableModel(RecordKind.POTENTIAL)
    names = model.query_columns()
    assert names == [c.name for c in COLUMNS[RecordKind.POTENTIAL]]
    assert model.rowCount() == 0 and model.record_id(0) is None
    assert model.data(QModelIndex()) is None
