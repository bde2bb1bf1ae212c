"""Field widgets on their own: wheel guard, unknown codes, read-only."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import RecordKind, field_spec
from smartcity_desktop.gui.forms.field_widgets import (
    ChoiceField,
    DateField,
    IntegerField,
    LinkChoice,
    LinksField,
    MultiChoiceField,
    make_field_widget,
)


def _wheel(widget) -> None:  # type: ignore[no-untyped-def]
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
    QApplication.sendEvent(widget, event)


def test_wheel_over_unfocused_combo_does_not_change_it(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROBLEM, "urusan"))
    qtbot.addWidget(field)
    assert isinstance(field, ChoiceField)
    _wheel(field.combo)
    assert field.combo.currentIndex() == 0
    assert field.value() is None


def test_unknown_choice_code_is_kept(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROBLEM, "urusan"))
    qtbot.addWidget(field)
    field.set_value("9.99")
    assert field.value() == "9.99"
    assert "tidak dikenal" in field.combo.currentText()


def test_set_value_does_not_count_as_an_edit(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROPOSAL, "estimated_cost"))
    qtbot.addWidget(field)
    with qtbot.assertNotEmitted(field.edited):
        field.set_value(2_500_000)
    assert field.edit.text() == "Rp 2.500.000"


def test_count_with_thousands_dots(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROBLEM, "affected_count"))
    qtbot.addWidget(field)
    assert isinstance(field, IntegerField)
    field.edit.setText("1.250")
    assert field.value() == 1250
    field.edit.setText("banyak")
    assert field.value() == "banyak"  # left for validation to name


def test_date_round_trip_and_empty(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROBLEM, "since_date"))
    qtbot.addWidget(field)
    assert isinstance(field, DateField)
    assert field.value() is None
    field.set_value("2024-02-29")
    assert field.value() == "2024-02-29"
    field.set_value(None)
    assert field.value() is None


def test_multichoice_keeps_unknown_codes(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROPOSAL, "partners"))
    qtbot.addWidget(field)
    assert isinstance(field, MultiChoiceField)
    field.set_value(["media", "lsm"])
    assert field.value() == ["lsm", "media"]


def test_links_read_only_and_missing_targets(qtbot: QtBot) -> None:
    field = make_field_widget(field_spec(RecordKind.PROPOSAL, "problem_ids"))
    qtbot.addWidget(field)
    assert isinstance(field, LinksField)
    field.set_choices([LinkChoice("a", "Banjir", True)])
    field.set_value(["a", "hilang"])
    assert field.value() == ["a", "hilang"]
    assert any("tidak ditemukan" in t for t in field.visible_titles())
    field.set_read_only(True)
    assert not field.is_checkable()
    index = field.model.index(0)
    assert not field.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
