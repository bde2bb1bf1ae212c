"""A village record, read-only, beside the review form: every field with its label, and photos.

The text is one ``setHtml`` (cheap enough for stepping through hundreds of records); thumbnails are
decoded at thumbnail size after the text is shown, so they never hold up the next record.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext
    from smartcity_desktop.services.review_desk import RecordDetails

THUMB = 96
MAX_THUMBS = 6


class RecordView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.details: RecordDetails | None = None
        self.heading = QLabel(wordWrap=True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName(_("Isi catatan desa"))
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        self.photos.setFixedHeight(THUMB + 28)
        self.photos.setFlow(QListWidget.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setAccessibleName(_("Foto catatan"))
        self.photos.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.photos.hide()
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.timeout.connect(self._load_thumbnails)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.photos)

    def clear(self, message: str = "") -> None:
        self.details = None
        self.heading.setText(escape(message))
        self.text.clear()
        self.photos.clear()
        self.photos.hide()

    def show_record(self, details: RecordDetails) -> None:
        self.details = details
        self.heading.setText(
            "<b>{title}</b><br>{kind} · {office} · {revision}".format(
                title=escape(details.title),
                kind=escape(kind_label(details.kind)),
                office=escape(details.office_name),
                revision=escape(_("revisi {n}").format(n=details.revision)),
            )
        )
        rows = "".join(
            f"<tr><td style='color:#555;padding:2px 10px 2px 0' valign='top'>{escape(label)}</td>"
            f"<td style='padding:2px 0'>{escape(text).replace(chr(10), '<br>')}</td></tr>"
            for label, text in details.fields
        )
        self.text.setHtml(f"<table cellspacing='0'>{rows}</table>")
        self.photos.clear()
        self.photos.hide()
        self._thumb_timer.start(0)  # after this record is painted

    def _load_thumbnails(self) -> None:
        from smartcity_desktop.services.attachments import AttachmentService

        details = self.details
        if details is None:
            return
        images = [a for a in AttachmentService(self.ctx).for_record(details.id) if a.is_image]
        for info in images[:MAX_THUMBS]:
            reader = QImageReader(str(info.path))
            reader.setAutoTransform(True)
            size = reader.size()
            if size.isValid():
                reader.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
            if image.isNull():
                continue
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), "")
            item.setToolTip(info.filename)
            self.photos.addItem(item)
        self.photos.setVisible(self.photos.count() > 0)
