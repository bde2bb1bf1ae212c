"""Labels and small widgets shared by the bundle pages."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from smartcity_desktop.i18n import N_, _

STATUS_LABELS = {
    "verified": N_("Sah, siap diimpor"),
    "dry-run": N_("Sah, siap diimpor"),
    "imported": N_("Diimpor"),
    "already": N_("Sudah pernah diimpor"),
    "refused": N_("Ditolak"),
}
# Colours only repeat what the words already say (never colour alone).
CERTIFIED_COLOUR = "#1e7b34"
LOCAL_COLOUR = "#8a5a00"
LOCAL_FILL = "#fff1c2"
REFUSED_COLOUR = "#b03a2e"


def trust_text(level: str | None) -> str:
    """Words first: the mark survives a black-and-white screen or colour blindness."""
    if level == "certified":
        return _("✔ bersertifikat")
    if level == "locally_trusted":
        return _("⚠ dipercaya lokal (belum bersertifikat)")
    return _("tidak dipercaya")


def trust_colour(level: str | None) -> str:
    if level == "certified":
        return CERTIFIED_COLOUR
    if level == "locally_trusted":
        return LOCAL_COLOUR
    return REFUSED_COLOUR


def page_title(text: str) -> QLabel:
    title = QLabel(text)
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


def monospace_font(scale: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    return font


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
