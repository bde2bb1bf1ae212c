"""Parts both analysis pages use: the title, the area filters and the busy row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


def page_title(text: str) -> QLabel:
    title = QLabel(text)
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


class AreaFilters(QWidget):
    """Kecamatan (at a kabupaten) and dimension; ``changed`` when either changes."""

    changed = Signal()

    def __init__(self, shell: Shell, *, dimension: bool = True) -> None:
        super().__init__()
        from smartcity_desktop.services.regions import list_regions

        office = shell.ctx.office
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.kecamatan = QComboBox()
        self.kecamatan.setAccessibleName(_("Saring menurut kecamatan"))
        self.kecamatan.addItem(_("Semua kecamatan"), None)
        if office.role == "kabupaten":
            for region in list_regions(shell.ctx, office.code):
                self.kecamatan.addItem(region.name, region.code)
            label = QLabel(_("&Kecamatan:"))
            label.setBuddy(self.kecamatan)
            row.addWidget(label)
            row.addWidget(self.kecamatan)
        else:
            self.kecamatan.hide()
        self.dimension = QComboBox()
        self.dimension.setAccessibleName(_("Saring menurut dimensi"))
        self.dimension.addItem(_("Semua dimensi"), None)
        for item in ref_list("dimensions").items:
            self.dimension.addItem(item.label(), item.code)
        if dimension:
            label = QLabel(_("&Dimensi:"))
            label.setBuddy(self.dimension)
            row.addWidget(label)
            row.addWidget(self.dimension)
        else:
            self.dimension.hide()
        row.addStretch(1)
        self.kecamatan.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.dimension.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def area(self) -> object:
        from smartcity_desktop.services.similarity import AreaFilter

        return AreaFilter(
            kecamatan=self.kecamatan.currentData(), dimension=self.dimension.currentData()
        )


class BusyRow(QWidget):
    """A busy bar and a cancel button, shown while a computation runs."""

    def __init__(self, what: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(what)
        self.cancel = QPushButton(_("Batalkan"))
        self.cancel.setAccessibleName(_("Batalkan perhitungan"))
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        self.hide()
