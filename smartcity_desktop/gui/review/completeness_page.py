"""Kelengkapan: every village of the area, whether it sent anything or not, and what to do next.

At a kecamatan: its villages. At the kabupaten: grouped by kecamatan, each kecamatan with its
totals in percent. The office sets the deadline here; late villages are marked. At a kecamatan,
for a late village, a reminder text can be copied for a messaging app and a reminder letter (PDF)
written; the kabupaten has no reminders of its own (a village sends to its kecamatan, which
reminds it), so the page says so instead. A village's verification (kecamatan: diterima or perlu
perbaikan; kabupaten: accept or return the kecamatan's verification) is set below the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

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
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.completeness import (
    Completeness,
    VillageLine,
    completeness,
    set_deadline,
)
from smartcity_desktop.services.gui_support import format_count
from smartcity_desktop.services.review import ReviewInvalid, verify_village

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

CODE_ROLE = Qt.ItemDataRole.UserRole
LATE_FILL = QColor("#fdecea")
LATE_TEXT = QColor("#922b21")
COLUMNS = (
    "name",
    "bundle",
    "received",
    RecordKind.PROBLEM.value,
    RecordKind.POTENTIAL.value,
    RecordKind.PROPOSAL.value,
    "progress",
    "stage",
    "note",
)
COL = {name: n for n, name in enumerate(COLUMNS)}
# Called with the chosen late village and the whole report (see ``add_reminder_action``).
ReminderAction = Callable[[VillageLine, Completeness], None]


def _percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}%"


def _short_date(value: dt.datetime | dt.date) -> str:
    return value.strftime("%d/%m/%Y")


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
        self.use_deadline = QCheckBox(_("&Tenggat pengiriman:"))
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("dd/MM/yyyy")
        self.deadline.setAccessibleName(_("Tenggat pengiriman"))
        self.deadline.setDate(QDate.currentDate())
        self.deadline.setEnabled(False)
        self.use_deadline.toggled.connect(self.deadline.setEnabled)
        self.save_deadline = QPushButton(_("Simpan tenggat"))
        self.save_deadline.clicked.connect(self.store_deadline)
        self.deadline_error = QLabel(wordWrap=True)
        self.deadline_error.setStyleSheet(ERROR_STYLE)
        self.summary = QLabel(wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(self.use_deadline)
        top.addWidget(self.deadline)
        top.addWidget(self.save_deadline)
        top.addWidget(self.deadline_error)
        top.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(
            [
                _("Kecamatan / desa") if kabupaten else _("Desa / kelurahan"),
                _("Paket terakhir"),
                _("Tanggal terima"),
                kind_label(RecordKind.PROBLEM),
                kind_label(RecordKind.POTENTIAL),
                _("Usulan"),
                _("Direviu"),
                _("Tahap"),
                _("Keterangan"),
            ]
        )
        self.tree.setAccessibleName(_("Kelengkapan data per desa"))
        self.tree.setRootIsDecorated(kabupaten)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.tree.header()
        header.setStretchLastSection(True)
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
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
        layout.addWidget(self.tree, 1)
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

    def reload(self) -> None:
        chosen = self.selected_code()
        report = completeness(self.ctx)
        self.report = report
        self.lines = {v.code: v for g in report.groups for v in g.villages}
        self.use_deadline.blockSignals(True)
        self.use_deadline.setChecked(report.deadline is not None)
        self.deadline.setEnabled(report.deadline is not None)
        self.use_deadline.blockSignals(False)
        if report.deadline is not None:
            d = report.deadline
            self.deadline.setDate(QDate(d.year, d.month, d.day))
        self.tree.clear()
        kabupaten = report.role == "kabupaten"
        for group in report.groups:
            parent: QTreeWidget | QTreeWidgetItem = self.tree
            if kabupaten:
                item = self._group_item(group)
                self.tree.addTopLevelItem(item)
                parent = item
            for line in group.villages:
                row = self._village_item(line)
                if isinstance(parent, QTreeWidgetItem):
                    parent.addChild(row)
                else:
                    parent.addTopLevelItem(row)
        first = self.tree.topLevelItem(0)
        if kabupaten and first is not None:
            first.setExpanded(True)
        self._summarise(report)
        self.select(chosen or next(iter(self.lines), None))
        self._village_chosen()

    def _group_item(self, group: object) -> QTreeWidgetItem:
        totals = group.totals()  # type: ignore[attr-defined]
        item = QTreeWidgetItem()
        item.setText(COL["name"], group.name)  # type: ignore[attr-defined]
        # "4 dari 8" says the share already; a percentage too would widen the column so much that
        # the last one is cut at 1366 px.
        item.setText(
            COL["bundle"],
            _("{sent} dari {n} desa mengirim").format(sent=totals["sent"], n=totals["villages"]),
        )
        item.setText(COL["progress"], _percent(totals["reviewed_percent"]))
        item.setToolTip(COL["progress"], _("Catatan yang sudah direviu kecamatan"))
        item.setText(
            COL["stage"],
            _("{pct} diverifikasi").format(pct=_percent(totals["verified_percent"])),
        )
        notes = [_("{pct} diterima kabupaten").format(pct=_percent(totals["accepted_percent"]))]
        if totals["overdue"]:
            notes.append(_("{n} desa terlambat").format(n=totals["overdue"]))
        item.setText(COL["note"], " · ".join(notes))
        item.setToolTip(COL["note"], item.text(COL["note"]))
        font = item.font(0)
        font.setBold(True)
        for col in range(len(COLUMNS)):
            item.setFont(col, font)
        return item

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
        else:
            item.setText(COL["bundle"], _("belum ada"))
        for kind in RecordKind:
            item.setText(COL[kind.value], format_count(status.counts.get(kind.value, 0)))
            item.setTextAlignment(COL[kind.value], Qt.AlignmentFlag.AlignRight)
        item.setText(COL["progress"], line.progress)
        item.setText(COL["stage"], stage_label(status.stage))
        item.setText(COL["note"], self._note(line))
        item.setToolTip(COL["note"], item.text(COL["note"]))
        if line.overdue:
            for col in range(len(COLUMNS)):
                item.setBackground(col, QBrush(LATE_FILL))
            item.setForeground(COL["note"], QBrush(LATE_TEXT))
        return item

    def _note(self, line: VillageLine) -> str:
        status = line.status
        notes = []
        if line.overdue:
            notes.append(_("Terlambat: belum mengirim"))
        if status.changed_after_verification:
            notes.append(_(CHANGED_AFTER_VERIFICATION))
        if status.stage is VillageStage.DIKEMBALIKAN:
            verdict = status.kabupaten_verdict or status.verification
            if verdict is not None and verdict.reason:
                notes.append(ref_list(REASON_LIST).label(verdict.reason))
        if status.changed_since_review:
            notes.append(_("{n} berubah sejak direviu").format(n=status.changed_since_review))
        return " · ".join(notes)

    def _summarise(self, report: Completeness) -> None:
        lines = list(self.lines.values())
        sent = sum(1 for v in lines if v.status.stage is not VillageStage.BELUM_KIRIM)
        late = sum(1 for v in lines if v.overdue)
        text = _("{sent} dari {n} desa sudah mengirim data.").format(sent=sent, n=len(lines))
        if report.deadline is not None:
            text += " " + _("Tenggat {date}: {late} desa terlambat.").format(
                date=_short_date(report.deadline), late=late
            )
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
        # Nothing received from a village: nothing to verify there yet.
        self.verify_box.setEnabled(line is not None and line.status.total > 0)
        self.verify_target.setText(line.name + ":" if line is not None else "")

    # --- actions ---------------------------------------------------------------------------

    def store_deadline(self) -> bool:
        value: dt.date | None = None
        if self.use_deadline.isChecked():
            q = self.deadline.date()
            value = dt.date(q.year(), q.month(), q.day())
        try:
            change = set_deadline(self.ctx, value)
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
            )
        except ReviewInvalid as exc:
            self.verify_error.setText("\n".join(p.message for p in exc.problems))
            return False
        except UserError as exc:
            self.verify_error.setText(str(exc))
            return False
        self._publish(change)
        self.verify_comment.clear()
        self.reload()
        self.verify_error.setText("")
        self.copy_note.setText(
            _("Verifikasi {name} tersimpan: {stage}.").format(
                name=line.name, stage=stage_label(self.lines[line.code].status.stage)
            )
        )
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
