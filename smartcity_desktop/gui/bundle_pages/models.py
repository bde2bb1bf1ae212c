"""Table models of the Terima Data page: the import plan of the chosen bundles, and the ledger."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.domain.records import IMPORT_ACTIONS, import_action_label
from smartcity_desktop.gui.bundle_pages.common import (
    LOCAL_COLOUR,
    REFUSED_COLOUR,
    trust_colour,
    trust_text,
)
from smartcity_desktop.i18n import _
from smartcity_desktop.services.gui_support import format_count

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ACTION_ORDER = {"conflict": 0, "new": 1, "updated": 2, "older": 3, "unchanged": 4}


class _RowsModel(QAbstractTableModel):
    """A read-only table over ``self._rows``: COLUMNS columns named by ``headers()``."""

    COLUMNS = 0
    _rows: list[Any]

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


class OutcomeModel(_RowsModel):
    """One row per record in the chosen bundles, with what importing would do to it."""

    SENDER, KIND, TITLE, REVISION, ACTION = range(5)
    COLUMNS = 5

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, str, str, int, str]] = []

    def headers(self) -> list[str]:
        return [_("Paket"), _("Jenis"), _("Judul"), _("Revisi"), _("Tindakan")]

    def set_reports(self, reports: list[Any]) -> None:
        self.beginResetModel()
        self._rows = [
            (
                f"{r.sender_office} #{r.sequence}",
                o.kind,
                o.title,
                o.revision,
                o.action,
            )
            for r in reports
            if r.ok
            for o in r.outcomes
        ]
        self.endResetModel()

    def action_at(self, row: int) -> str:
        return self._rows[row][self.ACTION]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        sender, kind, title, revision, action = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                sender,
                kind_label(kind),
                title,
                format_count(revision),
                import_action_label(action),
            )[col]
        if role == SORT_ROLE:
            return (sender, kind, title.casefold(), revision, ACTION_ORDER.get(action, 9))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ACTION:
            if action == "conflict":
                return QBrush(QColor(REFUSED_COLOUR))
            if action == "older":
                return QBrush(QColor(LOCAL_COLOUR))
        if role == Qt.ItemDataRole.FontRole and col == self.ACTION and action == "conflict":
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.REVISION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class LedgerModel(_RowsModel):
    """Bundles this office imported, newest first (``services.exchange.ledger``)."""

    IMPORTED, SENDER, SEQUENCE, TRUST, RESULT, FILE = range(6)
    COLUMNS = 6

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[dict[str, Any]] = []
        self._names: dict[str, str] = {}

    def headers(self) -> list[str]:
        return [_("Diimpor"), _("Pengirim"), _("Nomor"), _("Kepercayaan"), _("Hasil"), _("Berkas")]

    def set_rows(self, rows: list[dict[str, Any]], names: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(reversed(rows))
        self._names = names
        self.endResetModel()

    def row(self, n: int) -> dict[str, Any]:
        return self._rows[n]

    def _result(self, outcome: dict[str, int]) -> str:
        parts = [
            f"{import_action_label(a)} {format_count(n)}"
            for a, n in outcome.items()
            if n and a in IMPORT_ACTIONS
        ]
        return ", ".join(parts) or _("tidak ada catatan")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.IMPORTED:
                return r.get("imported_text", r["imported_at"])
            if col == self.SENDER:
                name = self._names.get(r["sender"], "")
                return f"{r['sender']} {name}".strip()
            if col == self.SEQUENCE:
                return format_count(r["sequence"])
            if col == self.TRUST:
                return trust_text(r["trust"])
            if col == self.RESULT:
                return self._result(r["outcome"])
            return r["file"]
        if role == Qt.ItemDataRole.ForegroundRole and col == self.TRUST:
            return QBrush(QColor(trust_colour(r["trust"])))
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("Sidik isi paket: {hash}").format(hash=r["content_hash"])
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.SEQUENCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
