"""Reviu Data: one village's records, each beside the review form, for hundreds in a sitting.

Keyboard flow: PgDown / Alt+Right next, PgUp / Alt+Left previous, 1-5 one key per state, Enter (or
Ctrl+Enter in the comment) saves and moves on. Next and previous follow the filters through
``queue_step`` (one indexed seek), so a record that was just reviewed and left the filter is still
the place to continue from. A selection in the list gets one state and reason at once.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import RecordKind, kind_label
from smartcity_desktop.domain.review import (
    CHANGED_SINCE_REVIEW,
    FIXED_AFTER_RETURN,
    ReviewState,
    state_label,
)
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.review.record_view import RecordView
from smartcity_desktop.gui.review.review_form import STATE_KEYS, ReviewForm
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.review import (
    Decision,
    QueueEntry,
    QueueFilter,
    ReviewChanged,
    ReviewInvalid,
    own_review,
    queue_step,
    review_queue,
    review_records,
    review_versions,
)

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

ID_ROLE = Qt.ItemDataRole.UserRole
SHOW_ALL, SHOW_UNREVIEWED, SHOW_CHANGED = "all", "unreviewed", "changed"


def _state_text(entry: QueueEntry) -> str:
    if entry.state is None:
        return _("Belum direviu")
    text = state_label(entry.state)
    if entry.fixed_after_return:
        return f"{text} · {_(FIXED_AFTER_RETURN)}"
    if entry.changed_since_review:
        return f"{text} · {_(CHANGED_SINCE_REVIEW)}"
    return text


def _decision_text(decision: Decision) -> str:
    parts = [state_label(decision.state) if decision.state else _("tanpa hasil")]
    if decision.comment:
        parts.append(f"“{decision.comment}”")
    return ", ".join(parts)


class ReviewQueuePage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.ctx = shell.ctx
        self.entries: list[QueueEntry] = []
        self.row_of: dict[str, int] = {}
        self.current: QueueEntry | None = None
        # This office's review revision of each record as last loaded here: a save hands it back,
        # so a review another analyst saved meanwhile is never silently overwritten.
        self.versions: dict[str, int] = {}
        self._publishing = False
        self._syncing = False
        self._unsaved: tuple[Decision, int] | None = None

        title = QLabel(_("Reviu Data Desa"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.desa = QComboBox()
        self.desa.setAccessibleName(_("Desa yang direviu"))
        self.desa.setMinimumContentsLength(24)
        self.show_filter = QComboBox()
        self.show_filter.setAccessibleName(_("Tampilkan"))
        for code, label in (
            (SHOW_ALL, _("Semua catatan")),
            (SHOW_UNREVIEWED, _("Belum direviu")),
            (SHOW_CHANGED, _("Berubah sejak direviu")),
        ):
            self.show_filter.addItem(label, code)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName(_("Hasil verifikasi"))
        self.state_filter.addItem(_("Semua hasil"), None)
        for state in ReviewState:
            self.state_filter.addItem(state_label(state), state.value)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName(_("Jenis catatan"))
        self.kind_filter.addItem(_("Semua jenis"), None)
        for kind in RecordKind:
            self.kind_filter.addItem(kind_label(kind), kind.value)
        filters = QHBoxLayout()
        for label, widget in (
            (_("&Desa:"), self.desa),
            (_("&Tampilkan:"), self.show_filter),
            (_("&Hasil:"), self.state_filter),
            (_("J&enis:"), self.kind_filter),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addStretch(1)

        left = QWidget()
        self.table = QTableWidget(0, 3)
        # At the kabupaten the column is its own verdict; the kecamatan's is shown beside the form.
        self.above_kecamatan = self.ctx.office.role == "kabupaten"
        result_header = _("Hasil kabupaten") if self.above_kecamatan else _("Hasil")
        self.table.setHorizontalHeaderLabels([_("Jenis"), _("Judul"), result_header])
        self.table.setAccessibleName(_("Daftar catatan desa"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        widest = max(("Perlu perbaikan", result_header), key=self.fontMetrics().horizontalAdvance)
        header.resizeSection(2, self.fontMetrics().horizontalAdvance(widest) + 16)
        left.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 26)
        self.table.currentCellChanged.connect(self._row_chosen)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.bulk_button = QPushButton()
        self.bulk_button.setToolTip(
            _("Terapkan hasil dan alasan yang dipilih di formulir ke semua catatan terpilih")
        )
        self.bulk_button.clicked.connect(self.apply_to_selection)
        self.count_label = QLabel()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.bulk_button)

        self.record_view = RecordView(self.ctx)
        self.form = ReviewForm()
        self.form.state_changed.connect(self._state_chosen)
        self.prev_button = QPushButton(_("◀ Sebelumnya"))
        self.prev_button.setToolTip(_("PgUp atau Alt+Kiri"))
        self.prev_button.clicked.connect(self.previous_record)
        self.save_button = QPushButton(_("Simpan && lanjut"))
        self.save_button.setToolTip(_("Enter (di kotak catatan: Ctrl+Enter)"))
        self.save_button.clicked.connect(self.save_and_next)
        self.next_button = QPushButton(_("Berikutnya ▶"))
        self.next_button.setToolTip(_("PgDown atau Alt+Kanan"))
        self.next_button.clicked.connect(self.next_record)
        self.message = QLabel(wordWrap=True)
        self.reload_button = QPushButton(_("&Muat ulang reviu terbaru"))
        self.reload_button.setToolTip(
            _("Tampilkan reviu yang disimpan analis lain; isian Anda tetap tertulis di bawahnya")
        )
        self.reload_button.clicked.connect(self.reload_after_conflict)
        self.reload_button.hide()
        keys = QLabel(
            _("Tombol: {keys} hasil · Enter simpan dan lanjut · PgDown/PgUp pindah catatan").format(
                keys=" ".join(STATE_KEYS.values())
            ),
            wordWrap=True,
        )
        keys.setStyleSheet("color: #555;")
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.save_button, 1)
        nav.addWidget(self.next_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.kecamatan_note = QLabel(wordWrap=True)
        self.kecamatan_note.setAccessibleName(_("Hasil reviu kecamatan"))
        self.kecamatan_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kecamatan_note.setVisible(self.above_kecamatan)
        self.kecamatan_notes: dict[str, Any] = {}
        right_layout.addWidget(self.kecamatan_note)
        right_layout.addWidget(self.form)
        right_layout.addLayout(nav)
        right_layout.addWidget(self.reload_button)
        right_layout.addWidget(self.message)
        right_layout.addStretch(1)
        right_layout.addWidget(keys)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.record_view)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        for n, stretch in enumerate((5, 5, 4)):
            self.splitter.setStretchFactor(n, stretch)
        self.splitter.setSizes([470, 430, 380])
        self.empty = QLabel(wordWrap=True)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)

        self._shortcuts()
        for combo in (self.show_filter, self.state_filter, self.kind_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.desa.currentIndexChanged.connect(lambda _i: self.reload())
        # Left to right: filters, the list, the record, then the form and its buttons.
        chain: list[QWidget] = [
            self.desa,
            self.show_filter,
            self.state_filter,
            self.kind_filter,
            self.table,
            self.bulk_button,
            self.record_view.text,
            *self.form.tab_chain(),
            self.prev_button,
            self.save_button,
            self.next_button,
            self.reload_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        shell.hub.changed.connect(self._on_change)
        self.reload_villages()

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        pairs: list[tuple[str, Any]] = [
            ("PgDown", self.next_record),
            ("Alt+Right", self.next_record),
            ("PgUp", self.previous_record),
            ("Alt+Left", self.previous_record),
            ("Return", self.save_and_next),
            ("Enter", self.save_and_next),
            ("Ctrl+Return", self.save_and_next),
            ("Ctrl+Enter", self.save_and_next),
        ]
        for state, key in STATE_KEYS.items():
            pairs.append((key, lambda s=state.value: self._key_state(s)))
        self.shortcuts = []
        for key, slot in pairs:
            shortcut = QShortcut(QKeySequence(key), self, context=context)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    # --- villages and filters --------------------------------------------------------------

    def reload_villages(self) -> None:
        from smartcity_desktop.services.completeness import completeness

        chosen = self.desa.currentData()
        lines = [v for g in completeness(self.ctx).groups for v in g.villages if v.status.total > 0]
        self.desa.blockSignals(True)
        self.desa.clear()
        own_progress = self.ctx.office.role == "kecamatan"
        for line in lines:
            # The progress counts the kecamatan's reviews; at the kabupaten it would not be its own.
            label = (
                _("{name} ({progress} direviu)").format(name=line.name, progress=line.progress)
                if own_progress
                else _("{name} ({n} catatan)").format(name=line.name, n=line.status.total)
            )
            self.desa.addItem(label, line.code)
        index = self.desa.findData(chosen)
        self.desa.setCurrentIndex(index if index >= 0 else 0)
        self.desa.blockSignals(False)
        has_data = bool(lines)
        self.empty.setVisible(not has_data)
        self.splitter.setVisible(has_data)
        self.empty.setText(
            ""
            if has_data
            else _(
                "Belum ada catatan desa di kantor ini. Terima paket dari desa lewat halaman "
                "Terima Data; catatannya lalu muncul di sini untuk direviu."
            )
        )
        self.reload()

    def choose_desa(self, code: str) -> None:
        index = self.desa.findData(code)
        if index >= 0:
            self.desa.setCurrentIndex(index)

    def queue_filter(self) -> QueueFilter:
        show = self.show_filter.currentData()
        return QueueFilter(
            kind=self.kind_filter.currentData(),
            unreviewed=show == SHOW_UNREVIEWED,
            changed=show == SHOW_CHANGED,
            state=self.state_filter.currentData(),
        )

    def reload(self) -> None:
        """The list for the chosen village and filters; stays on the current record if listed."""
        desa = self.desa.currentData()
        keep = self.current.id if self.current else None
        self.entries = review_queue(self.ctx, desa, self.queue_filter()) if desa else []
        self.versions = review_versions(self.ctx, [e.id for e in self.entries])
        if self.above_kecamatan:
            from smartcity_desktop.services.review_results import kecamatan_notes

            self.kecamatan_notes = kecamatan_notes(self.ctx, desa) if desa else {}
        self.row_of = {entry.id: n for n, entry in enumerate(self.entries)}
        self._syncing = True
        self.table.setRowCount(len(self.entries))
        for n, entry in enumerate(self.entries):
            kind = QTableWidgetItem(kind_label(entry.kind))
            kind.setData(ID_ROLE, entry.id)
            title = QTableWidgetItem(entry.title)
            title.setToolTip(entry.title)
            self.table.setItem(n, 0, kind)
            self.table.setItem(n, 1, title)
            self.table.setItem(n, 2, QTableWidgetItem(_state_text(entry)))
        self._syncing = False
        self._selection_changed()
        target = next((e for e in self.entries if e.id == keep), None) or (
            self.entries[0] if self.entries else None
        )
        self.show_entry(target)

    # --- one record ------------------------------------------------------------------------

    def show_entry(self, entry: QueueEntry | None) -> None:
        from smartcity_desktop.services.review_desk import merge_candidates, record_details

        self.current = entry
        self.message.clear()
        self.reload_button.hide()
        has = entry is not None
        for widget in (self.form, self.save_button):
            widget.setEnabled(has)
        if entry is None:
            self.kecamatan_note.clear()
            self.record_view.clear(
                _("Tidak ada catatan yang cocok dengan saringan ini.") if self.desa.count() else ""
            )
            self.form.load("", None)
            self._update_position()
            return
        self.record_view.show_record(record_details(self.ctx, entry.kind, entry.id))
        if self.above_kecamatan:
            self._show_kecamatan_note(entry)
        # The revision first: a save in between makes the form's revision older, never newer.
        self.versions.update(review_versions(self.ctx, [entry.id]))
        review = own_review(self.ctx, entry.id)
        values = review.values if review is not None else None
        merge: list[tuple[str, str]] = []
        if values and values.get("merge_into"):
            merge = [
                (c.id, c.title)
                for c in merge_candidates(self.ctx, entry.kind, self.desa.currentData(), entry.id)
            ]
        self.form.load(entry.kind, values, merge)
        row = self.row_of.get(entry.id)
        if row is not None and self.table.currentRow() != row:
            self._syncing = True
            self.table.setCurrentCell(row, 1)
            self._syncing = False
        self._update_position()

    def _show_kecamatan_note(self, entry: QueueEntry) -> None:
        from smartcity_desktop.domain.review import changed_since_review

        note = self.kecamatan_notes.get(entry.id)
        if note is None:
            self.kecamatan_note.setText(_("Hasil kecamatan: belum direviu kecamatan."))
            return
        text = _("Hasil kecamatan: {summary}").format(summary=note.summary())
        if changed_since_review(note.target_revision, entry.revision):
            text += " " + _("(direviu pada revisi {n})").format(n=note.target_revision)
        self.kecamatan_note.setText(text)

    def _update_position(self) -> None:
        row = self.row_of.get(self.current.id) if self.current else None
        self.count_label.setText(
            _("Catatan {n} dari {total} dalam daftar").format(n=row + 1, total=len(self.entries))
            if row is not None
            else _("{total} catatan dalam daftar").format(total=len(self.entries))
        )

    def _row_chosen(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        if self._syncing or not 0 <= row < len(self.entries):
            return
        if self.current is None or self.entries[row].id != self.current.id:
            self.show_entry(self.entries[row])

    def _state_chosen(self, state: str) -> None:
        from smartcity_desktop.services.review_desk import merge_candidates

        entry = self.current
        if state == ReviewState.DIGABUNG and entry is not None and self.form.merge_into.count() < 2:
            for candidate in merge_candidates(
                self.ctx, entry.kind, self.desa.currentData(), entry.id
            ):
                self.form.merge_into.addItem(candidate.title or candidate.id, candidate.id)

    def _key_state(self, state: str) -> None:
        if self.current is not None:
            self.form.choose_state(state)

    def step(self, *, backwards: bool = False) -> QueueEntry | None:
        desa = self.desa.currentData()
        if not desa:
            return None
        found = queue_step(
            self.ctx,
            desa,
            self.current.id if self.current else None,
            self.queue_filter(),
            backwards=backwards,
        )
        if found is None:
            self.message.setText(
                _("Ini catatan pertama dalam daftar.")
                if backwards
                else _("Tidak ada catatan berikutnya dalam daftar.")
            )
            return None
        self.show_entry(found)
        return found

    def next_record(self) -> QueueEntry | None:
        return self.step()

    def previous_record(self) -> QueueEntry | None:
        return self.step(backwards=True)

    # --- saving ----------------------------------------------------------------------------

    def save_and_next(self) -> bool:
        entry = self.current
        if entry is None:
            return False
        if not self._save([entry.id], self.form.decision()):
            return False
        self._refresh_rows([entry.id])
        if self.step() is None:
            self.message.setText(
                _("Reviu tersimpan. Tidak ada catatan berikutnya dalam daftar ini.")
            )
        return True

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.entries[r].id for r in rows if r < len(self.entries)]

    def _selection_changed(self) -> None:
        n = len(self.selected_ids()) if self.entries else 0
        self.bulk_button.setText(_("Terapkan ke {n} catatan terpilih").format(n=n))
        self.bulk_button.setEnabled(n > 1)

    def apply_to_selection(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        form = self.form.decision()
        decision = Decision(form.state, form.reason, form.comment)
        if not self._save(ids, decision):
            return False
        self._refresh_rows(ids)
        self.message.setText(_("Reviu tersimpan untuk {n} catatan.").format(n=len(ids)))
        return True

    def _save(self, ids: list[str], decision: Decision) -> bool:
        expected = {i: self.versions.get(i, 0) for i in ids}
        try:
            change = review_records(self.ctx, ids, decision, expected=expected)
        except ReviewInvalid as exc:
            self.form.show_problems(exc.problems)
            return False
        except ReviewChanged as exc:
            self.form.show_error(str(exc))
            self._unsaved = (decision, len(ids))
            self.reload_button.show()
            return False
        except UserError as exc:
            self.form.show_error(str(exc))
            return False
        self.form.clear_errors()
        self.reload_button.hide()
        self.versions.update(review_versions(self.ctx, ids))
        self._publish(change)
        return True

    def reload_after_conflict(self) -> None:
        """Show what the other analyst saved, and below it what was typed here and not saved, so
        the two can be compared before saving again."""
        unsaved = self._unsaved
        if unsaved is not None and unsaved[1] > 1:
            self.reload()
        else:
            if self.current is not None:
                self._refresh_rows([self.current.id])  # the list shows the stored verdict too
            self.show_entry(self.current)
        self.reload_button.hide()
        if unsaved is not None:
            self.message.setText(
                _("Reviu terbaru dimuat. Isian Anda yang belum tersimpan: {summary}").format(
                    summary=_decision_text(unsaved[0])
                )
            )
        self._unsaved = None

    def _refresh_rows(self, ids: list[str]) -> None:
        """Only the rows just reviewed: re-reading the whole list would cost a step's budget."""
        desa = self.desa.currentData()
        wanted = set(ids)
        fresh = (
            {
                e.id: e
                for e in review_queue(self.ctx, desa, QueueFilter(kind=None))
                if e.id in wanted
            }
            if len(ids) > 1
            else {}
        )
        for record_id in ids:
            row = self.row_of.get(record_id)
            if row is None:
                continue
            entry = fresh.get(record_id) or self._entry_now(self.entries[row])
            self.entries[row] = entry
            item = self.table.item(row, 2)
            if item is not None:
                item.setText(_state_text(entry))

    def _entry_now(self, entry: QueueEntry) -> QueueEntry:
        review = own_review(self.ctx, entry.id)
        if review is None:
            return entry
        values = review.values
        return QueueEntry(
            entry.kind,
            entry.id,
            entry.title,
            review.record_revision or entry.revision,
            entry.created_at,
            review.id,
            values.get("state"),
            values.get("reason"),
            values.get("priority"),
            values.get("target_revision"),
        )

    def _publish(self, change: Change) -> None:
        self._publishing = True
        try:
            self.shell.hub.publish(change)
        finally:
            self._publishing = False

    def _on_change(self, change: Change) -> None:
        if self._publishing:
            return
        if change.action in (Action.IMPORTED, Action.REVIEWED, Action.DELETED):
            self.reload_villages()
