"""Kelengkapan: every village of the area, whether it sent anything or not, and what to do next.

At a kecamatan: its villages. At the kabupaten: grouped by kecamatan, each kecamatan with its
totals in percent, the regency's total row below the list, the route of each village's last bundle
(directly or through which kecamatan) and filters (kecamatan, stage, late only). The office sets
its deadline here (the kabupaten one per stage); late villages are marked. The data is read off
the GUI thread; a filter change only rebuilds the tree from what was read. At a kecamatan,
for a late village, a reminder text can be copied for a messaging app and a reminder letter (PDF)
written; the kabupaten has no reminders of its own (a village sends to its kecamatan, which
reminds it), so the page says so instead. A village's verification (kecamatan: diterima or perlu
perbaikan; kabupaten: accept or return the kecamatan's verification) is set below the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import RecordKind, kind_label
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import (
    CHANGED_AFTER_VERIFICATION,
    REASON_LIST,
    ReviewState,
    VillageStage,
    stage_label,
)
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.pdf_task import PdfTask, ask_pdf_target
from smartcity_desktop.gui.review.review_form import ERROR_STYLE
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.completeness import (
    Completeness,
    CompletenessFilter,
    DeadlineStage,
    KecamatanGroup,
    LastBundle,
    VillageLine,
    completeness,
    deadline_stage_label,
    set_stage_deadlines,
    stages_for,
)
from smartcity_desktop.services.gui_support import format_count
from smartcity_desktop.services.review import (
    ReviewChanged,
    ReviewInvalid,
    verdict_version,
    verify_village,
)

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

CODE_ROLE = Qt.ItemDataRole.UserRole
LATE_FILL = QColor("#fdecea")
LATE_TEXT = QColor("#922b21")
COLUMNS = (
    "name",
    "bundle",
    "received",
    "route",
    RecordKind.PROBLEM.value,
    RecordKind.POTENTIAL.value,
    RecordKind.PROPOSAL.value,
    "progress",
    "stage",
    "note",
)
COL = {name: n for n, name in enumerate(COLUMNS)}
LATE_NOTES = {
    DeadlineStage.TERKIRIM: N_("Terlambat: belum mengirim"),
    DeadlineStage.DIVERIFIKASI_KECAMATAN: N_("Terlambat: belum diverifikasi kecamatan"),
    DeadlineStage.DITERIMA_KABUPATEN: N_("Terlambat: belum diterima kabupaten"),
}
# Called with the chosen late village and the whole report (see ``add_reminder_action``).
ReminderAction = Callable[[VillageLine, Completeness], None]


def _percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}%"


def _short_date(value: dt.datetime | dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _route(last: LastBundle) -> str:
    """ "langsung" or "lewat Kec. Babelan": the column is narrow; the tooltip names it whole."""
    if last.via_office is None:
        return _("langsung")
    name = (last.via_name or last.via_office).removeprefix("Kecamatan ")
    return _("lewat Kec. {name}").format(name=name)


class CompletenessPage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.ctx = shell.ctx
        self.report: Completeness | None = None
        self.lines: dict[str, VillageLine] = {}
        self._publishing = False
        kabupaten = self.ctx.office.role == "kabupaten"

        title = QLabel(_("Kelengkapan Data Desa"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        # One checkbox and date per stage this office sets a deadline for: the kecamatan its
        # sending deadline, the kabupaten one per stage. ``use_deadline``/``deadline`` are the
        # sending deadline's.
        self.deadline_checks: dict[DeadlineStage, QCheckBox] = {}
        self.deadline_edits: dict[DeadlineStage, QDateEdit] = {}
        top = QHBoxLayout()
        if kabupaten:
            top.addWidget(QLabel(_("Tenggat per tahap:")))
        for stage in stages_for(self.ctx.office.role):
            check = QCheckBox(
                _("&Tenggat pengiriman:") if not kabupaten else deadline_stage_label(stage) + ":"
            )
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(
                _("Tenggat pengiriman")
                if not kabupaten
                else _("Tenggat {stage}").format(stage=deadline_stage_label(stage).lower())
            )
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            self.deadline_checks[stage] = check
            self.deadline_edits[stage] = edit
            top.addWidget(check)
            top.addWidget(edit)
        self.use_deadline = self.deadline_checks[DeadlineStage.TERKIRIM]
        self.deadline = self.deadline_edits[DeadlineStage.TERKIRIM]
        self.save_deadline = QPushButton(_("Simpan tenggat"))
        self.save_deadline.clicked.connect(self.store_deadline)
        self.deadline_error = QLabel(wordWrap=True)
        self.deadline_error.setStyleSheet(ERROR_STYLE)
        self.summary = QLabel(wordWrap=True)
        top.addWidget(self.save_deadline)
        top.addWidget(self.deadline_error, 1)
        top.addStretch(1)

        # Filters: only rebuild the tree from the report already read.
        self.filter_kecamatan = QComboBox()
        self.filter_kecamatan.setAccessibleName(_("Saring kecamatan"))
        self.filter_kecamatan.addItem(_("Semua kecamatan"), None)
        self.filter_kecamatan.setMinimumContentsLength(24)
        self.filter_stage = QComboBox()
        self.filter_stage.setAccessibleName(_("Saring tahap"))
        self.filter_stage.addItem(_("Semua tahap"), None)
        for village_stage in VillageStage:
            self.filter_stage.addItem(stage_label(village_stage), village_stage.value)
        self.filter_late = QCheckBox(_("Hanya yang &terlambat"))
        filters = QHBoxLayout()
        self.filter_kecamatan_label = QLabel(_("&Kecamatan:"))
        self.filter_kecamatan_label.setBuddy(self.filter_kecamatan)
        stage_label_widget = QLabel(_("T&ahap:"))
        stage_label_widget.setBuddy(self.filter_stage)
        filters.addWidget(self.filter_kecamatan_label)
        filters.addWidget(self.filter_kecamatan)
        filters.addWidget(stage_label_widget)
        filters.addWidget(self.filter_stage)
        filters.addWidget(self.filter_late)
        self.shown_note = QLabel()
        filters.addWidget(self.shown_note, 1)
        self.filter_kecamatan_label.setVisible(kabupaten)
        self.filter_kecamatan.setVisible(kabupaten)
        self.filter_kecamatan.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.filter_stage.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.filter_late.toggled.connect(lambda _on: self.apply_filter())

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        headers = [
            _("Kecamatan / desa") if kabupaten else _("Desa / kelurahan"),
            _("Paket terakhir"),
            _("Tanggal terima"),
            _("Jalur"),
            _("Masalah"),  # short: the list must fit 1366 px; the tooltip says it whole
            kind_label(RecordKind.POTENTIAL),
            _("Usulan"),
            _("Direviu"),
            _("Tahap"),
            _("Keterangan"),
        ]
        self.tree.setHeaderLabels(headers)
        self.tree.headerItem().setToolTip(
            COL["route"], _("Paket terakhir diterima langsung dari desa atau lewat kecamatannya")
        )
        self.tree.headerItem().setToolTip(COL["problem"], kind_label(RecordKind.PROBLEM))
        self.tree.setAccessibleName(_("Kelengkapan data per desa"))
        self.tree.setRootIsDecorated(kabupaten)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.tree.header()
        header.setStretchLastSection(True)
        # Widths are fitted to the rows and the total row after each fill (``_fit_columns``);
        # a person may still drag them.
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        # A kecamatan receives every bundle from its villages directly: no route to show. The
        # kabupaten's list is wider (the route): its received date is in the bundle's tooltip.
        self.tree.setColumnHidden(COL["route"], not kabupaten)
        self.tree.setColumnHidden(COL["received"], kabupaten)
        self.tree.itemExpanded.connect(lambda _item: self._fit_columns())

        # The regency's total row, under the list and aligned with its columns.
        self.total_row = QTreeWidget()
        self.total_row.setColumnCount(len(COLUMNS))
        self.total_row.setHeaderHidden(True)
        self.total_row.setRootIsDecorated(True)  # its name lines up with the group rows
        self.total_row.setAccessibleName(_("Total kabupaten"))
        self.total_row.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.total_row.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.total_row.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.total_row.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.total_row.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.total_row.setColumnHidden(COL["route"], not kabupaten)
        self.total_row.setColumnHidden(COL["received"], kabupaten)
        self.total_row.setVisible(kabupaten)
        header.sectionResized.connect(self._align_total_row)
        self.tree.horizontalScrollBar().valueChanged.connect(
            self.total_row.horizontalScrollBar().setValue
        )
        # Reads run off the GUI thread; only the newest one is shown.
        self._generation = 0
        self._shown_generation = 0
        self._after_load: list[Callable[[], None]] = []
        self.tree.currentItemChanged.connect(lambda *_a: self._village_chosen())

        # For a late village: the reminder, copied for a messaging app. Only a kecamatan reminds
        # its villages (they send to it); the kabupaten is told so instead of given buttons.
        self.reminders_apply = not kabupaten
        self.copy_button = QPushButton(_("Salin teks pengingat"))
        self.copy_button.setToolTip(
            _("Salin pesan pengingat untuk desa yang terlambat, lalu tempel di aplikasi pesan")
        )
        self.copy_button.clicked.connect(self.copy_reminder)
        self.copy_button.setVisible(self.reminders_apply)
        self.copy_note = QLabel(wordWrap=True)
        self.copy_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        reminders = QHBoxLayout()
        reminders.addWidget(self.copy_button)
        # Other reminder forms add their buttons to this row with ``add_reminder_action``.
        self.reminder_actions = QHBoxLayout()
        self._reminder_buttons: list[QPushButton] = []
        reminders.addLayout(self.reminder_actions)
        reminders.addWidget(self.copy_note, 1)
        # The reminder letter's progress, cancel and result (the Laporan page's code).
        self.letter_task: PdfTask | None = None
        if self.reminders_apply:
            self.letter_task = PdfTask(shell, self._enable_reminders, parent=self)

        self.verify_box = QGroupBox(
            _("Keputusan kabupaten atas verifikasi kecamatan")
            if kabupaten
            else _("Verifikasi desa terpilih")
        )
        self.verify_state = QComboBox()
        self.verify_state.setAccessibleName(_("Hasil verifikasi desa"))
        if kabupaten:
            self.verify_state.addItem(_("Terima verifikasi kecamatan"), ReviewState.DITERIMA.value)
            self.verify_state.addItem(
                _("Kembalikan ke kecamatan"), ReviewState.PERLU_PERBAIKAN.value
            )
        else:
            self.verify_state.addItem(
                _("Diterima: desa diverifikasi kecamatan"), ReviewState.DITERIMA.value
            )
            self.verify_state.addItem(
                _("Perlu perbaikan: kembalikan ke desa"), ReviewState.PERLU_PERBAIKAN.value
            )
        self.verify_reason = QComboBox()
        self.verify_reason.setAccessibleName(_("Alasan"))
        self.verify_reason.addItem(_("— alasan (wajib bila dikembalikan) —"), None)
        for item in ref_list(REASON_LIST).items:
            self.verify_reason.addItem(item.label(), item.code)
        self.verify_comment = QLineEdit()
        self.verify_comment.setPlaceholderText(_("Catatan (boleh kosong)"))
        self.verify_comment.setAccessibleName(_("Catatan verifikasi"))
        self.verify_button = QPushButton(_("Simpan verifikasi"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.verify_error = QLabel(wordWrap=True)
        self.verify_version = 0
        self.verify_error.setStyleSheet(ERROR_STYLE)
        self.verify_target = QLabel()
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_target)
        verify_row.addWidget(self.verify_state)
        verify_row.addWidget(self.verify_reason, 1)
        verify_row.addWidget(self.verify_comment, 1)
        verify_row.addWidget(self.verify_button)
        verify_layout = QVBoxLayout(self.verify_box)
        verify_layout.addLayout(verify_row)
        verify_layout.addWidget(self.verify_error)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.total_row)
        layout.addLayout(reminders)
        if self.letter_task is not None:
            layout.addWidget(self.letter_task)
        layout.addWidget(self.verify_box)
        if self.letter_task is not None:
            self.letter_button: QPushButton | None = self.add_reminder_action(
                _("Buat surat pengingat (PDF)…"), self.write_letter
            )
            self.letter_button.setToolTip(
                _("Simpan surat pengingat untuk desa yang terlambat sebagai berkas PDF")
            )
        else:
            self.letter_button = None
        shell.hub.changed.connect(self._on_change)
        self.reload()

    # --- data ------------------------------------------------------------------------------

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Read the report off the GUI thread and show it; ``then`` runs once it is shown."""
        self._generation += 1
        generation = self._generation
        if then is not None:
            self._after_load.append(then)
        ctx = self.ctx

        def work(_progress: object) -> Completeness:
            return completeness(ctx)

        self.shell.submit(work, lambda report: self._loaded(generation, report), parent=self)

    def is_loaded(self) -> bool:
        return self._shown_generation == self._generation

    def wait_loaded(self, timeout: float = 30.0) -> bool:
        """Process events until the newest read is shown (benchmarks and demos)."""
        import time

        from PySide6.QtCore import QCoreApplication

        end = time.monotonic() + timeout
        while not self.is_loaded() and time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.001)
        return self.is_loaded()

    def _loaded(self, generation: int, report: Completeness) -> None:
        if generation != self._generation:
            return  # a newer read is under way
        self._shown_generation = generation
        self.report = report
        self.lines = {v.code: v for g in report.groups for v in g.villages}
        self._show_deadlines(report)
        self._fill_kecamatan_filter(report)
        self._fill_total_row(report)
        self.apply_filter()
        self._summarise(report)
        after, self._after_load = self._after_load, []
        for callback in after:
            callback()

    def _show_deadlines(self, report: Completeness) -> None:
        for stage, check in self.deadline_checks.items():
            day = report.deadlines.get(stage)
            edit = self.deadline_edits[stage]
            check.blockSignals(True)
            check.setChecked(day is not None)
            check.blockSignals(False)
            edit.setEnabled(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))

    def _fill_kecamatan_filter(self, report: Completeness) -> None:
        combo = self.filter_kecamatan
        if combo.count() - 1 == len(report.groups):
            return
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("Semua kecamatan"), None)
        for group in report.groups:
            combo.addItem(group.name, group.code)
        index = combo.findData(chosen)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def current_filter(self) -> CompletenessFilter:
        # Not isVisible(): a page not on screen (another page shown) keeps its filters.
        kabupaten = self.report is not None and self.report.role == "kabupaten"
        return CompletenessFilter(
            kecamatan=self.filter_kecamatan.currentData() if kabupaten else None,
            stage=self.filter_stage.currentData(),
            late_only=self.filter_late.isChecked(),
        )

    def apply_filter_choice(self, what: str, value: object) -> None:
        """Set one filter as a person would (benchmarks, demos); ``all`` clears them."""
        if what in ("kecamatan", "all"):
            self.filter_kecamatan.setCurrentIndex(max(self.filter_kecamatan.findData(value), 0))
        if what in ("stage", "all"):
            self.filter_stage.setCurrentIndex(max(self.filter_stage.findData(value), 0))
        if what in ("late", "all"):
            self.filter_late.setChecked(bool(value))

    def apply_filter(self) -> None:
        """Rebuild the tree from the report already read (no database work)."""
        report = self.report
        if report is None:
            return
        chosen = self.selected_code()
        chosen_filter = self.current_filter()
        kabupaten = report.role == "kabupaten"
        shown = chosen_filter.apply(report)
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            items = []
            for group, lines in shown:
                rows = [self._village_item(line) for line in lines]
                if kabupaten:
                    item = self._group_item(group)
                    item.addChildren(rows)
                    items.append(item)
                else:
                    items.extend(rows)
            self.tree.addTopLevelItems(items)
            narrowed = chosen_filter != CompletenessFilter()
            if kabupaten:
                for n, item in enumerate(items):
                    # Narrowed: show every village that matched; otherwise the first kecamatan.
                    item.setExpanded(narrowed or n == 0)
            self._fit_columns()
        finally:
            self.tree.setUpdatesEnabled(True)
        count = sum(len(lines) for _g, lines in shown)
        total = len(self.lines)
        self.shown_note.setText(
            _("Menampilkan {n} dari {total} desa/kelurahan").format(n=count, total=total)
            if count != total
            else ""
        )
        self.select(chosen if chosen in self.lines else next(iter(self.lines), None))
        self._village_chosen()

    def _totals_texts(self, totals: dict[str, Any]) -> dict[str, str]:
        notes = [_("{pct} diterima kabupaten").format(pct=_percent(totals["accepted_percent"]))]
        if totals["overdue"]:
            notes.append(_("{n} desa terlambat").format(n=totals["overdue"]))
        counts = totals["counts"]
        assert isinstance(counts, dict)
        return {
            "bundle": _("{sent} dari {n} desa mengirim ({pct})").format(
                sent=totals["sent"], n=totals["villages"], pct=_percent(totals["sent_percent"])
            ),
            "progress": _percent(totals["reviewed_percent"]),
            "stage": _("{pct} diverifikasi").format(pct=_percent(totals["verified_percent"])),
            "note": " · ".join(notes),
            **{kind.value: format_count(counts.get(kind.value, 0)) for kind in RecordKind},
        }

    def _group_item(self, group: KecamatanGroup) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        self._fill_totals_item(item, group.name, group.totals())
        return item

    def _fill_totals_item(self, item: QTreeWidgetItem, name: str, totals: dict[str, Any]) -> None:
        item.setText(COL["name"], name)
        for column, text in self._totals_texts(totals).items():
            item.setText(COL[column], text)
        for kind in RecordKind:
            item.setTextAlignment(COL[kind.value], Qt.AlignmentFlag.AlignRight)
        item.setToolTip(COL["progress"], _("Catatan yang sudah direviu kecamatan"))
        item.setToolTip(
            COL["stage"],
            _(
                "Desa: {verified} diverifikasi kecamatan, {accepted} diterima kabupaten, "
                "{returned} dikembalikan. Catatan di desa terverifikasi: {rv}; diterima "
                "kabupaten: {ra}."
            ).format(
                verified=totals["verified"],
                accepted=totals["accepted"],
                returned=totals["returned"],
                rv=_percent(totals["records_verified_percent"]),
                ra=_percent(totals["records_accepted_percent"]),
            ),
        )
        item.setToolTip(COL["note"], item.text(COL["note"]))
        font = item.font(0)
        font.setBold(True)
        for col in range(len(COLUMNS)):
            item.setFont(col, font)

    def _fill_total_row(self, report: Completeness) -> None:
        self.total_row.clear()
        if report.role != "kabupaten":
            return
        item = QTreeWidgetItem()
        self._fill_totals_item(item, _("Total kabupaten"), report.totals())
        self.total_row.addTopLevelItem(item)
        height = self.total_row.sizeHintForRow(0) + 2 * self.total_row.frameWidth()
        self.total_row.setFixedHeight(max(height, 24))
        self._align_total_row()

    def _fit_columns(self) -> None:
        """Each column as wide as its widest shown row, the total row's included."""
        header = self.tree.header()
        total = self.total_row.topLevelItemCount() > 0
        for col in range(len(COLUMNS) - 1):
            if self.tree.isColumnHidden(col):
                continue
            width = max(
                self.tree.sizeHintForColumn(col),
                self.total_row.sizeHintForColumn(col) if total else 0,
                header.sectionSizeHint(col),
            )
            header.resizeSection(col, width)

    def _align_total_row(self, *_args: object) -> None:
        header = self.tree.header()
        for col in range(len(COLUMNS)):
            self.total_row.setColumnWidth(col, header.sectionSize(col))

    def _village_item(self, line: VillageLine) -> QTreeWidgetItem:
        status = line.status
        item = QTreeWidgetItem()
        item.setData(COL["name"], CODE_ROLE, line.code)
        item.setText(COL["name"], line.name)
        item.setToolTip(COL["name"], line.code)
        last = line.last_bundle
        if last is not None:
            item.setText(
                COL["bundle"],
                _("No. {n}, dibuat {date}").format(
                    n=last.sequence, date=_short_date(last.created_at)
                ),
            )
            item.setText(COL["received"], _short_date(last.received_at))
            item.setToolTip(
                COL["bundle"],
                _("Diterima {date}").format(date=_short_date(last.received_at)),
            )
            item.setText(COL["route"], _route(last))
            if last.via_office is not None:
                item.setToolTip(
                    COL["route"],
                    _("Diterima bersarang dalam paket teruskan {name} ({code})").format(
                        name=last.via_name, code=last.via_office
                    ),
                )
        else:
            item.setText(COL["bundle"], _("belum ada"))
        for kind in RecordKind:
            item.setText(COL[kind.value], format_count(status.counts.get(kind.value, 0)))
            item.setTextAlignment(COL[kind.value], Qt.AlignmentFlag.AlignRight)
        item.setText(COL["progress"], line.progress)
        item.setText(COL["stage"], stage_label(status.stage))
        item.setText(COL["note"], self._note(line))
        item.setToolTip(
            COL["note"],
            "\n".join(t for t in (item.text(COL["note"]), self._late_tooltip(line)) if t),
        )
        if line.overdue:
            for col in range(len(COLUMNS)):
                item.setBackground(col, QBrush(LATE_FILL))
            item.setForeground(COL["note"], QBrush(LATE_TEXT))
        return item

    def _note(self, line: VillageLine) -> str:
        status = line.status
        notes = []
        if line.late_stages:
            notes.append(_(LATE_NOTES[line.late_stages[0]]))
        if status.changed_after_verification:
            notes.append(_(CHANGED_AFTER_VERIFICATION))
        if status.stage is VillageStage.DIKEMBALIKAN:
            verdict = status.kabupaten_verdict or status.verification
            if verdict is not None and verdict.reason:
                notes.append(ref_list(REASON_LIST).label(verdict.reason))
        if status.changed_since_review:
            notes.append(_("{n} berubah sejak direviu").format(n=status.changed_since_review))
        return " · ".join(notes)

    def _late_tooltip(self, line: VillageLine) -> str:
        report = self.report
        if report is None:
            return ""
        return "\n".join(
            _("Tenggat {stage} {date} sudah lewat").format(
                stage=deadline_stage_label(stage).lower(),
                date=_short_date(report.deadlines[stage]),  # type: ignore[arg-type]
            )
            for stage in line.late_stages
        )

    def _summarise(self, report: Completeness) -> None:
        lines = list(self.lines.values())
        sent = sum(1 for v in lines if v.status.stage is not VillageStage.BELUM_KIRIM)
        text = _("{sent} dari {n} desa sudah mengirim data.").format(sent=sent, n=len(lines))
        if report.role != "kabupaten":
            late = sum(1 for v in lines if v.overdue)
            if report.deadline is not None:
                text += " " + _("Tenggat {date}: {late} desa terlambat.").format(
                    date=_short_date(report.deadline), late=late
                )
            else:
                text += " " + _(
                    "Belum ada tenggat; tetapkan tenggat untuk menandai desa terlambat."
                )
            self.summary.setText(text)
            return
        parts = []
        for stage, day in report.deadlines.items():
            if day is None:
                continue
            late = sum(1 for v in lines if stage in v.late_stages)
            if report.passed(stage):
                parts.append(
                    _("{stage} {date}: {late} desa terlambat").format(
                        stage=deadline_stage_label(stage), date=_short_date(day), late=late
                    )
                )
            else:
                parts.append(
                    _("{stage} {date}: belum lewat").format(
                        stage=deadline_stage_label(stage), date=_short_date(day)
                    )
                )
        if parts:
            text += " " + _("Tenggat — {parts}.").format(parts="; ".join(parts))
        else:
            text += " " + _("Belum ada tenggat; tetapkan tenggat untuk menandai desa terlambat.")
        self.summary.setText(text)

    # --- selection -------------------------------------------------------------------------

    def selected_code(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(COL["name"], CODE_ROLE) if item is not None else None

    def selected_line(self) -> VillageLine | None:
        code = self.selected_code()
        return self.lines.get(code) if code else None

    def item_of(self, code: str) -> QTreeWidgetItem | None:
        for item in self._village_items():
            if item.data(COL["name"], CODE_ROLE) == code:
                return item
        return None

    def _village_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            if top is None:
                continue
            if top.data(COL["name"], CODE_ROLE):
                out.append(top)
            out.extend(c for c in map(top.child, range(top.childCount())) if c is not None)
        return out

    def select(self, code: str | None) -> None:
        item = self.item_of(code) if code else None
        if item is not None:
            parent = item.parent()
            if parent is not None:
                parent.setExpanded(True)
            self.tree.setCurrentItem(item)

    def _village_chosen(self) -> None:
        line = self.selected_line()
        self._enable_reminders()
        self.copy_note.clear()
        late = line is not None and line.overdue
        if late and not self.reminders_apply:
            self.copy_note.setText(
                _(
                    "Desa ini terlambat. Pengingat ke desa dikirim oleh kecamatannya; hubungi "
                    "kecamatan bila perlu."
                )
            )
        self.verify_error.clear()
        # The verdict's revision as shown now: a verdict another analyst saves meanwhile is then
        # never silently replaced.
        self.verify_version = verdict_version(self.ctx, line.code) if line is not None else 0
        # Nothing received from a village: nothing to verify there yet.
        self.verify_box.setEnabled(line is not None and line.status.total > 0)
        self.verify_target.setText(line.name + ":" if line is not None else "")

    # --- actions ---------------------------------------------------------------------------

    def store_deadline(self) -> bool:
        values: dict[DeadlineStage | str, dt.date | str | None] = {}
        for stage, check in self.deadline_checks.items():
            value: dt.date | None = None
            if check.isChecked():
                q = self.deadline_edits[stage].date()
                value = dt.date(q.year(), q.month(), q.day())
            values[stage] = value
        try:
            change = set_stage_deadlines(self.ctx, values)
        except UserError as exc:
            self.deadline_error.setText(str(exc))
            return False
        self.deadline_error.clear()
        self._publish(change)
        self.reload()
        return True

    def reminder(self, line: VillageLine) -> str:
        from smartcity_desktop.services.kecamatan_reports import reminder_text

        return reminder_text(self.ctx, line.code)

    def copy_reminder(self) -> bool:
        line = self.selected_line()
        if line is None or not line.overdue or not self.reminders_apply:
            return False
        try:
            text = self.reminder(line)
        except UserError as exc:
            self.shell.dialogs.error(self, exc, _("Teks pengingat tidak dapat dibuat"))
            return False
        QGuiApplication.clipboard().setText(text)
        self.copy_note.setText(
            _("Teks pengingat untuk {name} sudah disalin; tempel di aplikasi pesan.").format(
                name=line.name
            )
        )
        return True

    def add_reminder_action(self, text: str, action: ReminderAction) -> QPushButton:
        """Hook for other reminder forms (the reminder letter): a button beside "Salin teks
        pengingat", enabled for a late village, calling ``action(line, report)``. Hidden at a
        kabupaten, where reminders are the kecamatan's."""
        button = QPushButton(text)
        button.setVisible(self.reminders_apply)

        def run() -> None:
            line = self.selected_line()
            if line is not None and line.overdue and self.report is not None:
                action(line, self.report)

        button.clicked.connect(run)
        self.reminder_actions.addWidget(button)
        self._reminder_buttons.append(button)
        self._enable_reminders()
        return button

    def _enable_reminders(self, _running: bool = False) -> None:
        line = self.selected_line()
        late = line is not None and line.overdue
        busy = self.letter_task is not None and self.letter_task.running
        self.copy_button.setEnabled(late)
        for button in self._reminder_buttons:
            button.setEnabled(late and not busy)

    def write_letter(self, line: VillageLine, report: Completeness) -> bool:
        """Ask where to save the Surat Pengingat for ``line`` and write it off the GUI thread."""
        from smartcity_desktop.gui.report_page import (
            DOCUMENTS,
            build_reminder_letter,
            suggested_pdf_path,
        )

        task = self.letter_task
        if task is None or task.running:
            return False
        target = ask_pdf_target(
            self.shell,
            self,
            _(DOCUMENTS["pengingat"].dialog_title),
            suggested_pdf_path(self.ctx, "pengingat", line.code),
        )
        if target is None:
            return False
        return build_reminder_letter(task, self.ctx, line.code, target)

    def can_close(self) -> bool:
        return self.letter_task.can_close() if self.letter_task is not None else True

    def verify_selected(self) -> bool:
        line = self.selected_line()
        if line is None:
            return False
        try:
            change = verify_village(
                self.ctx,
                line.code,
                self.verify_state.currentData(),
                reason=self.verify_reason.currentData(),
                comment=self.verify_comment.text().strip() or None,
                expected=self.verify_version,
            )
        except ReviewInvalid as exc:
            self.verify_error.setText("\n".join(p.message for p in exc.problems))
            return False
        except ReviewChanged as exc:
            # Show the verdict saved elsewhere (the list reloads), the message kept under it.
            message = str(exc)
            self.reload(then=lambda: self.verify_error.setText(message))
            return False
        except UserError as exc:
            self.verify_error.setText(str(exc))
            return False
        self.verify_version = verdict_version(self.ctx, line.code)
        self._publish(change)
        self.verify_comment.clear()
        self.verify_error.setText("")

        def saved() -> None:
            self.copy_note.setText(
                _("Verifikasi {name} tersimpan: {stage}.").format(
                    name=line.name, stage=stage_label(self.lines[line.code].status.stage)
                )
            )

        self.reload(then=saved)
        return True

    def _publish(self, change: Change) -> None:
        self._publishing = True
        try:
            self.shell.hub.publish(change)
        finally:
            self._publishing = False

    def _on_change(self, change: Change) -> None:
        if not self._publishing and change.action in (
            Action.IMPORTED,
            Action.REVIEWED,
            Action.DELETED,
        ):
            self.reload()
