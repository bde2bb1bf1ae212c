"""The sidebar uses the shipped Tabler icons (licence beside them) and the window has the app
icon; the installer carries the .ico."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from smartcity_desktop.gui.icons import app_icon, nav_icon
from smartcity_desktop.gui.main_window import PAGES, MainWindow
from smartcity_desktop.resource_files import resource
from smartcity_desktop.services.context import AppContext
from tests.gui.test_main_window import make_shell

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_has_a_shipped_openly_licensed_icon() -> None:
    licence = resource("icons", "tabler", "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    for spec in PAGES:
        assert resource("icons", "tabler", f"{spec.icon}.svg").is_file(), spec.key
    # Only icons that are used are shipped (the app icon's source is the one extra).
    shipped = {
        p.name[:-4] for p in resource("icons", "tabler").iterdir() if p.name.endswith(".svg")
    }
    assert shipped == {s.icon for s in PAGES} | {"building-community"}


def test_the_navigation_and_the_window_use_them(qtbot: Any, desa_ctx: AppContext) -> None:
    window = MainWindow(make_shell(desa_ctx))
    qtbot.addWidget(window)
    for row in range(window.nav.count()):
        icon = window.nav.item(row).icon()
        image = icon.pixmap(QSize(22, 22)).toImage()
        assert not icon.isNull() and image.width() == 22
        # Drawn, not blank: some pixels are opaque.
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(22) for y in range(22)), (
            window.nav.item(row).text()
        )
        selected = icon.pixmap(QSize(22, 22), QIcon.Mode.Selected).toImage()
        assert selected != image  # white on the selected row's blue
    assert not window.windowIcon().isNull()
    assert {s.width() for s in app_icon().availableSizes()} >= {16, 32, 48, 256}
    assert nav_icon("key") is nav_icon("key")


def test_the_installer_uses_the_app_icon() -> None:
    spec = (ROOT / "installer" / "smartcity.spec").read_text(encoding="utf-8")
    assert re.search(r'APP_ICON = str\(RESOURCES / "icons" / "app" / "smartcity.ico"\)', spec)
    assert spec.count("icon=APP_ICON") == 2
    ico = ROOT / "resources" / "icons" / "app" / "smartcity.ico"
    from PIL import Image

    with Image.open(ico) as image:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(image.info["sizes"])
