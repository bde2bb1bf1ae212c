"""The reviewer's decision on one record: state, reason, comment, priority and the targets.

The rules (reason required except for diterima, priority only for proposals, redirect only for
dialihkan, merge only for digabung) live in ``domain.review``; this form only shows which fields
apply to the chosen state and puts each refusal next to the field it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import (
    REASON_LIST,
    REDIRECT_LEVEL_LIST,
    ReviewState,
    review_field,
    state_label,
)
from smartcity_desktop.domain.validation import Problem
from smartcity_desktop.i18n import _
from smartcity_desktop.services.review import Decision

ERROR_STYLE = "color: #b03a2e;"
# One key per state, shown on its button: the digits are the same on every keyboard layout.
STATE_KEYS: dict[ReviewState, str] = {
    ReviewState.DITERIMA: "1",
    ReviewState.PERLU_PERBAIKAN: "2",
    ReviewState.DITOLAK: "3",
    ReviewState.DIALIHKAN: "4",
    ReviewState.DIGABUNG: "5",
}
_FORM_FIELDS = (
    "state",
    "reason",
    "comment",
    "priority",
    "redirect_urusan",
    "redirect_opd",
    "redirect_level",
    "merge_into",
)


def _error_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def _choices(combo: QComboBox, items: Sequence[tuple[str, str]], blank: str) -> None:
    combo.addItem(blank, None)
    for code, label in items:
        combo.addItem(label, code)


def _set_combo(combo: QComboBox, code: Any) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(index if index >= 0 else 0)


class ReviewForm(QWidget):
    state_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: str | None = None
        self.state: str | None = None
        self.errors: dict[str, QLabel] = {name: _error_label() for name in _FORM_FIELDS}
        self.general_error = _error_label()

        self.state_group = QButtonGroup(self)
        self.state_group.setExclusive(True)
        self.state_buttons: dict[str, QPushButton] = {}
        self.setStyleSheet(
            "QPushButton[stateButton='true']:checked"
            " { background: #1f618d; color: white; font-weight: bold; }"
        )
        buttons = QGridLayout()
        buttons.setSpacing(4)
        for n, state in enumerate(ReviewState):
            key = STATE_KEYS[state]
            button = QPushButton(f"{key}  {state_label(state)}")
            button.setCheckable(True)
            button.setProperty("stateButton", True)
            button.setToolTip(
                _("Tekan {key} untuk memilih '{state}'").format(key=key, state=state_label(state))
            )
            button.setAccessibleName(state_label(state))
            button.clicked.connect(lambda _c=False, s=state.value: self.choose_state(s))
            self.state_group.addButton(button)
            self.state_buttons[state.value] = button
            buttons.addWidget(button, n // 3, n % 3)

        self.reason = QComboBox()
        _choices(
            self.reason,
            [(i.code, i.label()) for i in ref_list(REASON_LIST).items],
            _("— pilih alasan —"),
        )
        self.reason_label = QLabel()
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setPlaceholderText(_("Catatan untuk desa (boleh kosong)"))
        self.comment.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.priority = QSpinBox()
        self.priority.setRange(0, 9999)
        self.priority.setSpecialValueText(_("tanpa peringkat"))
        self.priority.setToolTip(_(review_field("priority").help))
        self.redirect_urusan = QComboBox()
        _choices(
            self.redirect_urusan,
            [(i.code, i.label()) for i in ref_list("urusan").items],
            _("— urusan —"),
        )
        self.redirect_opd = QLineEdit()
        self.redirect_opd.setMaxLength(200)
        self.redirect_opd.setPlaceholderText(_("misalnya Dinas PUPR"))
        self.redirect_level = QComboBox()
        _choices(
            self.redirect_level,
            [(i.code, i.label()) for i in ref_list(REDIRECT_LEVEL_LIST).items],
            _("— tingkat —"),
        )
        self.merge_into = QComboBox()
        self.merge_into.addItem(_("— pilih catatan —"), None)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Labels above their fields: the form stays narrow beside the record it is about.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(3)
        form.addRow(QLabel(_(review_field("state").label)), _stack(buttons, self.errors["state"]))
        form.addRow(self.reason_label, _stack(self.reason, self.errors["reason"]))
        form.addRow(_(review_field("comment").label), _stack(self.comment, self.errors["comment"]))
        self.priority_label = QLabel(_(review_field("priority").label))
        form.addRow(self.priority_label, _stack(self.priority, self.errors["priority"]))
        form.addRow(
            _(review_field("redirect_urusan").label),
            _stack(self.redirect_urusan, self.errors["redirect_urusan"]),
        )
        form.addRow(
            _(review_field("redirect_opd").label),
            _stack(self.redirect_opd, self.errors["redirect_opd"]),
        )
        form.addRow(
            _(review_field("redirect_level").label),
            _stack(self.redirect_level, self.errors["redirect_level"]),
        )
        form.addRow(
            _(review_field("merge_into").label),
            _stack(self.merge_into, self.errors["merge_into"]),
        )
        for name, widget in (
            ("reason", self.reason),
            ("comment", self.comment),
            ("priority", self.priority),
            ("redirect_urusan", self.redirect_urusan),
            ("redirect_opd", self.redirect_opd),
            ("redirect_level", self.redirect_level),
            ("merge_into", self.merge_into),
        ):
            widget.setAccessibleName(_(review_field(name).label))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        self._apply_state()

    def tab_chain(self) -> list[QWidget]:
        return [
            *self.state_buttons.values(),
            self.reason,
            self.comment,
            self.priority,
            self.redirect_urusan,
            self.redirect_opd,
            self.redirect_level,
            self.merge_into,
        ]

    # --- loading ---------------------------------------------------------------------------

    def load(
        self,
        kind: str,
        values: dict[str, Any] | None,
        merge_choices: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Show this office's review of a record (None: not reviewed yet)."""
        self.kind = kind
        values = values or {}
        self.clear_errors()
        self.merge_into.blockSignals(True)
        self.merge_into.clear()
        self.merge_into.addItem(_("— pilih catatan —"), None)
        for record_id, title in merge_choices:
            self.merge_into.addItem(title or record_id, record_id)
        self.merge_into.blockSignals(False)
        _set_combo(self.reason, values.get("reason"))
        self.comment.setPlainText(values.get("comment") or "")
        self.priority.setValue(int(values.get("priority") or 0))
        _set_combo(self.redirect_urusan, values.get("redirect_urusan"))
        self.redirect_opd.setText(values.get("redirect_opd") or "")
        _set_combo(self.redirect_level, values.get("redirect_level"))
        _set_combo(self.merge_into, values.get("merge_into"))
        self.set_state(values.get("state"))

    def set_state(self, state: str | None) -> None:
        self.state = state
        self.state_group.setExclusive(False)  # an exclusive group cannot show "none chosen"
        for code, button in self.state_buttons.items():
            button.setChecked(code == state)
        self.state_group.setExclusive(True)
        self._apply_state()

    def choose_state(self, state: str) -> None:
        self.set_state(state)
        self.errors["state"].hide()
        self.state_changed.emit(state)

    def _apply_state(self) -> None:
        state = self.state
        needs_reason = state is not None and state != ReviewState.DITERIMA
        self.reason_label.setText(
            _("Alasan (wajib)") if needs_reason else _("Alasan (tidak wajib bila Diterima)")
        )
        is_proposal = self.kind == "proposal"
        self.priority.setEnabled(is_proposal)
        self.priority_label.setEnabled(is_proposal)
        redirect = state == ReviewState.DIALIHKAN
        for widget in (self.redirect_urusan, self.redirect_opd, self.redirect_level):
            widget.setEnabled(redirect)
        self.merge_into.setEnabled(state == ReviewState.DIGABUNG)

    # --- reading ---------------------------------------------------------------------------

    def decision(self) -> Decision:
        state = self.state or ""
        redirect = state == ReviewState.DIALIHKAN
        return Decision(
            state=state,
            reason=self.reason.currentData(),
            comment=self.comment.toPlainText().strip() or None,
            priority=(self.priority.value() or None) if self.kind == "proposal" else None,
            redirect_urusan=self.redirect_urusan.currentData() if redirect else None,
            redirect_opd=(self.redirect_opd.text().strip() or None) if redirect else None,
            redirect_level=self.redirect_level.currentData() if redirect else None,
            merge_into=self.merge_into.currentData() if state == ReviewState.DIGABUNG else None,
        )

    # --- errors ----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.clear()
            label.hide()

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.clear_errors()
        for problem in problems:
            label = self.errors.get(problem.field, self.general_error)
            text = f"{label.text()}\n{problem.message}" if label.text() else problem.message
            label.setText(text)
            label.show()

    def show_error(self, message: str) -> None:
        self.clear_errors()
        self.general_error.setText(message)
        self.general_error.show()


def _stack(field: Any, error: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    if isinstance(field, QGridLayout):
        layout.addLayout(field)
    else:
        layout.addWidget(field)
        box.setFocusProxy(field)
    layout.addWidget(error)
    error.setAlignment(Qt.AlignmentFlag.AlignLeft)
    return box
