"""Items a first-time user tripped over in the form: typed dates, save states, error counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms.dialogs import CloseChoice, EditorDialogs
from smartcity_desktop.gui.forms.field_widgets import DateField

from .conftest import OFFSCREEN_NOISE, EditorFactory

pytestmark = OFFSCREEN_NOISE


def _shown(make_editor: EditorFactory, qtbot: QtBot, kind: RecordKind) -> Any:
    editor = make_editor(kind)
    editor.resize(1300, 700)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _type_over(qtbot: QtBot, widget: Any, text: str) -> None:
    """Click into the field, select everything, type: what the tester did."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/01/2024", "2024-01-15"),
        ("15012024", "2024-01-15"),
        ("5-1-2024", "2024-01-05"),
        ("15.01.24", "2024-01-15"),
    ],
)
def test_a_typed_date_is_the_date_typed(
    make_editor: EditorFactory, qtbot: QtBot, typed: str, expected: str
) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    field = editor.rows["since_date"].widget
    assert isinstance(field, DateField)
    editor.set_values({"since_date": "2023-11-30"})  # something to type over
    _type_over(qtbot, field.focus_target(), typed)
    assert editor.values()["since_date"] == expected
    qtbot.keyClick(field.focus_target(), Qt.Key.Key_Return)  # done: shown the readable way
    day = expected.split("-")
    assert field.focus_target().text() == f"{day[2]}/{day[1]}/{day[0]}"
    editor.set_values({"title": "Jalan rusak"})
    assert editor.save()
    assert editor.record is not None and editor.record.values["since_date"] == expected


def test_an_impossible_date_is_refused_next_to_the_field(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    target = editor.rows["since_date"].widget.focus_target()
    _type_over(qtbot, target, "31/02/2024")
    qtbot.waitUntil(lambda: editor.field_message("since_date") != "", timeout=3000)
    message = editor.field_message("since_date")
    assert "31/02/2024 bukan tanggal yang ada" in message and "15/01/2024" in message
    assert target.text() == "31/02/2024"  # not silently changed into another date
    editor.set_values({"title": "Jalan rusak"})
    assert not editor.save()
    assert editor.record is None
    _type_over(qtbot, target, "28/02/2024")
    qtbot.waitUntil(lambda: editor.field_message("since_date") == "", timeout=3000)


def test_the_error_banner_counts_down_as_fields_are_fixed(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    lat = editor.rows["latitude"].widget.focus_target()
    lon = editor.rows["longitude"].widget.focus_target()
    _type_over(qtbot, lat, "48,85")
    _type_over(qtbot, lon, "2,35")
    editor.set_values({"title": "Koordinat salah"})
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Ada 2 isian" in editor.error_text.text()
    _type_over(qtbot, lat, "-6,2")
    qtbot.waitUntil(lambda: "Ada 1 isian" in editor.error_text.text(), timeout=3000)
    assert not editor.error_bar.isHidden()
    _type_over(qtbot, lon, "107,1")
    qtbot.waitUntil(editor.error_bar.isHidden, timeout=3000)


def test_the_coordinate_error_says_range_and_format(
    make_editor: EditorFactory, qtbot: QtBot
) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    _type_over(qtbot, editor.rows["longitude"].widget.focus_target(), "12°E")
    qtbot.waitUntil(lambda: editor.field_message("longitude") != "", timeout=3000)
    message = editor.field_message("longitude")
    assert "antara 94 dan 141,5" in message and "desimal" in message and "106,9876" in message


def test_badge_and_footer_tell_the_same_story(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    assert editor.status_label.text() == "Baru · belum disimpan"
    qtbot.keyClicks(editor.rows["title"].widget.focus_target(), "Sampah liar")
    assert editor.autosave.flush()
    footer = editor.autosave_label.text()
    assert "dicadangkan otomatis" in footer and "belum disimpan sebagai catatan" in footer
    assert "tersimpan" not in footer  # only a saved record is "disimpan"
    assert "belum disimpan" in editor.status_label.text()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert re.fullmatch(r"Draf · Revisi \d+", editor.status_label.text())
    assert editor.autosave_label.text().startswith("Draf disimpan pukul")
    qtbot.keyClicks(editor.rows["title"].widget.focus_target(), " di RW 08")
    assert editor.status_label.text().endswith(" · ada perubahan belum disimpan")


def test_close_dialog_explains_save_later(make_editor: EditorFactory, qtbot: QtBot) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.PROBLEM)
    seen: dict[str, Any] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.informativeText()
        keep = next(b for b in box.findChildren(QPushButton) if b.text() == "Simpan nanti")
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)

    QTimer.singleShot(200, answer)
    assert EditorDialogs(editor).ask_close(final=False) is CloseChoice.KEEP
    assert "Simpan nanti: formulir ditutup" in seen["text"]
    assert "belum menjadi catatan" in seen["text"] and "memulihkannya" in seen["text"]


def test_an_old_attachment_error_goes_after_finalising(
    make_editor: EditorFactory, qtbot: QtBot, photo: Any
) -> None:
    editor = _shown(make_editor, qtbot, RecordKind.POTENTIAL)
    editor.set_values({"latitude": 99.0, "longitude": 107.0})  # the draft cannot be saved yet
    editor.attachments.add_files([photo])
    assert "catatan belum dapat disimpan" in editor.attachments.error_text()
    editor.set_values(
        {
            "latitude": -6.2,
            "title": "Tambak bandeng",
            "description": "Sekitar 30 hektare tambak.",
            "potential_type": "alam",
            "dimension": "economy",
            "sub_element": "kesejahteraan_rakyat",
        }
    )
    qtbot.mouseClick(editor.finalise_button, Qt.MouseButton.LeftButton)
    assert editor.record is not None and editor.record.is_final
    assert editor.attachments.error_text() == ""
