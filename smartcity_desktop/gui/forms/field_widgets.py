"""One input widget per field type, all with the same small interface.

Widgets hand back what the person typed, lightly parsed (``value()``); judging it is left to
``domain.validation`` so that the form, the CLI and imports give the same messages. Text that cannot
be parsed is handed back as text, so validation can say which field is wrong instead of the widget
silently dropping it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from smartcity_desktop.domain.fields import FieldSpec, FieldType
from smartcity_desktop.domain.reference import RefItem, ref_list, sub_elements
from smartcity_desktop.gui.forms import formatting as fmt
from smartcity_desktop.i18n import _, current_language

_ROOT = QModelIndex()


class FieldWidget(QWidget):
    """Base: ``edited`` fires on user edits only, never from ``set_value``."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._loading = False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The child that takes the keyboard focus (labels are buddies of it)."""
        raise NotImplementedError

    def entry_problem(self) -> str | None:
        """A message when the typed text cannot be read at all (more precise than validation's)."""
        return None

    def _emit_edited(self, *_args: object) -> None:
        if not self._loading:
            self.edited.emit()


class _WheelGuard(QObject):
    """Scrolling the form with the mouse wheel must not change a combo box or date it passes over.

    Without this, a village official scrolling down silently changes "Dimensi" on the way.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            # Hand the wheel to the form's scroll area, as if the pointer were over empty space.
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:
                QApplication.sendEvent(area.viewport(), event)
            return True
        return False


def _guard_wheel(widget: QWidget, owner: QObject) -> None:
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    guard = _WheelGuard(owner)
    widget.installEventFilter(guard)


def _single(layout: QHBoxLayout | QVBoxLayout | QGridLayout, owner: QWidget) -> None:
    layout.setContentsMargins(0, 0, 0, 0)
    owner.setLayout(layout)


class TextField(FieldWidget):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QHBoxLayout()
        # No maxLength: Qt would cut pasted text silently; validation names the excess instead.
        self.edit = QLineEdit()
        if spec.help:
            self.edit.setPlaceholderText(_(spec.help))
        layout.addWidget(self.edit)
        _single(layout, self)
        self.edit.textEdited.connect(self._emit_edited)

    def value(self) -> str | None:
        return self.edit.text() or None

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.edit


class LongTextField(FieldWidget):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QHBoxLayout()
        self.edit = QPlainTextEdit()
        # Tab moves to the next field, as in every other input of the form.
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 7 + 12)
        if spec.help:
            self.edit.setPlaceholderText(_(spec.help))
        layout.addWidget(self.edit)
        _single(layout, self)
        self.edit.textChanged.connect(self._emit_edited)

    def value(self) -> str | None:
        return self.edit.toPlainText() or None

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.edit


class ChoiceField(FieldWidget):
    """A reference list as a combo box; the first entry means "not filled in"."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QHBoxLayout()
        self.combo = QComboBox()
        # Long labels (urusan) must not widen the whole form; the popup still shows them in full.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        _guard_wheel(self.combo, self)
        layout.addWidget(self.combo)
        _single(layout, self)
        self._fill(self._items())
        self.combo.currentIndexChanged.connect(self._emit_edited)

    def _items(self) -> Sequence[RefItem]:
        assert self.spec.ref
        return ref_list(self.spec.ref).items

    def _blank_text(self) -> str:
        return _("— Pilih —") if self.spec.required else _("— Tidak diisi —")

    def _fill(self, items: Sequence[RefItem]) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self._blank_text(), None)
        language = current_language()
        for item in items:
            self.combo.addItem(item.label(language), item.code)
            self.combo.setItemData(
                self.combo.count() - 1, item.label(language), Qt.ItemDataRole.ToolTipRole
            )
        self.combo.blockSignals(False)

    def value(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data is not None else None

    def _show(self, value: Any) -> None:
        if value is None:
            self.combo.setCurrentIndex(0)
            return
        index = self.combo.findData(str(value))
        if index < 0:
            # A code this version does not know (newer reference list): keep it, do not drop it.
            self.combo.addItem(_("{code} (tidak dikenal)").format(code=value), str(value))
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self.combo


class SubElementField(ChoiceField):
    """Sub-elements of the dimension chosen in the form; refilled when the dimension changes."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        self._dimension: str | None = None
        super().__init__(spec, parent)
        self._update_placeholder()

    def _items(self) -> Sequence[RefItem]:
        return sub_elements(self._dimension)

    def set_dimension(self, dimension: str | None) -> None:
        if dimension == self._dimension:
            return
        current = self.value()
        self._dimension = dimension
        self._loading = True
        try:
            self._fill(self._items())
            index = self.combo.findData(current) if current is not None else -1
            self.combo.setCurrentIndex(max(index, 0))
        finally:
            self._loading = False
        self._update_placeholder()
        if current is not None and index < 0:
            self.edited.emit()  # the old choice belonged to another dimension and is gone

    def _update_placeholder(self) -> None:
        if self._dimension is None:
            self.combo.setItemText(0, _("— Pilih dimensi dahulu —"))


class MultiChoiceField(FieldWidget):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        assert spec.ref
        layout = QGridLayout()
        layout.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        language = current_language()
        for i, item in enumerate(ref_list(spec.ref).items):
            box = QCheckBox(item.label(language))
            box.toggled.connect(self._emit_edited)
            layout.addWidget(box, i // 3, i % 3)
            self.boxes[item.code] = box
        self._unknown: list[str] = []
        _single(layout, self)

    def value(self) -> list[str]:
        return sorted([c for c, b in self.boxes.items() if b.isChecked()] + self._unknown)

    def _show(self, value: Any) -> None:
        codes = set(value or [])
        for code, box in self.boxes.items():
            box.setChecked(code in codes)
        self._unknown = sorted(codes - set(self.boxes))

    def set_read_only(self, read_only: bool) -> None:
        for box in self.boxes.values():
            box.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()))


class _LineField(FieldWidget):
    """A one-line input whose text is parsed by a function from ``formatting``."""

    placeholder = ""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.placeholder)
        self.edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 28 + 24)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        _single(layout, self)
        self.edit.textEdited.connect(self._on_text_edited)
        self.edit.editingFinished.connect(self._tidy)

    def _on_text_edited(self, _text: str) -> None:
        self._emit_edited()

    def _tidy(self) -> None:
        """Show a readable value once the person leaves the field (not while typing)."""
        value = self.value()
        if not isinstance(value, str) and value is not None:
            self.set_value(value)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.edit


class IntegerField(_LineField):
    placeholder = "0"

    def value(self) -> int | str | None:
        return fmt.parse_count(self.edit.text())

    def _show(self, value: Any) -> None:
        self.edit.setText(fmt.format_count(value) if isinstance(value, int) else str(value or ""))


class NumberField(_LineField):
    placeholder = "0"

    def value(self) -> float | str | None:
        return fmt.parse_decimal(self.edit.text())

    def _show(self, value: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.edit.setText(fmt.format_decimal(float(value)))
        else:
            self.edit.setText(str(value or ""))


class MoneyField(_LineField):
    """Whole Rupiah, grouped as it is typed: ``Rp 1.500.000``."""

    placeholder = "Rp 0"

    def _on_text_edited(self, text: str) -> None:
        new_text, cursor = fmt.reformat_amount_text(text, self.edit.cursorPosition())
        if new_text != text:
            self.edit.setText(new_text)
            self.edit.setCursorPosition(cursor)
        self._emit_edited()

    def value(self) -> int | str | None:
        return fmt.parse_amount(self.edit.text())

    def _show(self, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.edit.setText(fmt.format_rupiah(value))
        else:
            self.edit.setText(str(value or ""))


class CoordinateField(_LineField):
    """Degrees with either decimal comma or dot; a pasted "lat, lon" pair fills both fields."""

    pair_entered = Signal(float, float)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        example = fmt.format_decimal(-6.2345 if spec.type is FieldType.LATITUDE else 106.9876)
        # Said to be an example: a bare grey number looks like a value already filled in.
        self.placeholder = _("contoh: {value}").format(value=example)
        super().__init__(spec, parent)
        self.edit.setToolTip(
            _(
                "Derajat desimal, dengan koma atau titik: -6,2345 atau -6.2345. Boleh juga menempel "
                "pasangan dari aplikasi peta, misalnya -6.2345, 106.9876."
            )
        )

    def _on_text_edited(self, text: str) -> None:
        pair = fmt.split_coordinate_pair(text)
        if pair is not None:
            self.pair_entered.emit(*pair)
        self._emit_edited()

    def value(self) -> float | str | None:
        return fmt.parse_decimal(self.edit.text())

    def _show(self, value: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.edit.setText(fmt.format_decimal(float(value)))
        else:
            self.edit.setText(str(value or ""))


class DateField(FieldWidget):
    """A date typed as day/month/year, with a calendar beside it for those who prefer clicking.

    A line edit, not a QDateEdit: a QDateEdit splits the text into day, month and year sections and
    digits typed over a selection land in the wrong section (``15/01/2024`` typed over the whole
    field became 30/01/2024, silently). Here the whole text is read at once by
    ``formatting.parse_date``, with or without separators, and a date that does not exist is
    refused under the field instead of being changed into another one.
    """

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("hh/bb/tttt, misalnya 15/01/2024"))
        self.edit.setToolTip(
            _("Ketik hari/bulan/tahun, misalnya 15/01/2024 atau 15012024, atau pilih di kalender.")
        )
        self.edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 30 + 24)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        locale = QLocale(
            QLocale.Language.Indonesian if current_language() == "id" else QLocale.Language.English
        )
        self.calendar.setLocale(locale)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self._menu = QMenu(self)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(self.calendar)
        self._menu.addAction(action)
        self._menu.aboutToShow.connect(self._calendar_at_value)
        self.calendar_button = QToolButton()
        self.calendar_button.setText(_("Kalender"))
        self.calendar_button.setToolTip(_("Pilih tanggal di kalender"))
        self.calendar_button.setMenu(self._menu)
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.clear_button = QToolButton()
        self.clear_button.setText(_("Kosongkan"))
        self.clear_button.setToolTip(_("Kosongkan tanggal"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.clear_button.clicked.connect(self._clear)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        _single(layout, self)
        self.edit.textEdited.connect(self._emit_edited)
        self.edit.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        """Show a readable date (15/01/2024) once the person leaves the field."""
        value = self.value()
        if fmt.is_date(value) and value is not None:
            self.edit.setText(fmt.format_date(value))

    def _calendar_at_value(self) -> None:
        value = self.value()
        if value is not None and fmt.is_date(value):
            day = dt.date.fromisoformat(value)
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        else:
            self.calendar.setSelectedDate(QDate.currentDate())

    def _picked(self, date: QDate) -> None:
        self.edit.setText(f"{date.day():02d}/{date.month():02d}/{date.year():04d}")
        self._menu.close()
        self._emit_edited()

    def _clear(self) -> None:
        if self.edit.text():
            self.edit.clear()
            self._emit_edited()

    def value(self) -> str | None:
        return fmt.parse_date(self.edit.text())

    def entry_problem(self) -> str | None:
        value = self.value()
        if value is None or fmt.is_date(value):
            return None
        return _(
            "{field}: {text} bukan tanggal yang ada. Ketik hari/bulan/tahun, misalnya 15/01/2024."
        ).format(field=_(self.spec.label), text=value)

    def _show(self, value: Any) -> None:
        self.edit.setText(fmt.format_date(str(value)) if value else "")

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.calendar_button.setVisible(not read_only)
        self.clear_button.setVisible(not read_only)

    def focus_target(self) -> QWidget:
        return self.edit


@dataclass(frozen=True)
class LinkChoice:
    id: str
    title: str
    final: bool


class _LinkModel(QAbstractListModel):
    """Linkable records as a list model: 30,000 titles cost nothing until they are shown."""

    def __init__(self, on_toggle: Callable[[], None]) -> None:
        super().__init__()
        self.choices: list[LinkChoice] = []
        self.texts: list[str] = []
        self.folded: list[str] = []
        self.selected: set[str] = set()
        self.read_only = False
        self._on_toggle = on_toggle

    def reset(self, choices: Sequence[LinkChoice]) -> None:
        self.beginResetModel()
        self.choices = list(choices)
        self.texts = [_link_text(c) for c in self.choices]
        self.folded = [t.casefold() for t in self.texts]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.texts[row]
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = self.choices[row].id in self.selected
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return self.choices[row].id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsUserCheckable

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 0
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or self.read_only or not index.isValid():
            return False
        record_id = self.choices[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.selected.add(record_id)
        else:
            self.selected.discard(record_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self._on_toggle()
        return True

    def set_read_only(self, read_only: bool) -> None:
        if read_only == self.read_only:
            return
        self.read_only = read_only
        if self.choices:
            self.dataChanged.emit(self.index(0), self.index(len(self.choices) - 1))


class _WordFilter(QSortFilterProxyModel):
    """Shows rows whose title holds every typed word (in any order, any case)."""

    def __init__(self, source: _LinkModel) -> None:
        super().__init__()
        self.words: list[str] = []
        self.source = source
        self.setSourceModel(source)

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated there
            self.beginFilterChange()
            self.words = text.casefold().split()
            self.endFilterChange()
        else:
            self.words = text.casefold().split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.words:
            return True
        haystack = self.source.folded[row]
        return all(w in haystack for w in self.words)


def _link_text(choice: LinkChoice) -> str:
    text = choice.title or _("(tanpa judul)")
    return text + "  " + _("[draf]") if not choice.final else text


class LinksField(FieldWidget):
    """Other records to link, as a checkable list with a search box; shows titles, keeps ids."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        layout = QVBoxLayout()
        layout.setSpacing(4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Cari judul…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.model = _LinkModel(self._on_toggled)
        self.proxy = _WordFilter(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)  # lets Qt skip measuring every one of 30,000 rows
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.empty = QLabel(_("Belum ada catatan yang dapat ditautkan."))
        self.empty.setProperty("role", "hint")
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.summary)
        _single(layout, self)
        self._choices: list[LinkChoice] = []
        self._loaded = False
        self._refresh()

    def set_choices(self, choices: Sequence[LinkChoice]) -> None:
        self._choices = list(choices)
        self._loaded = True
        self._refresh()

    def _refresh(self) -> None:
        """Choices plus any linked id that is no longer among them (deleted or not received)."""
        if not self._loaded:  # the editor fills the choices just after the form is shown
            self.empty.setText(_("Memuat daftar…"))
            self.empty.setVisible(True)
            self._update_summary()
            return
        self.empty.setText(_("Belum ada catatan yang dapat ditautkan."))
        known = {c.id for c in self._choices}
        missing = [
            LinkChoice(i, _("(catatan tidak ditemukan)"), False)
            for i in sorted(self.model.selected - known)
        ]
        self.model.reset([*self._choices, *missing])
        self.empty.setVisible(not self._choices)
        self._filter(self.search.text())
        self._update_summary()

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)

    def _on_toggled(self) -> None:
        self._update_summary()
        self._emit_edited()

    def _update_summary(self) -> None:
        self.summary.setText(_("{n} dipilih").format(n=len(self.model.selected)))

    def set_checked(self, record_id: str, checked: bool) -> None:
        """Check one entry as a click would (used by tests and keyboard helpers)."""
        for row, choice in enumerate(self.model.choices):
            if choice.id == record_id:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                self.model.setData(
                    self.model.index(row), state.value, Qt.ItemDataRole.CheckStateRole
                )
                return
        raise KeyError(record_id)

    def visible_titles(self) -> list[str]:
        return [
            str(self.proxy.data(self.proxy.index(r, 0), Qt.ItemDataRole.DisplayRole))
            for r in range(self.proxy.rowCount())
        ]

    def is_checkable(self) -> bool:
        return not self.model.read_only

    def value(self) -> list[str]:
        return sorted(self.model.selected)

    def _show(self, value: Any) -> None:
        previous = set(self.model.selected)
        self.model.selected = {str(v) for v in (value or [])}
        if not self._loaded:
            self._update_summary()
        elif self.model.selected - previous - {c.id for c in self._choices} or (
            previous - self.model.selected - {c.id for c in self._choices}
        ):
            self._refresh()  # the "not found" entries changed
        else:
            self.list.viewport().update()  # repaint the check marks
            self._update_summary()

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_read_only(read_only)

    def focus_target(self) -> QWidget:
        return self.search


_WIDGETS: dict[FieldType, type[FieldWidget]] = {
    FieldType.TEXT: TextField,
    FieldType.LONGTEXT: LongTextField,
    FieldType.CHOICE: ChoiceField,
    FieldType.MULTICHOICE: MultiChoiceField,
    FieldType.INTEGER: IntegerField,
    FieldType.NUMBER: NumberField,
    FieldType.MONEY: MoneyField,
    FieldType.DATE: DateField,
    FieldType.LATITUDE: CoordinateField,
    FieldType.LONGITUDE: CoordinateField,
    FieldType.LINKS: LinksField,
}


def make_field_widget(spec: FieldSpec, parent: QWidget | None = None) -> FieldWidget:
    if spec.type is FieldType.CHOICE and spec.name == "sub_element":
        return SubElementField(spec, parent)
    return _WIDGETS[spec.type](spec, parent)
