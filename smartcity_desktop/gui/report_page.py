"""Laporan: the documents that fit the office's role, written off the GUI thread with progress
and cancel.

- desa: Rekap Desa;
- kecamatan: Rekap Kecamatan, Berita Acara Verifikasi Kecamatan, and the reminder letter (Surat
  Pengingat) or reminder text for a chosen village, late ones first;
- kabupaten: nothing of its own yet; the page says so instead of offering a village recap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import N_, _, current_language

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


def _cancelled_error(exc: BaseException) -> bool:
    # The report service raises its own UserError subclass on cancel; the runner has Cancelled.
    return isinstance(exc, Cancelled) or getattr(exc, "code", "") == "report.cancelled"


@dataclass(frozen=True)
class Document:
    key: str
    button: str  # N_ texts: translated when shown
    dialog_title: str
    file_prefix: str
    saved: str  # "{path}" placeholder


DOCUMENTS = {
    "desa": Document(
        "desa",
        N_("Buat Rekap Desa (PDF)"),
        N_("Simpan Rekap Desa"),
        "rekap-desa",
        N_("Rekap Desa tersimpan di {path}"),
    ),
    "kecamatan": Document(
        "kecamatan",
        N_("Buat Rekap Kecamatan (PDF)"),
        N_("Simpan Rekap Kecamatan"),
        "rekap-kecamatan",
        N_("Rekap Kecamatan tersimpan di {path}"),
    ),
    "berita_acara": Document(
        "berita_acara",
        N_("Buat Berita Acara Verifikasi (PDF)"),
        N_("Simpan Berita Acara Verifikasi Kecamatan"),
        "berita-acara-verifikasi",
        N_("Berita Acara Verifikasi tersimpan di {path}"),
    ),
    "pengingat": Document(
        "pengingat",
        N_("Buat Surat Pengingat (PDF)"),
        N_("Simpan Surat Pengingat"),
        "surat-pengingat",
        N_("Surat Pengingat tersimpan di {path}"),
    ),
}
ROLE_DOCUMENTS = {"desa": ("desa",), "kecamatan": ("kecamatan", "berita_acara")}


def _worker(
    key: str, ctx: Any, target: Path, language: str, desa: str | None
) -> Callable[..., Path]:
    """The service call for one document; looked up when run, so a test can replace it."""

    def work(progress: TaskProgress) -> Path:
        from smartcity_desktop.services import kecamatan_reports, reports

        if key == "desa":
            return reports.build_desa_recap(ctx, target, progress, language=language)
        if key == "kecamatan":
            return kecamatan_reports.build_kecamatan_recap(ctx, target, progress, language=language)
        if key == "berita_acara":
            return kecamatan_reports.build_berita_acara(ctx, target, progress, language=language)
        assert desa is not None
        return kecamatan_reports.write_reminder_letter(ctx, desa, target, language=language)

    return work


class ReportPage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.handle: TaskHandle | None = None
        self._running = False
        self._current = "desa"
        self.last_pdf: Path | None = None

        title = QLabel(_("Laporan"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        role = shell.ctx.office.role
        self.role = role
        self.buttons: dict[str, QPushButton] = {}
        self.village_combo: QComboBox | None = None
        self.copy_button: QPushButton | None = None
        intro = QLabel(self._intro_text(role), wordWrap=True)
        for key in ROLE_DOCUMENTS.get(role, ()):
            self.buttons[key] = self._document_button(key)
        # The first document of the role: what the page's main button makes.
        self.build_button: QPushButton | None = next(iter(self.buttons.values()), None)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Kemajuan pembuatan laporan"))
        self.progress.hide()
        self.status = QLabel(wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QPushButton(_("Batalkan"))
        self.cancel_button.setAccessibleName(_("Batalkan pembuatan laporan"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.open_button = QPushButton(_("Buka"))
        self.open_button.setAccessibleName(_("Buka berkas PDF"))
        self.open_button.clicked.connect(self.open_pdf)
        self.folder_button = QPushButton(_("Buka folder"))
        self.folder_button.setAccessibleName(_("Buka folder berkas PDF"))
        self.folder_button.clicked.connect(self.open_folder)
        for b in (self.open_button, self.folder_button):
            b.hide()

        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        reminder = self._reminder_box() if role == "kecamatan" else None
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        result_row = QHBoxLayout()
        result_row.addWidget(self.open_button)
        result_row.addWidget(self.folder_button)
        result_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(row)
        if reminder is not None:
            layout.addSpacing(8)
            layout.addWidget(reminder)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addLayout(result_row)
        layout.addStretch(1)

    @staticmethod
    def _intro_text(role: str) -> str:
        if role == "desa":
            return _(
                "Rekap Desa merangkum permasalahan, potensi dan usulan inovasi kantor ini dalam "
                "satu berkas PDF, siap dicetak untuk musyawarah desa dan diserahkan ke kecamatan "
                "atau kabupaten. Hanya catatan final yang dimuat; draf belum ikut."
            )
        if role == "kecamatan":
            return _(
                "Rekap Kecamatan merangkum data setiap desa/kelurahan di wilayah kecamatan, hasil "
                "reviu dan daftar prioritas usulan inovasi. Berita Acara Verifikasi mencatat "
                "desa yang sudah diverifikasi, untuk ditandatangani camat dan operator. Untuk "
                "desa yang terlambat, buat surat pengingat atau salin teks pengingat untuk "
                "dikirim lewat aplikasi pesan."
            )
        return _(
            "Laporan tingkat kabupaten belum tersedia di versi ini. Kemajuan setiap kecamatan "
            "dan desa dapat dilihat di halaman Kelengkapan."
        )

    def _document_button(self, key: str) -> QPushButton:
        doc = DOCUMENTS[key]
        button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
            _(doc.button),
        )
        button.setAccessibleName(_(doc.button))
        button.clicked.connect(lambda _checked=False, k=key: self.choose_and_build(k))
        button.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        return button

    def _reminder_box(self) -> QGroupBox:
        box = QGroupBox(_("Pengingat untuk desa yang terlambat"))
        self.village_combo = QComboBox()
        self.village_combo.setAccessibleName(_("Desa yang diingatkan"))
        self.village_combo.setMinimumContentsLength(32)
        label = QLabel(_("&Desa/kelurahan:"))
        label.setBuddy(self.village_combo)
        self.buttons["pengingat"] = self._document_button("pengingat")
        self.buttons["pengingat"].setMinimumHeight(0)
        self.copy_button = QPushButton(_("Salin teks pengingat"))
        self.copy_button.setAccessibleName(_("Salin teks pengingat untuk aplikasi pesan"))
        self.copy_button.clicked.connect(self.copy_reminder)
        self.reminder_note = QLabel(wordWrap=True)
        self.reminder_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.village_combo, 1)
        row.addWidget(self.buttons["pengingat"])
        row.addWidget(self.copy_button)
        inner = QVBoxLayout(box)
        inner.addLayout(row)
        inner.addWidget(self.reminder_note)
        self.load_villages()
        return box

    def load_villages(self) -> None:
        """Villages of the kecamatan, late ones first; a quick read (a few dozen rows)."""
        from smartcity_desktop.domain.review import stage_label
        from smartcity_desktop.services.completeness import completeness

        combo = self.village_combo
        if combo is None:
            return
        chosen = combo.currentData()
        combo.clear()
        try:
            report = completeness(self.shell.ctx)
        except UserError as exc:
            self.reminder_note.setText(error_text(exc))
            return
        lines = [line for group in report.groups for line in group.villages]
        lines.sort(key=lambda line: (not line.overdue, line.code))
        for line in lines:
            state = _("terlambat") if line.overdue else stage_label(line.status.stage).lower()
            combo.addItem(f"{line.name} ({state})", line.code)
        if chosen is not None and combo.findData(chosen) >= 0:
            combo.setCurrentIndex(combo.findData(chosen))
        late = sum(1 for line in lines if line.overdue)
        if report.deadline is None:
            self.reminder_note.setText(
                _("Tenggat belum ditetapkan; tetapkan di halaman Kelengkapan.")
            )
        else:
            self.reminder_note.setText(
                _("{n} desa/kelurahan terlambat mengirim data.").format(n=late)
            )

    def chosen_desa(self) -> str | None:
        combo = self.village_combo
        return None if combo is None or combo.currentIndex() < 0 else str(combo.currentData())

    def copy_reminder(self) -> None:
        from smartcity_desktop.services.kecamatan_reports import reminder_text

        desa = self.chosen_desa()
        if desa is None:
            return
        try:
            text = reminder_text(self.shell.ctx, desa)
        except UserError as exc:
            self.shell.dialogs.error(self, exc, _("Teks pengingat tidak dapat dibuat"))
            return
        QGuiApplication.clipboard().setText(text)
        self.reminder_note.setText(_("Teks pengingat disalin:") + "\n" + text)

    def showEvent(self, event: Any) -> None:
        # Imports and reviews happen on other pages: the late list follows them.
        super().showEvent(event)
        if self.village_combo is not None:
            self.load_villages()

    def suggested_path(self, key: str | None = None) -> Path:
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        office = self.shell.ctx.office
        code = office.code.replace(".", "")
        if key == "pengingat" and self.chosen_desa():
            code = str(self.chosen_desa()).replace(".", "")
        name = f"{DOCUMENTS[key].file_prefix}-{code}-{date.today():%Y%m%d}.pdf"
        return self.shell.ctx.paths.exports / name

    def choose_and_build(self, key: str | None = None) -> None:
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        if key == "pengingat" and self.chosen_desa() is None:
            return
        self.shell.ctx.paths.exports.mkdir(parents=True, exist_ok=True)
        target = self.shell.dialogs.save_file(
            self,
            _(DOCUMENTS[key].dialog_title),
            self.suggested_path(key),
            _("Berkas PDF (*.pdf)"),
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        self.build(target, key)

    def build(self, target: Path, key: str | None = None) -> None:
        if self._running:
            return
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        ctx, language = self.shell.ctx, current_language()
        work = _worker(key, ctx, target, language, self.chosen_desa())
        self._current = key
        self._set_running(True)
        self.status.setText(_("Menyiapkan laporan…"))
        handle = self.shell.submit(work, self._built, self._failed, self._progressed, parent=self)
        # A runner that finishes at once (tests) has already called back: keep no stale handle.
        self.handle = handle if self._running else None

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Membatalkan…"))

    def _progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _built(self, path: Path) -> None:
        self._set_running(False)
        self.last_pdf = Path(path)
        self.status.setText(_(DOCUMENTS[self._current].saved).format(path=self.last_pdf))
        self.open_button.show()
        self.folder_button.show()
        self.open_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        if _cancelled_error(exc):
            self.status.setText(_("Dibatalkan; tidak ada berkas yang disimpan."))
            return
        self.status.setText(error_text(exc) if isinstance(exc, UserError) else "")
        self.shell.dialogs.error(self, exc, _("Laporan tidak dapat dibuat"))

    def _set_running(self, running: bool) -> None:
        self._running = running
        if not running:
            self.handle = None
        for button in self.buttons.values():
            button.setEnabled(not running)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.open_button.hide()
            self.folder_button.hide()

    def open_pdf(self) -> None:
        if self.last_pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf)))

    def open_folder(self) -> None:
        if self.last_pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf.parent)))

    def can_close(self) -> bool:
        if self.handle is not None:
            self.handle.cancel()  # a half-written report is removed by the service
        return True
