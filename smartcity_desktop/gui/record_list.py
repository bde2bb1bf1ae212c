"""A list page for one record kind: search, filters, a sortable table, and the record editor.

All rows of the kind are loaded once off the GUI thread (``RecordService.table_rows``: light tuples)
and kept in ``RecordTableModel``; the filters then work in memory and the search box asks the
full-text index only for matching ids, so a keystroke costs milliseconds even with 20,000 rows.
The editor from ``gui.forms`` opens in place of the list and returns to it when closed.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import KIND_LABELS, RecordKind
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.record_table_model import (
    STATUS_LABELS,
    RecordTableModel,
    parse_visible,
)
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.gui_support import format_count
from smartcity_desktop.services.origin_columns import ORIGIN_DESA, ORIGIN_KECAMATAN
from smartcity_desktop.services.provenance import origin_places, shows_origin
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review_results import (
    RESULT_CODES,
    REVIEW_RESULT,
    result_label,
    review_notes,
)
from smartcity_desktop.services.settings import get_setting, update_settings

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 40  # long enough to skip the middle of a fast word, short enough to feel live
_WORD = re.compile(r"\w", re.UNICODE)

EMPTY_TEXTS = {
    RecordKind.PROBLEM: N_(
        'Belum ada permasalahan. Tekan "Baru" (Ctrl+N) untuk mencatat yang pertama.'
    ),
    RecordKind.POTENTIAL: N_(
        'Belum ada potensi. Tekan "Baru" (Ctrl+N) untuk mencatat yang pertama.'
    ),
    RecordKind.PROPOSAL: N_(
        'Belum ada usulan inovasi. Tekan "Baru" (Ctrl+N) untuk mencatat yang pertama.'
    ),
}

# Changes that move a desa's "Hasil verifikasi" without touching its records.
REVIEW_CHANGES = frozenset({"review", "bundle_export"})

# Above the village the lists hold the villages' records: nobody there types them (the domain:
# a desa records its needs, the kecamatan and kabupaten verify, rank and forward them).
UPPER_EMPTY_TEXTS = {
    RecordKind.PROBLEM: N_(
        "Belum ada permasalahan dari desa. Catatan diisi oleh desa dan tiba lewat Terima Data."
    ),
    RecordKind.POTENTIAL: N_(
        "Belum ada potensi dari desa. Catatan diisi oleh desa dan tiba lewat Terima Data."
    ),
    RecordKind.PROPOSAL: N_(
        "Belum ada usulan inovasi dari desa. Catatan diisi oleh desa dan tiba lewat Terima Data."
    ),
}

EditorFactory = Callable[["Shell", RecordKind, "str | None", QWidget], QWidget]


def default_editor_factory(
    shell: Shell, kind: RecordKind, record_id: str | None, parent: QWidget
) -> QWidget:
    try:
        from smartcity_desktop.gui.forms import RecordEditor  # type: ignore[attr-defined]
    except ImportError:
        from smartcity_desktop.gui.forms.editor import RecordEditor
    return RecordEditor(shell.ctx, shell.runner, kind, record_id, parent)


class RecordListPage(QWidget):
    editor_factory: EditorFactory = staticmethod(default_editor_factory)  # type: ignore[assignment]

    def __init__(self, shell: Shell, kind: RecordKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.kind = RecordKind(kind)
        self.service = RecordService(shell.ctx)
        # Above the village the list names where each record comes from; a desa lists its own.
        self.places = origin_places(shell.ctx) if shows_origin(shell.ctx) else None
        # A desa sees what its kecamatan and kabupaten said of each of its records.
        self.shows_review = shell.ctx.office.role == "desa"
        # Only a desa writes records; above it the lists are for reading and reviewing.
        self.authors = shell.ctx.office.role == "desa"
        self.model = RecordTableModel(self.kind, self, self.places, review=self.shows_review)
        if self.shows_review:
            ctx, kind = shell.ctx, self.kind
            self.model.set_review_lookup(
                lambda record_id: review_notes(ctx, kind, record_id).get(record_id, [])
            )
        self.editor: QWidget | None = None
        self.editor_record: str | None = None
        self._load_generation = 0
        self._search_generation = 0
        self._loaded = False
        self._select_after_load: str | None = None
        self._reload_needed = False

        self._build()
        self._apply_visible_columns(self._parse_visible(self._stored_columns()))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        shell.hub.changed.connect(self._on_change)
        self.reload()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel(_(KIND_LABELS[self.kind]))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.count = QLabel()
        self.count.setAccessibleName(_("Jumlah catatan"))
        self.new_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon), _("&Baru")
        )
        self.new_button.setToolTip(
            _("Catat {kind} baru (Ctrl+N)").format(kind=_(KIND_LABELS[self.kind]).lower())
        )
        self.new_button.setAccessibleName(_("Catatan baru"))
        self.new_button.clicked.connect(self.new_record)
        self.new_button.setVisible(self.authors)
        self.reader_hint = QLabel(
            _("Catatan diisi oleh desa; periksa lewat Reviu Data.") if not self.authors else ""
        )
        self.reader_hint.setObjectName("Hint")
        self.reader_hint.setStyleSheet("color: #566573;")
        self.reader_hint.setVisible(not self.authors)
        self.open_button = QPushButton(_("B&uka"))
        self.open_button.setToolTip(_("Buka catatan yang dipilih (Enter atau klik dua kali)"))
        self.open_button.setAccessibleName(_("Buka catatan yang dipilih"))
        self.open_button.clicked.connect(self.open_current)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Cari judul atau uraian… (Ctrl+F)"))
        self.search.setAccessibleName(_("Cari catatan"))
        self.search.returnPressed.connect(self._search_now)
        self.dimension = self._combo(
            _("Semua dimensi"),
            [(i.code, i.label()) for i in ref_list("dimensions").items],
            _("Saring menurut dimensi"),
        )
        self.status = self._combo(
            _("Semua status"),
            [(code, _(label)) for code, label in STATUS_LABELS.items()],
            _("Saring menurut status"),
        )
        self.urusan = self._combo(
            _("Semua urusan"),
            [(i.code, f"{i.code} {i.label()}") for i in ref_list("urusan").items],
            _("Saring menurut urusan pemerintahan"),
        )
        # The search box keeps a usable width at 150 % scaling; the combos give way first.
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 20)
        self.urusan.view().setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 30)
        self.reset_button = QPushButton(_("Hapus saringan"))
        self.reset_button.setAccessibleName(_("Hapus pencarian dan saringan"))
        self.reset_button.clicked.connect(self.clear_filters)
        for combo, name in (
            (self.dimension, "dimension"),
            (self.status, "status"),
            (self.urusan, "urusan"),
        ):
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=name: self.model.set_filter(n, c.currentData())
            )
        self._build_origin_filters()
        self.review_filter: QComboBox | None = None
        if self.shows_review:
            self.review_filter = self._combo(
                _("Semua hasil verifikasi"),
                [(code, result_label(code)) for code in RESULT_CODES],
                _("Saring menurut hasil verifikasi kecamatan/kabupaten"),
            )
            self.review_filter.currentIndexChanged.connect(
                lambda _i: self.model.set_filter(REVIEW_RESULT, self._review_choice())
            )
        # "Semua status" and the like stay readable when the origin filters share the row.
        for combo in (*self.origin_filters, self.status):
            combo.setMinimumWidth(self._combo_text_width(combo))

        self.table = QTableView()
        self.table.setAccessibleName(_("Daftar {kind}").format(kind=_(KIND_LABELS[self.kind])))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as in every other list
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed heights: Qt never measures 50,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        char = self.fontMetrics().horizontalAdvance("x")
        for n, col in enumerate(self.model.columns):
            # Wide enough for the header text and its sort arrow, whatever the language.
            title = header.fontMetrics().horizontalAdvance(
                self.model.headerData(n, Qt.Orientation.Horizontal)
            )
            header.resizeSection(n, max(col.width * char, title + 28) + 12)
        header.sectionResized.connect(self._other_column_resized)
        self.table.viewport().installEventFilter(self)
        header.setSortIndicator(self.model.column_of("updated_at"), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sectionMoved.connect(lambda *_a: self._save_columns())
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.empty = QLabel(wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #566573; padding: 16px;")
        self.empty.hide()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.reader_hint, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2 if self.origin_filters else 3)
        for combo in self.origin_filters:
            filters.addWidget(combo, 2)
        filters.addWidget(self.dimension, 2)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.urusan, 2)
        if self.review_filter is not None:
            filters.addWidget(self.review_filter, 2)
        filters.addWidget(self.reset_button)

        self.list_panel = QWidget()
        panel = QVBoxLayout(self.list_panel)
        panel.setContentsMargins(12, 10, 12, 6)
        panel.addLayout(top)
        panel.addLayout(filters)
        panel.addWidget(self.empty)
        panel.addWidget(self.table, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.list_panel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        order = [
            self.search,
            *self.origin_filters,
            self.dimension,
            self.status,
            self.urusan,
            *self._review_filters(),
            self.reset_button,
            self.table,
            self.open_button,
            self.new_button,
        ]
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)
        self.open_button.setEnabled(False)

    def _build_origin_filters(self) -> None:
        """A kabupaten filters by kecamatan, then by desa within it; a kecamatan by desa."""
        self.kecamatan_filter: QComboBox | None = None
        self.desa_filter: QComboBox | None = None
        self.origin_filters: list[QComboBox] = []
        places = self.places
        if places is None:
            return
        if self.shell.ctx.office.role == "kabupaten":
            self.kecamatan_filter = self._combo(
                _("Semua kecamatan"), places.kecamatan, _("Saring menurut kecamatan")
            )
            self.kecamatan_filter.currentIndexChanged.connect(self._kecamatan_chosen)
            self.origin_filters.append(self.kecamatan_filter)
            desa: list[tuple[str, str]] = []
        else:
            desa = places.desa_choices(None)
        self.desa_filter = self._combo(_("Semua desa"), desa, _("Saring menurut desa/kelurahan"))
        self.desa_filter.setEnabled(bool(desa))
        self.desa_filter.currentIndexChanged.connect(
            lambda _i: self.model.set_filter(ORIGIN_DESA, self._desa_choice())
        )
        self.origin_filters.append(self.desa_filter)

    def _review_filters(self) -> list[QComboBox]:
        return [self.review_filter] if self.review_filter is not None else []

    def _review_choice(self) -> str | None:
        return self.review_filter.currentData() if self.review_filter is not None else None

    def _combo_text_width(self, combo: QComboBox) -> int:
        return combo.fontMetrics().horizontalAdvance(combo.itemText(0)) + 40

    def _desa_choice(self) -> str | None:
        return self.desa_filter.currentData() if self.desa_filter is not None else None

    def _kecamatan_chosen(self, _index: int) -> None:
        combo, desa = self.kecamatan_filter, self.desa_filter
        if combo is None or desa is None or self.places is None:
            return
        kecamatan = combo.currentData()
        desa.blockSignals(True)
        desa.clear()
        desa.addItem(_("Semua desa"), None)
        for code, label in self.places.desa_choices(kecamatan) if kecamatan else []:
            desa.addItem(label, code)
        desa.setEnabled(kecamatan is not None)
        desa.blockSignals(False)
        self.model.set_filters({ORIGIN_KECAMATAN: kecamatan, ORIGIN_DESA: None})

    def _stored_columns(self) -> str:
        return get_setting(self.shell.ctx, f"list_columns.{self.kind.value}")

    def _parse_visible(self, stored: str) -> list[str]:
        return parse_visible(
            self.kind, stored, upper=self.places is not None, review=self.shows_review
        )

    def _combo(self, everything: str, items: list[tuple[str, str]], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.addItem(everything, None)
        for code, label in items:
            combo.addItem(label, code)
        return combo

    # --- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Load every row of this kind off the GUI thread; newer loads win over older ones."""
        self._load_generation += 1
        generation = self._load_generation
        service, kind, columns = self.service, self.kind, self.model.query_columns()
        if not self._loaded:
            self.count.setText(_("Memuat…"))

        def work(_progress: object) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in service.table_rows(kind, columns)]

        self.shell.submit(work, lambda rows: self._loaded_rows(generation, rows), parent=self)

    def _loaded_rows(self, generation: int, rows: list[tuple[Any, ...]]) -> None:
        if generation != self._load_generation:
            return
        keep = self._select_after_load or self.current_record_id()
        self._select_after_load = None
        self._loaded = True
        self.model.set_rows(rows)
        if self.search.text().strip():
            self.run_search()  # a changed record may now match, or no longer
        if keep:
            self.select_record(keep)

    def _on_change(self, change: Change) -> None:
        if change.action in (Action.SETTINGS, Action.REGIONS):
            return
        if self.shows_review and change.kinds & REVIEW_CHANGES:
            # Reviews arrived (feedback), or a send packed revised records: results move.
            self.reload()
            return
        if not change.touches(self.kind):
            return
        if change.action is not Action.DELETED and change.ids and self.editor is None:
            self._select_after_load = change.ids[0]
        self.reload()

    # --- search and filters ------------------------------------------------------------------

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.run_search()

    def run_search(self) -> None:
        text = self.search.text().strip()
        self._search_generation += 1
        generation = self._search_generation
        if not _WORD.search(text):
            self.model.set_search_ids(None)
            return
        service, kind = self.service, self.kind

        def work(_progress: object) -> frozenset[str]:
            return frozenset(record_id for _k, record_id in service.search(text, kind))

        def done(ids: frozenset[str]) -> None:
            if generation == self._search_generation:
                self.model.set_search_ids(ids)

        self.shell.submit(work, done, parent=self)

    def clear_filters(self) -> None:
        for combo in (
            *self.origin_filters,
            self.dimension,
            self.status,
            self.urusan,
            *self._review_filters(),
        ):
            combo.setCurrentIndex(0)
        self.search.clear()
        self._search_now()

    def focus_search(self) -> None:
        if self.editor is not None and self.stack.currentWidget() is self.editor:
            return  # Ctrl+F inside a form belongs to the form
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if shown == total:
            self.count.setText(_("{n} catatan").format(n=format_count(total)))
        else:
            self.count.setText(
                _("Menampilkan {shown} dari {total} catatan").format(
                    shown=format_count(shown), total=format_count(total)
                )
            )
        if total == 0:
            self.empty.setText(_((EMPTY_TEXTS if self.authors else UPPER_EMPTY_TEXTS)[self.kind]))
        elif shown == 0:
            self.empty.setText(_("Tidak ada catatan yang cocok dengan pencarian atau saringan."))
        self.empty.setVisible(shown == 0 and self._loaded)
        self.table.setVisible(total > 0)
        self._current_changed(self.table.currentIndex())

    # --- columns -----------------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # The viewport is what the title must fill, and it changes size without the page doing
        # so: the table appears once rows arrive, a scroll bar comes and goes.
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_title()
        return False

    def _other_column_resized(self, logical: int, _old: int, _new: int) -> None:
        if logical != self.model.column_of("title"):
            self._fit_title()

    def _fit_title(self) -> None:
        """Give the title whatever width the other columns leave, but never less than a readable
        minimum: on a narrow screen the list scrolls sideways instead of hiding the titles."""
        header = self.table.horizontalHeader()
        title = self.model.column_of("title")
        others = sum(
            header.sectionSize(n)
            for n in range(header.count())
            if n != title and not header.isSectionHidden(n)
        )
        minimum = self.fontMetrics().horizontalAdvance("x") * 32
        available = self.table.viewport().width() - others
        header.blockSignals(True)
        header.resizeSection(title, max(minimum, available))
        header.blockSignals(False)

    def visible_columns(self) -> list[str]:
        header = self.table.horizontalHeader()
        names = []
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if not header.isSectionHidden(logical):
                names.append(self.model.columns[logical].name)
        return names

    def _apply_visible_columns(self, names: list[str]) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        for n, col in enumerate(self.model.columns):
            header.setSectionHidden(n, col.name not in names)
        for visual, name in enumerate(names):
            logical = self.model.column_of(name)
            header.moveSection(header.visualIndex(logical), visual)
        header.blockSignals(False)

    def set_column_visible(self, name: str, visible: bool) -> None:
        if name == "title":
            return
        header = self.table.horizontalHeader()
        header.setSectionHidden(self.model.column_of(name), not visible)
        self._fit_title()
        self._save_columns()

    def reset_columns(self) -> None:
        self._apply_visible_columns(self._parse_visible(""))
        self._save_columns(default=True)

    def _save_columns(self, default: bool = False) -> None:
        value = "" if default else ",".join(self.visible_columns())
        try:
            change = update_settings(self.shell.ctx, {f"list_columns.{self.kind.value}": value})
        except UserError as exc:
            self.shell.dialogs.error(self, exc)
            return
        self.shell.hub.publish(change)

    def _header_menu(self, pos: QPoint) -> None:
        self.column_menu().exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setAccessibleName(_("Pilih kolom"))
        shown = set(self.visible_columns())
        for col in self.model.columns:
            action = QAction(_(col.label), menu)
            action.setCheckable(True)
            action.setChecked(col.name in shown)
            action.setEnabled(col.name != "title")
            action.toggled.connect(lambda on, n=col.name: self.set_column_visible(n, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(_("Kembalikan kolom bawaan"), self.reset_columns)
        return menu

    # --- opening records ---------------------------------------------------------------------

    def current_record_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.model.index(row, self.model.column_of("title"))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _current_changed(self, current: QModelIndex, _previous: Any = None) -> None:
        self.open_button.setEnabled(current.isValid())

    def _activated(self, index: QModelIndex) -> None:
        record_id = self.model.record_id(index.row())
        if record_id is not None:
            self.open_record(record_id)

    def open_current(self) -> None:
        record_id = self.current_record_id()
        if record_id is not None:
            self.open_record(record_id)

    def new_record(self) -> None:
        if self.authors:  # Ctrl+N too: above the village there is nothing to type here
            self.open_record(None)

    def open_record(self, record_id: str | None) -> QWidget | None:
        if self.editor is not None:
            if record_id is not None and record_id == self.editor_record:
                self.stack.setCurrentWidget(self.editor)
                return self.editor
            if not self._close_editor():
                self.stack.setCurrentWidget(self.editor)
                return None
        try:
            editor = type(self).editor_factory(self.shell, self.kind, record_id, self)
        except UserError as exc:
            self.shell.dialogs.error(self, exc)
            self.reload()  # the record may have been deleted meanwhile
            return None
        for name in ("saved", "attachments_changed"):
            signal = getattr(editor, name, None)
            if signal is not None:
                signal.connect(self._editor_changed)
        editor.closed.connect(lambda e=editor: self._editor_closed(e))  # type: ignore[attr-defined]
        self.editor = editor
        self.editor_record = record_id
        self.stack.addWidget(editor)
        self.stack.setCurrentWidget(editor)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    def _editor_changed(self, change: Change) -> None:
        if change.ids and change.action is not Action.DELETED:
            self.editor_record = change.ids[0]
        self.shell.hub.publish(change)

    def _editor_closed(self, editor: QWidget) -> None:
        if editor is not self.editor:
            return
        record_id = self.editor_record
        self.editor = None
        self.editor_record = None
        self.stack.setCurrentWidget(self.list_panel)
        self.stack.removeWidget(editor)
        editor.deleteLater()
        if record_id:
            self.select_record(record_id)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _close_editor(self) -> bool:
        editor = self.editor
        if editor is None:
            return True
        try_close = getattr(editor, "try_close", None)
        if try_close is not None and not try_close():
            return False
        if self.editor is editor:  # it did not announce closed(); put it away ourselves
            self._editor_closed(editor)
        return True

    def can_close(self) -> bool:
        """Asked when the window closes: an open form may hold unsaved typing."""
        if self.editor is None:
            return True
        self.stack.setCurrentWidget(self.editor)
        return self._close_editor()
