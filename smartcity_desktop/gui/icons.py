"""The app's icons: Tabler Icons (MIT, resources/icons/tabler) for the navigation, and the app icon.

Tabler's SVGs draw with ``currentColor``; each icon is rendered here in the sidebar's text colour,
and in white for the selected row, so it reads on both backgrounds. QtSvg renders them, so the
frozen app carries the SVG module (imported here) and needs no icon-engine plugin.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from smartcity_desktop.resource_files import read_bytes, resource

NAV_COLOUR = "#1c2833"
SELECTED_COLOUR = "#ffffff"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def _pixmap(svg: bytes, colour: str, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", colour.encode())))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def nav_icon(name: str, size: int = 22) -> QIcon:
    """A Tabler outline icon by name (``resources/icons/tabler/<name>.svg``)."""
    svg = read_bytes("icons", "tabler", f"{name}.svg")
    icon = QIcon()
    for scale in (1, 2):  # sharp on 150-200 % displays too
        icon.addPixmap(_pixmap(svg, NAV_COLOUR, size * scale), QIcon.Mode.Normal)
        icon.addPixmap(_pixmap(svg, SELECTED_COLOUR, size * scale), QIcon.Mode.Selected)
    return icon


@cache
def app_icon() -> QIcon:
    """The window and taskbar icon, from the PNGs made by tools/make_app_icon.py."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(resource("icons", "app", f"smartcity-{size}.png")), QSize(size, size))
    return icon
