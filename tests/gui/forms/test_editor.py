"""The record editor: building from FIELDS, saving, finalising, revisions, deleting, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import Status
from smartcity_desktop.gui.forms.dialogs import CloseChoice
from smartcity_desktop.gui.forms.field_widgets import LinksField, MoneyField, SubElementField
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext, OfficeInfo
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.errors import disk_full

from .conftest import OFFSCREEN_NOISE, EditorFactory

pytestmark = OFFSCREEN_NOISE

COMPLETE: dict[RecordKind, dict[str, Any]] = {
    RecordKind.PROBLEM: {
        "title": "Jalan desa rusak di Dusun Krajan",
        "description": "Jalan tanah berlubang dan tergenang saat hujan.",
        "causes": "Drainase tidak ada.",
        "dimension": "living",
        "sub_element": "transportasi",
        "urusan": "1.03",
        "location_detail": "RT 02/RW 05",
        "latitude": -6.1234,
        "longitude": 107.0567,
        "since_date": "2023-11-01",
        "affected_count": 1250,
        "affected_unit": None,
        "severity": "berat",
        "info_source": None,
    },
    RecordKind.POTENTIAL: {
        "title": "Tambak bandeng",
        "description": "40 ha tambak dikelola kelompok.",
        "potential_type": "alam",
        "dimension": "economy",
        "sub_element": "industri",
        "magnitude": "40 ha tambak",
    },
    RecordKind.PROPOSAL: {
        "title": "Bank sampah digital",
        "description": "Pencatatan setoran sampah lewat aplikasi.",
        "dimension": "environment",
        "sub_element": "sampah_limbah",
        "opd": "Dinas Lingkungan Hidup",
        "beneficiaries": "Warga RW 03",
        "volume": 2.5,
        "unit": "paket",
        "estimated_cost": 1_500_000,
        "start_date": "2026-03-01",
        "end_date": "2026-09-30",
        "partners": ["akademisi", "komunitas"],
    },
}


def _fill(editor: Any, values: dict[str, Any]) -> None:
    editor.set_values(values)


@pytest.mark.parametrize("kind", list(RecordKind))
def test_form_has_a_widget_for_every_field_and_round_trips(
    kind: RecordKind, make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(kind)
    assert set(editor.rows) == {spec.name for spec in FIELDS[kind]}
    values = dict(COMPLETE[kind])
    if "partners" in values:
        values["partners"] = sorted(values["partners"])
    _fill(editor, values)
    assert editor.save()
    assert editor.record is not None
    assert editor.record.status is Status.DRAFT and editor.record.revision == 0
    stored = RecordService(desa_ctx).get(kind, editor.record.id).values
    for name, value in values.items():
        assert stored[name] == value, name
    reopened = make_editor(kind, editor.record.id)
    for name, value in values.items():
        assert reopened.values()[name] == value, name
    assert not reopened.has_unsaved_changes()


def test_required_fields_marked_with_asterisk_and_accessible_description(
    make_editor: EditorFactory,
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    title = editor.rows["title"]
    assert "*" in title.label.text()
    assert "Wajib" in title.widget.focus_target().accessibleDescription()
    assert "*" not in editor.rows["causes"].label.text()
    assert title.label.buddy() is title.widget.focus_target()


def test_empty_required_fields_refuse_finalise_with_messages_next_to_fields(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.show()
    qtbot.waitExposed(editor)
    with qtbot.assertNotEmitted(editor.saved):
        assert not editor.finalise()
    assert editor.record is None
    for name in ("title", "description", "dimension", "sub_element", "severity"):
        assert "wajib diisi" in editor.field_message(name), name
    assert editor.field_message("causes") == ""
    assert editor.error_bar.isVisible()
    assert editor.focusWidget() is editor.rows["title"].widget.focus_target()
    # the message sits directly under its field, in red
    row = editor.rows["title"]
    assert row.error.objectName() == "FieldError"
    assert row.error.geometry().top() >= row.widget.geometry().bottom()


def test_draft_may_be_incomplete_then_finalise_makes_revision_one(
    make_editor: EditorFactory,
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "Lampu jalan mati"})
    assert editor.save()
    assert editor.record is not None and editor.record.revision == 0
    assert "Draf" in editor.status_label.text() and "Revisi 0" in editor.status_label.text()
    assert not editor.finalise()
    editor.set_values(COMPLETE[RecordKind.PROBLEM])
    changes: list[Change] = []
    editor.saved.connect(changes.append)
    assert editor.finalise()
    assert editor.record.is_final and editor.record.revision == 1
    assert changes[-1].action is Action.FINALISED
    assert "Final" in editor.status_label.text() and "Revisi 1" in editor.status_label.text()
    assert editor.finalise_button.isHidden()


def test_editing_a_final_record_raises_the_revision(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values(COMPLETE[RecordKind.PROBLEM])
    assert editor.finalise()
    assert editor.record is not None
    editor.set_values({"title": "Jalan desa rusak parah di Dusun Krajan"})
    assert editor.has_unsaved_changes()
    assert editor.save()
    assert editor.record.revision == 2
    assert "Revisi 2" in editor.status_label.text()
    assert editor.save_button.text() == "Simpan revisi baru"
    # a final record still needs its required fields
    editor.set_values({"title": ""})
    assert not editor.save()
    assert "wajib diisi" in editor.field_message("title")
    assert editor.record.revision == 2


def test_ctrl_s_saves(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = make_editor(RecordKind.POTENTIAL)
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.rows["title"].widget.focus_target().setFocus()
    qtbot.keyClicks(editor.rows["title"].widget.focus_target(), "Sawah organik")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(
            editor.rows["title"].widget.focus_target(),
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier,
        )
    assert editor.record is not None and editor.record.title == "Sawah organik"


def test_coordinates_out_of_range_and_decimal_comma(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    lat = editor.rows["latitude"].widget
    lon = editor.rows["longitude"].widget
    lat.edit.setText("-6,2345")
    lon.edit.setText("106.9876")
    assert editor.values()["latitude"] == -6.2345
    assert editor.values()["longitude"] == 106.9876
    lat.edit.setText("48,85")  # Paris, not Indonesia
    editor.set_values({"title": "Koordinat salah"})
    assert not editor.save()
    assert "antara -11,5 dan 6,5" in editor.field_message("latitude")
    lat.edit.setText("abc")
    assert not editor.save()
    assert "derajat desimal antara -11,5 dan 6,5" in editor.field_message("latitude")


def test_pasted_coordinate_pair_fills_both(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    lat = editor.rows["latitude"].widget
    lat.edit.setFocus()
    lat.edit.textEdited.emit("-6.2345, 106.9876")
    assert editor.values()["latitude"] == -6.2345
    assert editor.values()["longitude"] == 106.9876


def test_only_one_coordinate_is_refused(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "x", "latitude": -6.2})
    assert not editor.save()
    assert "lintang dan bujur bersama-sama" in editor.field_message("longitude")


def test_money_input_groups_thousands_and_refuses_negative_and_absurd(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    money = editor.rows["estimated_cost"].widget
    assert isinstance(money, MoneyField)
    editor.show()
    qtbot.waitExposed(editor)
    money.edit.setFocus()
    qtbot.keyClicks(money.edit, "1500000")
    assert money.edit.text() == "Rp 1.500.000"
    assert editor.values()["estimated_cost"] == 1_500_000

    editor.set_values({"title": "Usulan", "estimated_cost": -5000})
    assert money.edit.text() == "Rp -5.000"
    assert not editor.save()
    assert "tidak boleh kurang dari 0" in editor.field_message("estimated_cost")

    editor.set_values({"estimated_cost": 2_000_000_000_000})
    assert not editor.save()
    assert "tidak masuk akal" in editor.field_message("estimated_cost")
    assert editor.record is None  # nothing half-saved, form kept
    assert money.edit.text() == "Rp 2.000.000.000.000"


def test_live_check_shows_message_while_typing(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    money = editor.rows["estimated_cost"].widget
    editor.show()
    qtbot.waitExposed(editor)
    money.edit.setFocus()
    qtbot.keyClicks(money.edit, "-25")
    qtbot.waitUntil(lambda: editor.field_message("estimated_cost") != "", timeout=2000)
    assert "tidak boleh kurang dari 0" in editor.field_message("estimated_cost")
    money.edit.clear()
    qtbot.keyClicks(money.edit, "25")
    qtbot.waitUntil(lambda: editor.field_message("estimated_cost") == "", timeout=2000)


def test_over_long_text_is_named_not_cut(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    long_title = "Banjir " * 40  # 280 characters
    editor.set_values({"title": long_title})
    assert not editor.save()
    assert "terlalu panjang" in editor.field_message("title")
    assert editor.rows["title"].widget.value() == long_title


def test_sub_element_follows_dimension(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    sub = editor.rows["sub_element"].widget
    assert isinstance(sub, SubElementField)
    assert sub.combo.count() == 1  # only the "choose a dimension first" entry
    dimension = editor.rows["dimension"].widget
    dimension.combo.setCurrentIndex(dimension.combo.findData("environment"))
    codes = [sub.combo.itemData(i) for i in range(1, sub.combo.count())]
    assert codes == ["proteksi_lingkungan", "sampah_limbah", "energi"]
    sub.combo.setCurrentIndex(sub.combo.findData("energi"))
    dimension.combo.setCurrentIndex(dimension.combo.findData("living"))
    assert sub.value() is None  # "energi" is not a sub-element of living
    assert "kesehatan" in [sub.combo.itemData(i) for i in range(sub.combo.count())]


def test_choice_labels_follow_language(make_editor: EditorFactory) -> None:
    set_language("en")
    editor = make_editor(RecordKind.PROBLEM)
    dimension = editor.rows["dimension"].widget
    texts = [dimension.combo.itemText(i) for i in range(dimension.combo.count())]
    assert any("Smart Governance" in t for t in texts)


def test_links_picker_shows_titles_searches_and_saves_ids(
    make_editor: EditorFactory, desa_ctx: AppContext, qtbot: QtBot
) -> None:
    records = RecordService(desa_ctx)
    flood = records.create(RecordKind.PROBLEM, {"title": "Banjir rob di Pantai Bahagia"}).ids[0]
    water = records.create(RecordKind.PROBLEM, {"title": "Krisis air bersih musim kemarau"}).ids[0]
    pond = records.create(RecordKind.POTENTIAL, {"title": "Tambak bandeng"}).ids[0]
    editor = make_editor(RecordKind.PROPOSAL)
    problems = editor.rows["problem_ids"].widget
    assert isinstance(problems, LinksField)
    # the lists fill just after the form is shown, not while it opens
    assert problems.visible_titles() == [] and problems.empty.text() == "Memuat daftar…"
    qtbot.waitUntil(lambda: bool(problems.visible_titles()), timeout=2000)
    assert any("Banjir rob" in t for t in problems.visible_titles())
    problems.search.setText("air bersih")
    assert len(problems.visible_titles()) == 1 and "Krisis air" in problems.visible_titles()[0]
    problems.set_checked(water, True)
    problems.search.clear()
    editor.rows["potential_ids"].widget.set_checked(pond, True)
    assert problems.summary.text() == "1 dipilih"
    editor.set_values({"title": "Penampungan air hujan"})
    assert editor.save()
    stored = records.get(RecordKind.PROPOSAL, editor.record.id).values
    assert stored["problem_ids"] == [water]
    assert stored["potential_ids"] == [pond]
    assert flood not in stored["problem_ids"]


def test_partners_multichoice(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    partners = editor.rows["partners"].widget
    partners.boxes["media"].setChecked(True)
    partners.boxes["akademisi"].setChecked(True)
    assert editor.values()["partners"] == ["akademisi", "media"]


def test_dates_optional_and_end_not_before_start(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    start = editor.rows["start_date"].widget
    assert start.value() is None
    assert start.edit.text() == "" and "15/01/2024" in start.edit.placeholderText()
    editor.set_values({"title": "x", "start_date": "2026-05-01", "end_date": "2026-04-01"})
    assert not editor.save()
    assert "tidak boleh sebelum" in editor.field_message("end_date")
    start.clear_button.click()
    assert start.value() is None


def test_delete_asks_with_indonesian_buttons(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.POTENTIAL)
    editor.set_values({"title": "Wisata mangrove"})
    assert editor.save()
    record_id = editor.record.id
    fake = editor.dialogs
    fake.confirm_answer = False
    assert not editor.delete()
    assert fake.last_buttons == ("Hapus", "Batal")
    assert not RecordService(desa_ctx).get(RecordKind.POTENTIAL, record_id).deleted
    fake.confirm_answer = True
    changes: list[Change] = []
    editor.saved.connect(changes.append)
    closed: list[bool] = []
    editor.closed.connect(lambda: closed.append(True))
    assert editor.delete()
    assert changes[-1].action is Action.DELETED
    assert closed == [True]
    assert RecordService(desa_ctx).get(RecordKind.POTENTIAL, record_id).deleted


def test_delete_button_absent_for_unsaved_record(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    assert editor.delete_button.isHidden()
    assert not editor.delete()


def test_other_office_record_is_read_only(make_editor: EditorFactory, desa_ctx: AppContext) -> None:
    own = desa_ctx.office
    desa_ctx._office = OfficeInfo("32.16.01.2002", "desa", "Desa Tetangga", "Operator Lain")
    try:
        other = RecordService(desa_ctx).create(RecordKind.PROBLEM, {"title": "Milik desa lain"})
    finally:
        desa_ctx._office = own
    editor = make_editor(RecordKind.PROBLEM, other.ids[0])
    assert editor.read_only
    assert editor.readonly_bar.isVisibleTo(editor)
    assert "32.16.01.2002" in editor.readonly_text.text()
    assert editor.rows["title"].widget.edit.isReadOnly()
    assert editor.save_button.isHidden() and editor.delete_button.isHidden()
    assert not editor.save() and not editor.finalise() and not editor.delete()
    assert editor.attachments.add_button.isHidden()


def test_disk_full_keeps_form_contents(
    make_editor: EditorFactory, monkeypatch: pytest.MonkeyPatch, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values(COMPLETE[RecordKind.PROBLEM])
    before = editor.values()

    def full(*_args: object, **_kwargs: object) -> None:
        raise disk_full(desa_ctx.paths.database)

    monkeypatch.setattr(editor.service, "create", full)
    assert not editor.save()
    assert editor.values() == before
    assert editor.has_unsaved_changes()
    assert any("Penyimpanan penuh" in e for e in editor.dialogs.errors)
    assert "Penyimpanan penuh" in editor.error_text.text()
    assert "belum hilang" in editor.error_text.text()
    monkeypatch.undo()
    assert editor.save()  # after space is freed, the same form saves


def test_real_full_database_keeps_form_contents(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "Sampah liar", "description": "x" * 4000})
    before = editor.values()
    # Cap the database at its current size: the next write fails with SQLITE_FULL.
    engine = desa_ctx.db.engine
    engine.dispose()
    from sqlalchemy import event

    def cap(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap)
    try:
        assert not editor.save()
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()
    assert editor.values() == before
    assert any("penuh" in e for e in editor.dialogs.errors)
    assert editor.record is None


def test_try_close_asks_and_can_cancel_keep_or_discard(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    closed: list[bool] = []
    editor.closed.connect(lambda: closed.append(True))
    editor.set_values({"title": "Belum selesai"})
    editor.dialogs.close_choice = CloseChoice.CANCEL
    assert not editor.try_close()
    assert closed == []
    editor.dialogs.close_choice = CloseChoice.KEEP
    assert editor.try_close()
    assert closed == [True]
    assert any(k.startswith("problem:new:") for k in RecordService(desa_ctx).form_draft_keys())


def test_try_close_discard_removes_stored_form(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "Dibuang"})
    editor.autosave.flush()
    editor.dialogs.close_choice = CloseChoice.DISCARD
    assert editor.try_close()
    assert RecordService(desa_ctx).form_draft_keys() == []


def test_try_close_save_saves(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "Disimpan saat ditutup"})
    editor.dialogs.close_choice = CloseChoice.SAVE
    with_changes: list[Change] = []
    editor.saved.connect(with_changes.append)
    assert editor.try_close()
    assert with_changes and with_changes[0].action is Action.CREATED


def test_unchanged_editor_closes_without_asking(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    assert not editor.has_unsaved_changes()
    assert editor.try_close()
    assert editor.dialogs.asked == []


def test_tab_order_follows_visual_order(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    targets = [editor.rows[spec.name].widget.focus_target() for spec in FIELDS[RecordKind.PROPOSAL]]
    order = {id(w): i for i, w in enumerate(targets)}
    seen: list[int] = []
    widget = editor.rows["title"].widget.focus_target()
    for _step in range(200):
        if id(widget) in order and (not seen or seen[-1] != order[id(widget)]):
            seen.append(order[id(widget)])
        widget = widget.nextInFocusChain()
        if widget is editor.rows["title"].widget.focus_target():
            break
    # visual order is section order; check that focus visits fields top to bottom
    tops = [t.mapTo(editor.content, t.rect().topLeft()).y() for t in targets]
    visited_tops = [tops[i] for i in seen]
    assert visited_tops == sorted(visited_tops)
    assert len(seen) == len(targets)


def test_status_label_and_title(make_editor: EditorFactory) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    assert editor.title_label.text() == "Usulan Inovasi baru"
    assert editor.status_label.text() == "Baru · belum disimpan"
    editor.set_values({"title": "Pasar UMKM daring"})
    editor.save()
    assert editor.title_label.text() == "Usulan Inovasi: Pasar UMKM daring"
    assert isinstance(editor.status_label, QLabel)


def test_field_types_covered() -> None:
    used = {spec.type for specs in FIELDS.values() for spec in specs}
    assert used <= set(FieldType)


def test_wheel_over_a_combo_scrolls_the_form_instead(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    editor = make_editor(RecordKind.PROPOSAL)
    editor.resize(900, 500)
    editor.show()
    qtbot.waitExposed(editor)
    bar = editor.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    combo = editor.rows["dimension"].widget.combo
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(5, 5),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(combo, event)
    assert combo.currentIndex() == 0
    assert bar.value() > 0
