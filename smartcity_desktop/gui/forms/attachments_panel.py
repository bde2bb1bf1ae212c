"""Photos and PDFs of one record: thumbnails, add (file dialog or drag and drop), open, remove.

Shrinking a phone photo takes a second or more on a village laptop, so ``AttachmentService.prepare``
runs through the TaskRunner; only the short database write happens on the GUI thread. The service
writes blob and row together or not at all, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImageReader,
    QPixmap,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.forms.dialogs import EditorDialogs
from smartcity_desktop.gui.tasks import TaskProgress, TaskRunner
from smartcity_desktop.i18n import _
from smartcity_desktop.services.attachments import AttachmentInfo, AttachmentService, PreparedFile
from smartcity_desktop.services.context import AppContext

log = logging.getLogger(__name__)

THUMB = 112
INFO_ROLE = Qt.ItemDataRole.UserRole


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=f"{size / (1024 * 1024):.1f}".replace(".", ","))
    return _("{n} KB").format(n=max(1, round(size / 1024)))


class AttachmentsPanel(QWidget):
    changed = Signal(object)  # services.changes.Change
    busy_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        kind: RecordKind,
        dialogs: EditorDialogs,
        ensure_record: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = AttachmentService(ctx)
        self.runner = runner
        self.kind = RecordKind(kind)
        self.dialogs = dialogs
        self.ensure_record = ensure_record
        # Replaceable so tests can see what would be opened without starting a viewer.
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.record_id: str | None = None
        self.read_only = False
        self._queue: list[Path] = []
        self._current: Path | None = None
        self._errors: list[str] = []
        self._needs_record_shown = False  # the "save the record first" error is on screen
        self._shut = False
        self._build()
        self.setAcceptDrops(True)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("Hint")
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        # Static after IconMode: the list must not take drops itself, so they reach this panel.
        self.list.setMovement(QListView.Movement.Static)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 40, THUMB + 44))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName(_("Daftar lampiran"))
        self.list.itemDoubleClicked.connect(self._open_item)
        self.list.itemSelectionChanged.connect(self._update_buttons)

        busy_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.busy_label = QLabel()
        busy_row.addWidget(self.progress)
        busy_row.addWidget(self.busy_label, 1)
        self.busy_box = QWidget()
        self.busy_box.setLayout(busy_row)
        busy_row.setContentsMargins(0, 0, 0, 0)
        self.busy_box.hide()

        self.error_label = QLabel()
        self.error_label.setObjectName("AttachmentError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()

        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Tambah foto/PDF…"))
        self.add_button.clicked.connect(self.choose_and_add)
        self.open_button = QPushButton(_("Buka"))
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton(_("Hapus lampiran"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addWidget(self.busy_box)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    # --- state ---------------------------------------------------------------------------------

    def set_record(self, record_id: str | None, read_only: bool) -> None:
        self.record_id = record_id
        self.read_only = read_only
        if record_id is not None and self._needs_record_shown:
            # The record exists now: "save the record first" is no longer true.
            self._needs_record_shown = False
            self.error_label.hide()
        self.setAcceptDrops(not read_only)
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        infos = self.service.for_record(self.record_id) if self.record_id else []
        for info in infos:
            self.list.addItem(self._item(info))
        # One row of thumbnails (or an empty drop area), two when there are many; then it scrolls.
        rows = 2 if len(infos) > 6 else 1
        self.list.setFixedHeight(rows * (THUMB + 44) + 2 * self.list.frameWidth() + 8)
        if self.read_only:
            hint = "" if infos else _("Tidak ada lampiran.")
        elif self.record_id is None:
            hint = _(
                "Simpan dulu untuk menambah lampiran. Jika Anda menambah foto atau PDF sekarang, "
                "catatan otomatis disimpan sebagai draf terlebih dahulu."
            )
        else:
            hint = _("Seret foto (JPEG, PNG, WebP) atau PDF ke sini, atau klik Tambah foto/PDF.")
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._update_buttons()

    def _item(self, info: AttachmentInfo) -> QListWidgetItem:
        item = QListWidgetItem(self._icon(info), f"{info.filename}\n{_size_text(info.size)}")
        item.setData(INFO_ROLE, info)
        tip = f"{info.filename} · {_size_text(info.size)}"
        if info.width and info.height:
            tip += f" · {info.width}×{info.height} px"
        item.setToolTip(tip)
        item.setSizeHint(QSize(THUMB + 36, THUMB + 40))
        return item

    def _icon(self, info: AttachmentInfo) -> QIcon:
        style = self.style()
        if not info.path.is_file():
            return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if not info.is_image:
            return style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        reader = QImageReader(str(info.path))
        reader.setDecideFormatFromContent(True)
        size = reader.size()
        if size.isValid():
            # Decode at thumbnail size: far faster than loading the 1600 px photo.
            reader.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return QIcon(QPixmap.fromImage(image))

    def infos(self) -> list[AttachmentInfo]:
        return [self.list.item(i).data(INFO_ROLE) for i in range(self.list.count())]

    def is_busy(self) -> bool:
        return self._current is not None

    def _update_buttons(self) -> None:
        selected = bool(self.list.selectedItems())
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(selected and not self.read_only and not self.is_busy())
        self.add_button.setEnabled(not self.read_only and not self.is_busy())

    def shutdown(self) -> None:
        self._shut = True
        self._queue.clear()

    # --- adding --------------------------------------------------------------------------------

    def choose_and_add(self) -> None:
        paths = self.dialogs.choose_files()
        if paths:
            self.add_files(paths)

    def add_files(self, paths: Sequence[Path]) -> None:
        """Prepare and attach each file in turn; problems are listed together at the end."""
        if self.read_only or self._shut or not paths:
            return
        if self.record_id is None:
            self.record_id = self.ensure_record()
            if self.record_id is None:
                self._show_errors(
                    [_("Lampiran belum ditambahkan: catatan belum dapat disimpan. Periksa isian.")]
                )
                self._needs_record_shown = True
                return
            self.refresh()
        if not self.is_busy():
            self._errors = []
            self.error_label.hide()
        self._queue.extend(paths)
        if not self.is_busy():
            self._next()

    def _next(self) -> None:
        if self._shut:
            return
        if not self._queue:
            self._current = None
            self.busy_box.hide()
            self.busy_changed.emit(False)
            self._update_buttons()
            if self._errors:
                self._show_errors(self._errors)
            return
        path = self._queue.pop(0)
        self._current = path
        self.busy_label.setText(_("Memproses {name}…").format(name=path.name))
        self.busy_box.show()
        self.busy_changed.emit(True)
        self._update_buttons()
        service = self.service

        def prepare(_progress: TaskProgress) -> PreparedFile:
            return service.prepare(path)

        self.runner.submit(prepare, on_success=self._on_prepared, on_error=self._on_failed)

    def _on_prepared(self, prepared: PreparedFile) -> None:
        if self._shut or self.record_id is None:
            return
        try:
            change = self.service.attach_prepared(self.kind, self.record_id, prepared)
        except UserError as exc:
            self._errors.append(str(exc))
        else:
            self.refresh()
            self.changed.emit(change)
        self._next()

    def _on_failed(self, exc: BaseException) -> None:
        if self._shut:
            return
        name = self._current.name if self._current else ""
        if isinstance(exc, UserError):
            self._errors.append(str(exc))
        else:
            log.error("preparing attachment %s failed", name, exc_info=exc)
            self._errors.append(
                _("Berkas '{name}' tidak dapat dilampirkan karena kesalahan tak terduga.").format(
                    name=name
                )
            )
        self._next()

    def _show_errors(self, messages: list[str]) -> None:
        self._needs_record_shown = False
        self.error_label.setText("\n".join(messages))
        self.error_label.show()

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # --- drag and drop -------------------------------------------------------------------------

    def _local_paths(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.read_only and self._local_paths(event):
            event.acceptProposedAction()
            self.list.setProperty("dropTarget", True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self.read_only and self._local_paths(event):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.list.setProperty("dropTarget", False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self.list.setProperty("dropTarget", False)
        paths = self._local_paths(event)
        if self.read_only or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(paths)

    # --- opening and removing ------------------------------------------------------------------

    def _selected_info(self) -> AttachmentInfo | None:
        items = self.list.selectedItems()
        return items[0].data(INFO_ROLE) if items else None

    def open_selected(self) -> None:
        info = self._selected_info()
        if info is not None:
            self.open_attachment(info)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_attachment(item.data(INFO_ROLE))

    def open_attachment(self, info: AttachmentInfo) -> None:
        # The service hands over a copy named by hash and checked type, never the sender's name,
        # so the system can only show it, whatever the name says.
        try:
            target = self.service.opened_copy(info.id)
        except UserError as exc:
            self._show_errors([str(exc)])
            return
        self.open_url(QUrl.fromLocalFile(str(target)))

    def remove_selected(self) -> None:
        info = self._selected_info()
        if info is not None:
            self.remove(info)

    def remove(self, info: AttachmentInfo) -> bool:
        if self.read_only:
            return False
        question = _('Hapus lampiran "{name}" dari catatan ini?').format(name=info.filename)
        if not self.dialogs.confirm(_("Hapus lampiran"), question, _("Hapus"), _("Batal")):
            return False
        try:
            change = self.service.remove(info.id)
        except UserError as exc:
            self._show_errors([str(exc)])
            return False
        self.error_label.hide()
        self.refresh()
        self.changed.emit(change)
        return True
