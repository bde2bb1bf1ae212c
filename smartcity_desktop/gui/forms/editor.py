"""The record editor: one form for a problem, a potential or a proposal, built from FIELDS.

What someone typed is never thrown away by the editor: a refused save (validation, full disk,
another program holding the database) leaves every widget as it was, and the form is autosaved as a
form draft a moment after each edit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import FIELDS, KIND_LABELS, FieldSpec, RecordKind
from smartcity_desktop.domain.records import Record
from smartcity_desktop.domain.validation import Problem, Values, normalise, validate
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.forms.attachments_panel import AttachmentsPanel
from smartcity_desktop.gui.forms.autosave import FormAutosave
from smartcity_desktop.gui.forms.dialogs import CloseChoice, EditorDialogs
from smartcity_desktop.gui.forms.field_widgets import (
    CoordinateField,
    FieldWidget,
    LinkChoice,
    LinksField,
    SubElementField,
    make_field_widget,
)
from smartcity_desktop.gui.forms.provenance_panel import ProvenancePanel
from smartcity_desktop.gui.forms.sections import sections_for
from smartcity_desktop.gui.forms.style import EDITOR_STYLE
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.form_support import (
    StoredForm,
    form_draft_key,
    latest_new_form,
    stored_form,
)
from smartcity_desktop.services.provenance import RecordProvenance, record_provenance
from smartcity_desktop.services.records import RecordService, ValidationFailed
from smartcity_desktop.services.review_results import review_banner

log = logging.getLogger(__name__)

LIVE_CHECK_MS = 500
CONTENT_MAX_WIDTH = 1040


class _Row:
    """A field's label, input and message line."""

    def __init__(self, spec: FieldSpec, widget: FieldWidget, label: QLabel, error: QLabel) -> None:
        self.spec = spec
        self.widget = widget
        self.label = label
        self.error = error

    def show_messages(self, messages: list[str]) -> None:
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))
        target = self.widget.focus_target()
        if bool(target.property("invalid")) != bool(messages):
            target.setProperty("invalid", bool(messages))
            target.style().unpolish(target)
            target.style().polish(target)


class RecordEditor(QWidget):
    saved = Signal(object)  # services.changes.Change after each save, finalise or delete
    closed = Signal()
    attachments_changed = Signal(object)  # Change after a photo or PDF is added or removed

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        kind: RecordKind,
        record_id: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.kind = RecordKind(kind)
        self.service = RecordService(ctx)
        self.dialogs = EditorDialogs(self)
        self.record: Record | None = None
        self.read_only = False
        self.provenance: RecordProvenance | None = None  # only for other offices' records
        self.provenance_panel: ProvenancePanel | None = None
        self._baseline: Values = normalise(self.kind, {})
        self._closed = False
        self._touched: set[str] = set()
        self._offer: StoredForm | None = None
        # The error banner's lines besides its count: general messages, then closing remarks.
        self._bar_lines: tuple[list[str], list[str]] | None = None
        self.setObjectName("RecordEditor")
        self.setStyleSheet(EDITOR_STYLE)

        if record_id is not None:
            self.record = self.service.get(self.kind, record_id)
            self.read_only = self.record.office_code != ctx.office.code or self.record.deleted
            if self.record.office_code != ctx.office.code:
                self.provenance = record_provenance(ctx, self.kind, record_id)

        self._build()
        self.autosave = FormAutosave(
            self.service,
            form_draft_key(self.kind, record_id, uuid.uuid4().hex),
            self._draft_payload,
            self,
        )
        self.autosave.stored.connect(self._on_autosaved)
        self.autosave.failed.connect(self._on_autosave_failed)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_CHECK_MS)
        self._live_timer.timeout.connect(self._live_check)

        # The link lists (every problem and potential, tens of thousands on a busy office) fill
        # right after the form is on screen, so opening a proposal never waits for them.
        self._links_loaded = False
        self._links_timer = QTimer(self)
        self._links_timer.setSingleShot(True)
        self._links_timer.setInterval(0)
        self._links_timer.timeout.connect(self.ensure_link_choices)
        self._links_timer.start()
        if self.record is not None:
            self._set_values(self.record.values)
            self._baseline = normalise(self.kind, self.record.values)
        self._refresh_header()
        self._refresh_review()
        self._apply_read_only()
        self.attachments.set_record(self.record.id if self.record else None, self.read_only)
        if not self.read_only:
            self._offer_stored_form()

        self._shortcut("Ctrl+S", self.save)
        self._shortcut("Ctrl+Shift+F", self.finalise)

    def _shortcut(self, keys: str, slot: Any) -> None:
        # Only while the focus is inside this editor: the shell may hold several editors.
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(8)

        header = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("EditorTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label = QLabel()
        self.status_label.setObjectName("StatusChip")
        header.addWidget(self.title_label, 1)
        header.addWidget(self.status_label)
        outer.addLayout(header)

        self.restore_bar, self.restore_text = self._banner("RestoreBar")
        self.restore_button = QPushButton(_("Pulihkan"))
        self.restore_button.clicked.connect(self.restore_stored_form)
        self.drop_stored_button = QPushButton(_("Buang"))
        self.drop_stored_button.clicked.connect(self.drop_stored_form)
        bar_layout = self.restore_bar.layout()
        assert isinstance(bar_layout, QHBoxLayout)
        bar_layout.addWidget(self.restore_button)
        bar_layout.addWidget(self.drop_stored_button)
        outer.addWidget(self.restore_bar)

        self.readonly_bar, self.readonly_text = self._banner("InfoBar")
        outer.addWidget(self.readonly_bar)
        # What the kecamatan or kabupaten said of this record; it informs, it never locks.
        self.review_bar, self.review_text = self._banner("ReviewBar")
        self.review_bar.setAccessibleName(_("Hasil verifikasi"))
        outer.addWidget(self.review_bar)
        self.error_bar, self.error_text = self._banner("ErrorBar")
        outer.addWidget(self.error_bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget()
        self.content.setObjectName("EditorContent")
        # Very long input lines are hard to read on a wide screen: cap the form's width, centred.
        self.content.setMaximumWidth(CONTENT_MAX_WIDTH)
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 8, 0)
        content_layout.setSpacing(10)
        self.rows: dict[str, _Row] = {}
        if self.provenance is not None:
            self.provenance_panel = ProvenancePanel(self.provenance)
            content_layout.addWidget(self.provenance_panel)
        for title, specs in sections_for(self.kind):
            content_layout.addWidget(self._section(_(title), specs))
        self.attachments = AttachmentsPanel(
            self.ctx, self.runner, self.kind, self.dialogs, self._ensure_saved_for_attachments
        )
        self.attachments.changed.connect(self.attachments_changed)
        box = QGroupBox(_("Lampiran (foto dan PDF)"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.attachments)
        content_layout.addWidget(box)
        content_layout.addStretch(1)
        frame = QWidget()
        frame_layout = QHBoxLayout(frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addStretch(1)
        frame_layout.addWidget(self.content, 1000)
        frame_layout.addStretch(1)
        self.scroll.setWidget(frame)
        outer.addWidget(self.scroll, 1)

        buttons = QHBoxLayout()
        self.delete_button = QPushButton(_("Hapus catatan"))
        self.delete_button.setObjectName("DeleteButton")
        self.delete_button.clicked.connect(self.delete)
        self.autosave_label = QLabel()
        self.autosave_label.setObjectName("Hint")
        self.close_button = QPushButton(_("Tutup"))
        self.close_button.clicked.connect(self.try_close)
        self.save_button = QPushButton()
        self.save_button.setToolTip(_("Simpan (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.finalise_button = QPushButton(_("Finalkan"))
        self.finalise_button.setObjectName("PrimaryButton")
        self.finalise_button.setToolTip(
            _("Periksa isian wajib lalu tandai catatan sebagai final (Ctrl+Shift+F)")
        )
        self.finalise_button.clicked.connect(self.finalise)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.autosave_label, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.finalise_button)
        outer.addLayout(buttons)

        dimension = self.rows.get("dimension")
        sub = self.rows.get("sub_element")
        if dimension and sub and isinstance(sub.widget, SubElementField):
            sub_widget = sub.widget
            dimension.widget.edited.connect(
                lambda: sub_widget.set_dimension(dimension.widget.value())
            )
        lat, lon = self.rows.get("latitude"), self.rows.get("longitude")
        if lat and lon:
            for row in (lat, lon):
                if isinstance(row.widget, CoordinateField):
                    row.widget.pair_entered.connect(self._fill_coordinates)

    def _banner(self, name: str) -> tuple[QFrame, QLabel]:
        frame = QFrame()
        frame.setObjectName(name)
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(10, 6, 10, 6)
        text = QLabel()
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(text, 1)
        frame.hide()
        return frame, text

    def _section(self, title: str, specs: list[FieldSpec]) -> QGroupBox:
        box = QGroupBox(title.replace("&", "&&"))  # "&" would become a keyboard mnemonic
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.setColumnMinimumWidth(0, 170)
        grid.setColumnStretch(1, 1)
        row_index = 0
        for spec in specs:
            widget = make_field_widget(spec)
            label = QLabel(self._label_text(spec))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setBuddy(widget.focus_target())
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setMinimumWidth(150)
            label.setMaximumWidth(210)
            # keep the label's first line level with the input's text
            label.setContentsMargins(0, 5, 0, 0)
            target = widget.focus_target()
            target.setAccessibleName(_(spec.label))
            description = _("Wajib diisi.") if spec.required else ""
            if spec.help:
                description = (description + " " + _(spec.help)).strip()
            target.setAccessibleDescription(description)
            if spec.required:
                target.setToolTip(_("Wajib diisi sebelum catatan difinalkan."))
            error = QLabel()
            error.setObjectName("FieldError")
            error.setWordWrap(True)
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.hide()
            grid.addWidget(label, row_index, 0)
            grid.addWidget(widget, row_index, 1)
            grid.addWidget(error, row_index + 1, 1)
            grid.setRowMinimumHeight(row_index + 1, 6)
            row_index += 2
            self.rows[spec.name] = _Row(spec, widget, label, error)
            widget.edited.connect(lambda name=spec.name: self._on_edited(name))
        return box

    @staticmethod
    def _label_text(spec: FieldSpec) -> str:
        text = _(spec.label).replace("&", "&amp;").replace("<", "&lt;")
        if spec.required:
            text += ' <span style="color:#b3261e; font-weight:bold">*</span>'
        return text

    def ensure_link_choices(self) -> None:
        """Fill the link pickers now if they are not filled yet."""
        if self._links_loaded:
            return
        self._links_loaded = True
        self._links_timer.stop()
        for row in self.rows.values():
            if isinstance(row.widget, LinksField) and row.spec.link_kind is not None:
                try:
                    found = self.service.link_choices(row.spec.link_kind)
                except UserError as exc:
                    log.warning("link choices unavailable: %s", exc)
                    found = []
                row.widget.set_choices(
                    [LinkChoice(r[0], r[1] or "", r[2] == "final") for r in found]
                )

    # --- values --------------------------------------------------------------------------------

    def values(self) -> Values:
        """What the form holds now, lightly parsed (validation judges it)."""
        return {name: row.widget.value() for name, row in self.rows.items()}

    def _set_values(self, values: Values, *, partial: bool = False) -> None:
        sub = self.rows.get("sub_element")
        if (
            sub
            and isinstance(sub.widget, SubElementField)
            and (not partial or "dimension" in values)
        ):
            sub.widget.set_dimension(values.get("dimension"))
        for name, row in self.rows.items():
            if not partial or name in values:
                row.widget.set_value(values.get(name))

    def set_values(self, values: Values) -> None:
        """Fill the named fields as if typed (marks the form changed, schedules an autosave)."""
        self._set_values(values, partial=True)
        for name in values:
            if name in self.rows:
                self._on_edited(name)

    def has_unsaved_changes(self) -> bool:
        if self.read_only or self._closed:
            return False
        return self._comparable(self.values()) != self._comparable(self._baseline)

    def _comparable(self, values: Values) -> Values:
        return normalise(self.kind, values)

    def _draft_payload(self) -> dict[str, Any] | None:
        if not self.has_unsaved_changes():
            return None
        return {
            "kind": self.kind.value,
            "record_id": self.record.id if self.record else None,
            "base_revision": self.record.revision if self.record else None,
            "values": self.values(),
        }

    # --- editing -------------------------------------------------------------------------------

    def _on_edited(self, name: str) -> None:
        if self.read_only:
            return
        self._touched.add(name)
        self._live_timer.start()
        self.autosave.schedule()
        self._refresh_header()

    def _fill_coordinates(self, lat: float, lon: float) -> None:
        self.rows["latitude"].widget.set_value(lat)
        self.rows["longitude"].widget.set_value(lon)
        self._on_edited("latitude")
        self._on_edited("longitude")

    def _live_check(self) -> None:
        """Re-judge just-edited fields so a mistake shows while the person is still there."""
        touched, self._touched = self._touched, set()
        problems = validate(self.kind, normalise(self.kind, self.values()), final=False)
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name in touched:
            row = self.rows.get(name)
            if row is not None:
                row.show_messages(self._messages(row, by_field))
        self._recount_errors()

    @staticmethod
    def _messages(row: _Row, by_field: dict[str, list[str]]) -> list[str]:
        # Text the widget could not read at all (31/02/2024) gets the widget's precise message.
        entry = row.widget.entry_problem()
        return [entry] if entry else by_field.get(row.spec.name, [])

    def _recount_errors(self) -> None:
        """Keep the banner's count true while the person fixes fields, and hide it at zero."""
        if self.error_bar.isHidden() or self._bar_lines is None:
            return
        count = sum(1 for row in self.rows.values() if not row.error.isHidden())
        general, tail = self._bar_lines
        if count == 0 and not general:
            self.error_bar.hide()
            self._bar_lines = None
            return
        self.error_text.setText("\n".join([self._summary(count + len(general)), *general, *tail]))

    @staticmethod
    def _summary(count: int) -> str:
        return _("Ada {n} isian yang perlu diperbaiki; lihat pesan merah di bawah isian.").format(
            n=count
        )

    def show_problems(self, problems: list[Problem]) -> None:
        """Each message under its field, a summary on top, the first bad field focused."""
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            if problem.field in self.rows:
                by_field.setdefault(problem.field, []).append(problem.message)
            else:
                general.append(problem.message)
        for row in self.rows.values():
            row.show_messages(self._messages(row, by_field))
        count = len(by_field) + len(general)
        self._bar_lines = (general, [])
        self._show_bar(self.error_bar, self.error_text, "\n".join([self._summary(count), *general]))
        first = next((spec.name for spec in FIELDS[self.kind] if spec.name in by_field), None)
        if first is not None:
            row = self.rows[first]
            self.scroll.ensureWidgetVisible(row.widget, 50, 80)
            row.widget.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_problems(self) -> None:
        for row in self.rows.values():
            row.show_messages([])
        self.error_bar.hide()
        self._bar_lines = None

    def field_message(self, name: str) -> str:
        """The message shown under a field ("" when none); for tests and accessibility checks."""
        row = self.rows[name]
        return row.error.text() if not row.error.isHidden() else ""

    def _show_bar(self, bar: QFrame, label: QLabel, text: str) -> None:
        label.setText(text)
        bar.show()

    # --- saving --------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.read_only or self._closed:
            return False
        values = self.values()
        try:
            if self.record is None:
                change = self.service.create(self.kind, values)
            else:
                change = self.service.update(self.kind, self.record.id, values)
        except ValidationFailed as exc:
            self.show_problems(exc.problems)
            return False
        except UserError as exc:
            self._save_failed(exc)
            return False
        self._saved(change, values)
        return True

    def finalise(self) -> bool:
        if self.read_only or self._closed:
            return False
        values = self.values()
        problems = validate(self.kind, normalise(self.kind, values), final=True)
        if problems:
            self.show_problems(problems)
            not_final = _("Catatan belum difinalkan.")
            if self._bar_lines is not None:
                self._bar_lines[1].append(not_final)
            self._show_bar(
                self.error_bar, self.error_text, self.error_text.text() + "\n" + not_final
            )
            return False
        try:
            if self.record is None:
                change = self.service.create(self.kind, values, finalise=True)
            elif self.record.is_final:
                change = self.service.update(self.kind, self.record.id, values)
            else:
                saved = self.service.update(self.kind, self.record.id, values)
                if not saved.details.get("unchanged"):
                    self._saved(saved, values)
                assert self.record is not None
                change = self.service.finalise(self.kind, self.record.id)
        except ValidationFailed as exc:
            self.show_problems(exc.problems)
            return False
        except UserError as exc:
            self._save_failed(exc)
            return False
        self._saved(change, values)
        return True

    def _saved(self, change: Change, values: Values) -> None:
        record_id = self.record.id if self.record else change.ids[0]
        self.record = self.service.get(self.kind, record_id)
        self._baseline = normalise(self.kind, values)
        # The saved record supersedes its form draft, including one kept under a "new" key.
        new_key = form_draft_key(self.kind, record_id, "")
        if self.autosave.key != new_key:
            self.service_discard(self.autosave.key)
            self.autosave.key = new_key
        self.autosave.discard()
        self.clear_problems()
        self._offer = None
        self.restore_bar.hide()
        self.attachments.set_record(record_id, self.read_only)
        self._refresh_header()
        self._refresh_review()
        saved_at = datetime.now().strftime("%H:%M")
        if self.record is not None and self.record.is_final:
            done = _("Catatan final disimpan pukul {time}.")
        else:
            done = _("Draf disimpan pukul {time}.")
        self.autosave_label.setText(done.format(time=saved_at))
        self.saved.emit(change)

    def service_discard(self, key: str) -> None:
        try:
            self.service.discard_form_draft(key)
        except UserError as exc:
            log.warning("could not discard form draft %s: %s", key, exc)

    def _save_failed(self, exc: UserError) -> None:
        # Nothing in the form is touched: the person can free space and press Save again.
        message = str(exc) + "\n" + _("Isian Anda masih ada di formulir dan belum hilang.")
        self._bar_lines = None  # not a count of fields: fixing a field does not change it
        self._show_bar(self.error_bar, self.error_text, message)
        self.dialogs.show_error(_("Gagal menyimpan"), message)

    def delete(self) -> bool:
        if self.record is None or self.read_only or self._closed:
            return False
        title = self.record.title or _("(tanpa judul)")
        question = _(
            'Hapus {kind} "{title}"?\n\nCatatan yang dihapus tidak tampil lagi di daftar, dan '
            "penghapusannya ikut terkirim ke kecamatan."
        ).format(kind=_(KIND_LABELS[self.kind]).lower(), title=title)
        if not self.dialogs.confirm(_("Hapus catatan"), question, _("Hapus"), _("Batal")):
            return False
        try:
            change = self.service.delete(self.kind, self.record.id)
        except UserError as exc:
            self._save_failed(exc)
            return False
        self.autosave.discard()
        self._finish()
        self.saved.emit(change)
        self.closed.emit()
        return True

    def try_close(self) -> bool:
        if self._closed:
            return True
        if self.has_unsaved_changes():
            choice = self.dialogs.ask_close(bool(self.record and self.record.is_final))
            if choice is CloseChoice.CANCEL:
                return False
            if choice is CloseChoice.SAVE and not self.save():
                return False
            if choice is CloseChoice.KEEP and not self.autosave.flush():
                return False
            if choice is CloseChoice.DISCARD:
                self.autosave.discard()
        elif not self.read_only and self._offer is None:
            self.autosave.discard()
        self._finish()
        self.closed.emit()
        return True

    def flush_autosave(self) -> bool:
        """Write a pending autosave now (the shell calls this before the application quits)."""
        if self.read_only or self._closed or not self.autosave.pending():
            return True
        return self.autosave.flush()

    def _finish(self) -> None:
        self._closed = True
        self.autosave.stop()
        self._live_timer.stop()
        self.attachments.shutdown()

    # --- stored forms (autosave restore) ---------------------------------------------------------

    def _offer_stored_form(self) -> None:
        try:
            if self.record is not None:
                found = stored_form(self.service, self.autosave.key)
            else:
                found = latest_new_form(self.service, self.kind)
        except UserError as exc:
            log.warning("stored forms unavailable: %s", exc)
            return
        if found is None:
            return
        values = found.payload.get("values")
        if not isinstance(values, dict) or self._comparable(values) == self._comparable(
            self.values()
        ):
            self.service_discard(found.key)
            return
        self._offer = found
        local = found.saved_at.replace(tzinfo=UTC).astimezone()
        text = _("Pulihkan isian yang belum disimpan dari {time}?").format(
            time=local.strftime("%d/%m/%Y %H:%M")
        )
        base = found.payload.get("base_revision")
        if self.record is not None and base is not None and base != self.record.revision:
            text += " " + _("Catatan ini sudah berubah sejak itu (sekarang revisi {n}).").format(
                n=self.record.revision
            )
        self._show_bar(self.restore_bar, self.restore_text, text)
        # Until the person decides, typing would overwrite the stored form: wait for the answer.
        self.content.setEnabled(False)
        self.save_button.setEnabled(False)
        self.finalise_button.setEnabled(False)

    def stored_form_offer(self) -> StoredForm | None:
        return self._offer

    def restore_stored_form(self) -> None:
        offer, self._offer = self._offer, None
        self._end_offer()
        if offer is None:
            return
        self.autosave.adopt(offer.key)
        values = offer.payload.get("values") or {}
        self.set_values({k: v for k, v in values.items() if k in self.rows})

    def drop_stored_form(self) -> None:
        offer, self._offer = self._offer, None
        self._end_offer()
        if offer is not None:
            self.service_discard(offer.key)

    def _end_offer(self) -> None:
        self.restore_bar.hide()
        self.content.setEnabled(True)
        self._apply_read_only()

    # --- appearance ----------------------------------------------------------------------------

    def _refresh_header(self) -> None:
        kind_label = _(KIND_LABELS[self.kind])
        title = self.values().get("title") if self.rows.get("title") else None
        # The badge tells the state of the record in the database; the footer tells what happened
        # to the typing (autosaved on this computer, saved, finalised). Both use the same words:
        # "disimpan" is only ever said of the record, "dicadangkan" of the autosaved form.
        changed = self.has_unsaved_changes()
        if self.record is None:
            self.title_label.setText(_("{kind} baru").format(kind=kind_label))
            self.status_label.setText(_("Baru · belum disimpan"))
            self.status_label.setProperty("state", "new")
        else:
            self.title_label.setText(
                f"{kind_label}: {title or self.record.title or _('(tanpa judul)')}"
            )
            if self.record.deleted:
                status = _("Dihapus")
                state = "deleted"
            elif self.record.is_final:
                status = _("Final")
                state = "final"
            else:
                status = _("Draf")
                state = "draft"
            text = _("{status} · Revisi {n}").format(status=status, n=self.record.revision)
            if changed:
                text += " · " + _("ada perubahan belum disimpan")
            self.status_label.setText(text)
            self.status_label.setProperty("state", state)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.title_label.setToolTip(self.title_label.text())
        self.status_label.setToolTip(
            _(
                "Draf: catatan tersimpan dan boleh diubah. Final: catatan lengkap dan siap dikirim. "
                "Isian yang dicadangkan otomatis belum menjadi catatan sampai Anda menekan Simpan."
            )
        )
        final = bool(self.record and self.record.is_final)
        self.save_button.setText(_("Simpan revisi baru") if final else _("Simpan draf"))
        self.finalise_button.setVisible(not final)
        self.delete_button.setVisible(self.record is not None and not self.read_only)

    def _refresh_review(self) -> None:
        """The banner of a record of this office that an office above has reviewed."""
        record = self.record
        banner = None
        if record is not None and record.office_code == self.ctx.office.code:
            banner = review_banner(
                self.ctx, self.kind, record.id, record.revision, record.sent_revision
            )
        if banner is None:
            self.review_bar.hide()
            return
        self.review_bar.setProperty("repair", "true" if banner.needs_repair else "false")
        self.review_bar.style().unpolish(self.review_bar)
        self.review_bar.style().polish(self.review_bar)
        self.review_text.style().unpolish(self.review_text)
        self.review_text.style().polish(self.review_text)
        self._show_bar(self.review_bar, self.review_text, banner.text)

    def _apply_read_only(self) -> None:
        for row in self.rows.values():
            row.widget.set_read_only(self.read_only)
        editable = not self.read_only and self._offer is None
        self.save_button.setVisible(not self.read_only)
        self.save_button.setEnabled(editable)
        self.finalise_button.setEnabled(editable)
        if self.read_only and self.record is not None:
            self.finalise_button.setVisible(False)
            if self.record.deleted:
                text = _("Catatan ini sudah dihapus; isinya hanya dapat dilihat.")
            else:
                text = _(
                    "Catatan ini milik kantor {office}; hanya kantor itu yang dapat mengubahnya. "
                    "Di sini isinya hanya dapat dilihat."
                ).format(office=self._owner_label())
            self._show_bar(self.readonly_bar, self.readonly_text, text)

    def _owner_label(self) -> str:
        assert self.record is not None
        code = self.record.office_code
        name = self.provenance.owner_name if self.provenance is not None else ""
        return f"{name} ({code})" if name and name != code else code

    def _on_autosaved(self, when: datetime | None) -> None:
        if when is not None:
            self.autosave_label.setText(
                _(
                    "Isian dicadangkan otomatis di komputer ini pukul {time}; belum disimpan "
                    "sebagai catatan."
                ).format(time=when.strftime("%H:%M:%S"))
            )

    def _on_autosave_failed(self, message: str) -> None:
        self.autosave_label.setText(
            _("Penyimpanan sementara gagal: {reason}").format(reason=message)
        )
        self.autosave_label.setToolTip(message)

    def _ensure_saved_for_attachments(self) -> str | None:
        """Attachments need a record: a new one is saved as a draft first."""
        if self.record is None and not self.save():
            return None
        return self.record.id if self.record else None
