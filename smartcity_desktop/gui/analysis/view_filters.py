"""The filter bar of the analysis page: period, kecamatan (at a kabupaten), stage, trust and
dimension; ``changed`` when any of them changes, ``value()`` the ``AnalysisFilter``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QLabel, QWidget

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import STAGE_LABELS
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import TRUST_LEVELS, AnalysisFilter

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

# The earliest date the period fields offer stands for "no bound" and reads "semua".
NO_DATE = QDate(2000, 1, 1)


def _date_edit(accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(_("semua"))
    edit.setDate(NO_DATE)
    edit.setAccessibleName(accessible)
    return edit


def _combo(accessible: str, every: str, items: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    combo.addItem(every, None)
    for code, label in items:
        combo.addItem(label, code)
    return combo


class ViewFilters(QWidget):
    changed = Signal()

    def __init__(self, shell: Shell) -> None:
        super().__init__()
        from smartcity_desktop.services.regions import list_regions

        office = shell.ctx.office
        self.date_from = _date_edit(_("Periode pengisian dari tanggal"))
        self.date_to = _date_edit(_("Periode pengisian sampai tanggal"))
        kecamatan = (
            [(r.code, r.name) for r in list_regions(shell.ctx, office.code)]
            if office.role == "kabupaten"
            else []
        )
        self.kecamatan = _combo(_("Saring menurut kecamatan"), _("Semua kecamatan"), kecamatan)
        self.stage = _combo(
            _("Saring menurut tahap desa"),
            _("Semua tahap"),
            [(stage.value, _(label)) for stage, label in STAGE_LABELS.items()],
        )
        self.trust = _combo(
            _("Saring menurut kepercayaan paket"),
            _("Semua tingkat"),
            [(code, _(label)) for code, label in TRUST_LEVELS.items()],
        )
        self.dimension = _combo(
            _("Saring menurut dimensi"),
            _("Semua dimensi"),
            [(item.code, item.label()) for item in ref_list("dimensions").items],
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        fields: list[tuple[str, QWidget]] = [
            (_("Periode &dari:"), self.date_from),
            (_("&sampai:"), self.date_to),
        ]
        if office.role == "kabupaten":
            fields.append((_("&Kecamatan:"), self.kecamatan))
        else:
            self.kecamatan.hide()
        fields += [
            (_("&Tahap:"), self.stage),
            (_("Ke&percayaan:"), self.trust),
            (_("D&imensi:"), self.dimension),
        ]
        per_row = 3
        for n, (text, widget) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(widget)
            row, column = divmod(n, per_row)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        for column in range(per_row):
            grid.setColumnStretch(column * 2 + 1, 1)
        for combo in (self.kecamatan, self.stage, self.trust, self.dimension):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.changed.emit())

    def widgets(self) -> list[QWidget]:
        """In tab order."""
        shown = [self.date_from, self.date_to]
        if not self.kecamatan.isHidden():
            shown.append(self.kecamatan)
        return [*shown, self.stage, self.trust, self.dimension]

    @staticmethod
    def _date(edit: QDateEdit) -> dt.date | None:
        value = edit.date()
        if value == NO_DATE:
            return None
        return dt.date(value.year(), value.month(), value.day())

    def value(self) -> AnalysisFilter:
        """The filter as chosen; refuses a reversed period (``FilterRefused``)."""
        return AnalysisFilter(
            kecamatan=self.kecamatan.currentData(),
            dimension=self.dimension.currentData(),
            stage=self.stage.currentData(),
            trust=self.trust.currentData(),
            date_from=self._date(self.date_from),
            date_to=self._date(self.date_to),
        )
