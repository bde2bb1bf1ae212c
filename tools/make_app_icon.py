"""Render resources/icons/app/smartcity.svg to the PNG sizes and the Windows .ico the app and the
installers use. Run after changing the SVG: python tools/make_app_icon.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP = Path(__file__).resolve().parent.parent / "resources" / "icons" / "app"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(APP / "smartcity.svg"))
    pngs = {size: render(renderer, size) for size in SIZES}
    for size, png in pngs.items():
        (APP / f"smartcity-{size}.png").write_bytes(png)
    images = [Image.open(io.BytesIO(pngs[size])) for size in SIZES]
    images[-1].save(
        APP / "smartcity.ico", format="ICO", sizes=[(s, s) for s in SIZES], append_images=images
    )
    print(f"wrote {len(SIZES)} PNG sizes and smartcity.ico to {APP}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
