"""Parts both analysis pages use: the title, the area filters, the busy row and the computing
scaffolding (one computation at a time off the GUI thread, with progress and cancel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
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


class ComputedPage(QWidget):
    """A page whose contents are computed off the GUI thread.

    ``compute`` starts a computation, cancelling a running one; its progress messages go to
    ``status`` while ``busy`` shows. A newer start or a cancel overtakes an older computation,
    whose result or failure is then ignored. Subclasses create ``busy`` and ``status``, connect
    ``busy.cancel`` to ``cancel`` and provide ``_update_actions``.
    """

    busy: BusyRow
    status: QLabel

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.handle: TaskHandle | None = None
        self._generation = 0

    def lay_out(
        self, title: str, intro: QLabel, top: QHBoxLayout, view: QWidget, actions: QHBoxLayout
    ) -> None:
        """Title, introduction, filter row, busy row, status line, the results and the actions."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(title))
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(view, 1)
        layout.addLayout(actions)

    def compute(
        self,
        work: Callable[[TaskProgress], Any],
        message: str,
        loaded: Callable[[Any], None],
        failure_title: str,
    ) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self._generation += 1
        generation = self._generation
        self._set_busy(True)
        self.status.setText(message)
        handle = self.shell.submit(
            work,
            lambda result: self._loaded(generation, result, loaded),
            lambda exc: self._failed(generation, exc, failure_title),
            lambda done, total, message: self._progressed(generation, message),
            parent=self,
        )
        self.handle = handle if self.busy.isVisible() else None

    def _progressed(self, generation: int, message: str) -> None:
        # Progress already queued by an overtaken computation must not hide "Dibatalkan.".
        if generation == self._generation:
            self.status.setText(message)

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self._generation += 1
        self._set_busy(False)
        self.status.setText(_("Dibatalkan."))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if not busy:
            self.handle = None
        self._update_actions()

    def _update_actions(self) -> None:
        raise NotImplementedError

    def _loaded(self, generation: int, result: Any, loaded: Callable[[Any], None]) -> None:
        if generation != self._generation:
            return  # an older computation, overtaken by a filter change or a cancel
        self._set_busy(False)
        loaded(result)

    def _failed(self, generation: int, exc: BaseException, failure_title: str) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        if isinstance(exc, Cancelled):
            self.status.setText(_("Dibatalkan."))
            return
        self.status.setText("")
        self.shell.dialogs.error(self, exc, failure_title)

    def can_close(self) -> bool:
        if self.handle is not None:
            self.handle.cancel()
        return True
