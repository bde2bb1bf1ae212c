"""Laporan: the documents that fit the office's role, written off the GUI thread with progress
and cancel.

- desa: Rekap Desa;
- kecamatan: Rekap Kecamatan, Berita Acara Verifikasi Kecamatan, and the reminder letter (Surat
  Pengingat) or reminder text for a chosen village, late ones first;
- kabupaten: the annex to the masterplan (Lampiran Rekapitulasi Aspirasi Permasalahan, Potensi
  dan Usulan Inovasi Desa/Kelurahan), over every analysis view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.pdf_task import PdfTask, ask_pdf_target
from smartcity_desktop.gui.tasks import TaskHandle, TaskProgress
from smartcity_desktop.i18n import N_, _, current_language

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


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
    "annex": Document(
        "annex",
        N_("Buat Lampiran Rekapitulasi (PDF)"),
        N_("Simpan Lampiran Rekapitulasi"),
        "lampiran-rekapitulasi",
        N_("Lampiran Rekapitulasi tersimpan di {path}"),
    ),
    "pengingat": Document(
        "pengingat",
        N_("Buat Surat Pengingat (PDF)"),
        N_("Simpan Surat Pengingat"),
        "surat-pengingat",
        N_("Surat Pengingat tersimpan di {path}"),
    ),
}
ROLE_DOCUMENTS = {
    "desa": ("desa",),
    "kecamatan": ("kecamatan", "berita_acara"),
    "kabupaten": ("annex",),
}


def _worker(
    key: str, ctx: Any, target: Path, language: str, desa: str | None
) -> Callable[..., Path]:
    """The service call for one document; looked up when run, so a test can replace it."""

    def work(progress: TaskProgress) -> Path:
        from smartcity_desktop.services import annex, kecamatan_reports, reports

        if key == "annex":
            return annex.build_annex(ctx, target, progress, language=language)
        if key == "desa":
            return reports.build_desa_recap(ctx, target, progress, language=language)
        if key == "kecamatan":
            return kecamatan_reports.build_kecamatan_recap(ctx, target, progress, language=language)
        if key == "berita_acara":
            return kecamatan_reports.build_berita_acara(ctx, target, progress, language=language)
        assert desa is not None
        return kecamatan_reports.write_reminder_letter(ctx, desa, target, language=language)

    return work


def suggested_pdf_path(ctx: Any, key: str, code: str) -> Path:
    """``<prefix>-<code without dots>-<yyyymmdd>.pdf`` in the office's exports folder."""
    name = f"{DOCUMENTS[key].file_prefix}-{code.replace('.', '')}-{date.today():%Y%m%d}.pdf"
    return Path(ctx.paths.exports) / name


def build_reminder_letter(
    task: PdfTask, ctx: Any, desa: str, target: Path, language: str | None = None
) -> bool:
    """Write the Surat Pengingat for ``desa`` to ``target`` through ``task`` (Laporan and
    Kelengkapan pages); False when ``task`` is still busy."""
    work = _worker("pengingat", ctx, target, language or current_language(), desa)
    return task.start(work, _(DOCUMENTS["pengingat"].saved))


class ReportPage(QWidget):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.task = PdfTask(shell, self._enable_buttons)

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
        # The running document's progress, cancel and result: shared with Kelengkapan.
        self.progress = self.task.progress
        self.status = self.task.status
        self.cancel_button = self.task.cancel_button
        self.open_button = self.task.open_button
        self.folder_button = self.task.folder_button

        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        reminder = self._reminder_box() if role == "kecamatan" else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(row)
        if reminder is not None:
            layout.addSpacing(8)
            layout.addWidget(reminder)
        layout.addWidget(self.task)
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
            "Lampiran Rekapitulasi memuat kelengkapan data desa per kecamatan, setiap tampilan "
            "analisis dengan grafiknya, dan usulan yang ditolak atau dialihkan beserta alasannya: "
            "lampiran dokumen Masterplan Smart City, siap ditandatangani. Tabel yang sangat "
            "panjang dipotong pada baris teratas; tabel lengkapnya diekspor sebagai XLSX di "
            "halaman analisis. Kemajuan setiap kecamatan dan desa dapat dilihat di halaman "
            "Kelengkapan."
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

    @property
    def last_pdf(self) -> Path | None:
        return self.task.last_pdf

    @property
    def handle(self) -> TaskHandle | None:
        return self.task.handle

    def suggested_path(self, key: str | None = None) -> Path:
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        code = self.shell.ctx.office.code
        if key == "pengingat" and self.chosen_desa():
            code = str(self.chosen_desa())
        return suggested_pdf_path(self.shell.ctx, key, code)

    def choose_and_build(self, key: str | None = None) -> None:
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        if key == "pengingat" and self.chosen_desa() is None:
            return
        target = ask_pdf_target(
            self.shell, self, _(DOCUMENTS[key].dialog_title), self.suggested_path(key)
        )
        if target is not None:
            self.build(target, key)

    def build(self, target: Path, key: str | None = None) -> None:
        key = key or next(iter(ROLE_DOCUMENTS.get(self.role, ("desa",))))
        ctx, language = self.shell.ctx, current_language()
        if key == "pengingat":
            desa = self.chosen_desa()
            assert desa is not None
            build_reminder_letter(self.task, ctx, desa, target, language)
            return
        self.task.start(_worker(key, ctx, target, language, None), _(DOCUMENTS[key].saved))

    def cancel(self) -> None:
        self.task.cancel()

    def _enable_buttons(self, running: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(not running)

    def can_close(self) -> bool:
        return self.task.can_close()
