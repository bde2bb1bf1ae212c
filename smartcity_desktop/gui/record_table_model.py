"""The table model behind the record lists, built for 50,000 rows.

Rows arrive as light tuples from ``RecordService.table_rows`` (id first, then the model's columns in
order). Above the village the model also shows where each record comes from: the owning desa and
kecamatan (codes from the query, named through one small code-to-name map) and the trust mark. The model keeps them all and holds a list of visible row numbers: filtering (dimension,
status, urusan, full-text search ids) and sorting only rebuild that list of ints, and ``data()``
turns a raw value into text only for the few cells on screen. Sorting is done here rather than in a
QSortFilterProxyModel, whose per-row Python callbacks are far too slow at this size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from smartcity_desktop.domain.fields import RecordKind, field_spec
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import N_, _, current_language
from smartcity_desktop.services.gui_support import format_count, format_rupiah
from smartcity_desktop.services.origin_columns import ORIGIN_DESA, ORIGIN_KECAMATAN
from smartcity_desktop.services.provenance import OriginPlaces, trust_label
from smartcity_desktop.services.review_results import (
    NOT_REVIEWED,
    REVIEW_RESULT,
    ReviewNote,
    result_label,
    result_tooltip,
)

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record's id (str), on every cell
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the stored value behind the text
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  # "draft" or "final"

Index = QModelIndex | QPersistentModelIndex


class Render(StrEnum):
    TEXT = "text"
    REF = "ref"  # a code from a reference list, shown as its label
    SUB_ELEMENT = "sub_element"
    STATUS = "status"
    DATETIME = "datetime"
    INTEGER = "integer"
    NUMBER = "number"  # a decimal quantity (volume)
    MONEY = "money"
    PLACE = "place"  # a region code, shown as the desa's or kecamatan's name
    TRUST = "trust"  # how the sender was trusted: the trust mark
    REVIEW = "review"  # a desa's own record: what the offices above said of it


@dataclass(frozen=True)
class Column:
    name: str  # attribute of the storage model, passed to table_rows
    label: str  # Indonesian; translated with _() when shown
    render: Render = Render.TEXT
    ref: str | None = None
    width: int = 12  # in average characters
    unit: str | None = None  # the column holding this count's unit: "120 jiwa", "3 unit"


# A count means little without its unit; the list shows them together.
UNIT_COLUMNS = {"affected_count": "affected_unit", "volume": "unit"}


def _field(kind: RecordKind, name: str, width: int = 14) -> Column:
    spec = field_spec(kind, name)
    if name == "sub_element":
        return Column(name, spec.label, Render.SUB_ELEMENT, width=width)
    if spec.ref and name == "dimension":
        # Shown in every list: wide enough for the longest ("Tata Kelola Pemerintahan Cerdas").
        # Other choice columns keep their width at 1366 px; a cut value has its tooltip.
        longest = max(
            (max(len(i.label_id), len(i.label_en)) for i in ref_list(spec.ref).items), default=0
        )
        return Column(name, spec.label, Render.REF, spec.ref, max(width, min(longest + 1, 32)))
    if spec.ref:
        return Column(name, spec.label, Render.REF, spec.ref, width)
    render = {
        "integer": Render.INTEGER,
        "money": Render.MONEY,
        "number": Render.NUMBER,
    }.get(spec.type.value, Render.TEXT)
    return Column(name, spec.label, render, width=width, unit=UNIT_COLUMNS.get(name))


def _meta() -> list[Column]:
    return [
        Column("status", N_("Status"), Render.STATUS, width=8),
        Column("updated_at", N_("Diubah"), Render.DATETIME, width=15),
        Column("author", N_("Pengisi"), width=14),
        Column("office_code", N_("Kode kantor"), width=13),
        Column("revision", N_("Revisi"), Render.INTEGER, width=6),
    ]


def _columns(kind: RecordKind, specific: list[tuple[str, int]]) -> tuple[Column, ...]:
    head = [_field(kind, "title", 40)]
    common = [
        _field(kind, "dimension", 24),
        _field(kind, "sub_element", 18),
        _field(kind, "urusan", 18),
        _field(kind, "location_detail", 16),
    ]
    return tuple(head + [_field(kind, n, w) for n, w in specific] + common + _meta())


# Every column a list can show, in display order. Filters need dimension, status and urusan, so
# those are always loaded even when hidden.
COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    RecordKind.PROBLEM: _columns(
        RecordKind.PROBLEM,
        [("severity", 12), ("affected_count", 10), ("affected_unit", 8), ("info_source", 14)],
    ),
    RecordKind.POTENTIAL: _columns(
        RecordKind.POTENTIAL, [("potential_type", 14), ("magnitude", 16)]
    ),
    RecordKind.PROPOSAL: _columns(
        RecordKind.PROPOSAL,
        [
            ("estimated_cost", 14),
            ("funding_source", 23),  # "APBDes (Dana Desa/ADD)" whole
            ("scale", 12),
            ("quick_win", 12),
            ("opd", 16),
            ("volume", 12),
            ("unit", 8),
        ],
    ),
}

DEFAULT_VISIBLE: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.PROBLEM: (
        "title",
        "dimension",
        "severity",
        "affected_count",
        "status",
        "updated_at",
    ),
    RecordKind.POTENTIAL: (
        "title",
        "potential_type",
        "dimension",
        "magnitude",
        "status",
        "updated_at",
    ),
    RecordKind.PROPOSAL: (
        "title",
        "dimension",
        "estimated_cost",
        "funding_source",
        # quick_win (a first rating with a long header) stays in the column menu: with it the
        # title would be cut to a few words at 1366 px.
        "status",
        "updated_at",
    ),
}

# Offices above the village hold other offices' records: where each comes from, and how its
# sender was trusted, lead the list.
ORIGIN_COLUMNS: tuple[Column, ...] = (
    Column(ORIGIN_DESA, N_("Desa/Kelurahan"), Render.PLACE, width=20),
    # The header says "Kecamatan": the cells hold the bare name, which is much narrower.
    Column(ORIGIN_KECAMATAN, N_("Kecamatan"), Render.PLACE, width=13),
    Column("trust_level", N_("Kepercayaan"), Render.TRUST, width=14),
)
UPPER_COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    kind: (cols[0], *ORIGIN_COLUMNS, *cols[1:]) for kind, cols in COLUMNS.items()
}
# Fewer of the kind's own columns than at a desa, so that the origin fits a 1366-pixel screen.
_UPPER_OWN_VISIBLE: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.PROBLEM: ("severity", "dimension"),
    RecordKind.POTENTIAL: ("potential_type", "dimension"),
    RecordKind.PROPOSAL: ("dimension", "estimated_cost"),
}
UPPER_DEFAULT_VISIBLE: dict[RecordKind, tuple[str, ...]] = {
    kind: ("title", ORIGIN_DESA, ORIGIN_KECAMATAN, *own, "trust_level", "updated_at")
    for kind, own in _UPPER_OWN_VISIBLE.items()
}

STATUS_LABELS = {"draft": N_("Draf"), "final": N_("Final")}
TRUST_TIPS = {
    "certified": N_("Pengirim bersertifikat: kuncinya disahkan oleh kunci akar kabupaten."),
    "locally_trusted": N_(
        "Pengirim dipercaya lokal: kuncinya disematkan di kantor ini setelah sidik jarinya "
        "dicocokkan, belum bersertifikat kabupaten."
    ),
}


# A desa's lists say, next to each title, what its kecamatan and kabupaten made of the record
# (their reviews arrive in feedback bundles); see ``services.review_results``.
REVIEW_COLUMN = Column(REVIEW_RESULT, N_("Hasil verifikasi"), Render.REVIEW, width=24)
REVIEW_COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    kind: (cols[0], REVIEW_COLUMN, *cols[1:]) for kind, cols in COLUMNS.items()
}
# The result takes the place of "Diubah" (still in the column menu), so the title keeps its room
# at 1366 px.
REVIEW_DEFAULT_VISIBLE: dict[RecordKind, tuple[str, ...]] = {
    kind: (names[0], REVIEW_RESULT, *(n for n in names[1:] if n != "updated_at"))
    for kind, names in DEFAULT_VISIBLE.items()
}
REVIEW_REPAIR_COLOR = "#a93226"


def columns_for(kind: RecordKind, upper: bool = False, review: bool = False) -> tuple[Column, ...]:
    if upper:
        return UPPER_COLUMNS[kind]
    return REVIEW_COLUMNS[kind] if review else COLUMNS[kind]


def column_names(kind: RecordKind, upper: bool = False, review: bool = False) -> list[str]:
    return [c.name for c in columns_for(kind, upper, review)]


def parse_visible(
    kind: RecordKind, stored: str, upper: bool = False, review: bool = False
) -> list[str]:
    """The saved ``list_columns.<kind>`` setting: comma-separated names; unknown ones dropped."""
    if not stored.strip():
        if upper:
            return list(UPPER_DEFAULT_VISIBLE[kind])
        return list((REVIEW_DEFAULT_VISIBLE if review else DEFAULT_VISIBLE)[kind])
    known = set(column_names(kind, upper, review))
    names = [n for n in (s.strip() for s in stored.split(",")) if n in known]
    if "title" not in names:
        names.insert(0, "title")  # a list without titles is useless; never let it be hidden
    return names


def _sub_element_labels() -> dict[str, tuple[str, str]]:
    return {
        child.code: (child.label_id, child.label_en)
        for dim in ref_list("dimensions").items
        for child in dim.children
    }


class RecordTableModel(QAbstractTableModel):
    def __init__(
        self,
        kind: RecordKind,
        parent: Any = None,
        places: OriginPlaces | None = None,
        review: bool = False,
    ) -> None:
        """``places``: the regions under an office above the village; with them the list shows
        and filters the owning desa and kecamatan, and the trust mark. ``review`` (a desa): the
        list shows and filters the "Hasil verifikasi" of each record."""
        super().__init__(parent)
        self.kind = kind
        self.places = places
        self.columns = columns_for(kind, upper=places is not None, review=review)
        self._pos = {c.name: i + 1 for i, c in enumerate(self.columns)}  # +1: id is first
        self._rows: list[tuple[Any, ...]] = []
        self._visible: list[int] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filters: dict[str, str | None] = {"dimension": None, "status": None, "urusan": None}
        if places is not None:
            self._filters.update({ORIGIN_KECAMATAN: None, ORIGIN_DESA: None})
        self._review_pos = self._pos.get(REVIEW_RESULT)
        if self._review_pos is not None:
            self._filters[REVIEW_RESULT] = None
        self._review_lookup: Callable[[str], list[ReviewNote]] | None = None
        self._review_tips: dict[str, list[ReviewNote]] = {}
        self._search_ids: frozenset[str] | None = None
        self._headers = [_(c.label) for c in self.columns]
        self._formatters = [self._formatter(c) for c in self.columns]
        self._unit_pos = [self._pos.get(c.unit) if c.unit else None for c in self.columns]
        self._unit_labels = _unit_labels()
        self._draft_brush = QBrush(QColor("#7b7d7d"))
        self._draft_font = QFont()
        self._draft_font.setItalic(True)
        self._trust_pos = self._pos.get("trust_level")
        self._local_brush = QBrush(QColor("#9a5b00"))
        self._repair_brush = QBrush(QColor(REVIEW_REPAIR_COLOR))
        self._repair_font = QFont()
        self._repair_font.setBold(True)

    # --- loading and filtering ---------------------------------------------------------------

    def query_columns(self) -> list[str]:
        return [c.name for c in self.columns]

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._review_tips = {}
        self._rebuild()
        self.endResetModel()

    def set_review_lookup(self, lookup: Callable[[str], list[ReviewNote]]) -> None:
        """How to read one record's reviews for its "Hasil verifikasi" tooltip (one indexed
        query, only when a tooltip is shown; remembered until the rows are loaded again)."""
        self._review_lookup = lookup
        self._review_tips = {}

    def _review_notes(self, record_id: str) -> list[ReviewNote]:
        if self._review_lookup is None:
            return []
        if record_id not in self._review_tips:
            self._review_tips[record_id] = self._review_lookup(record_id)
        return self._review_tips[record_id]

    def set_filter(self, name: str, value: str | None) -> None:
        if self._filters.get(name) == (value or None):
            return
        self._filters[name] = value or None
        self._refilter()

    def set_filters(self, values: dict[str, str | None]) -> None:
        """Several filters at once, with one refilter (a kecamatan and the desa under it)."""
        new = {name: value or None for name, value in values.items()}
        if all(self._filters.get(n) == v for n, v in new.items()):
            return
        self._filters.update(new)
        self._refilter()

    def set_search_ids(self, ids: frozenset[str] | None) -> None:
        """``None``: no search. Otherwise only these record ids are shown."""
        self._search_ids = ids
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        rows = self._rows
        checks: list[tuple[int, str]] = [
            (self._pos[name], value) for name, value in self._filters.items() if value
        ]
        ids = self._search_ids
        if not checks and ids is None:
            visible = list(range(len(rows)))
        else:
            visible = [
                i
                for i, r in enumerate(rows)
                if (ids is None or r[0] in ids) and all(r[p] == v for p, v in checks)
            ]
        if self._sort is not None:
            visible = self._sorted(visible, *self._sort)
        self._visible = visible

    # --- sorting -----------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = [(self._visible[i.row()], i.column()) for i in old]
        self._sort = (column, order)
        self._visible = self._sorted(self._visible, column, order)
        where = {row: n for n, row in enumerate(self._visible)}
        self.changePersistentIndexList(
            old, [self.index(where[r], c) if r in where else QModelIndex() for r, c in old_rows]
        )
        self.layoutChanged.emit()

    def _sorted(self, visible: list[int], column: int, order: Qt.SortOrder) -> list[int]:
        key = self._sort_key(column)
        rows = self._rows
        pos = column + 1
        # Empty values always go last, whichever the direction, as officials expect.
        present = [i for i in visible if rows[i][pos] is not None]
        empty = [i for i in visible if rows[i][pos] is None]
        present.sort(key=lambda i: key(rows[i][pos]), reverse=order == Qt.SortOrder.DescendingOrder)
        return present + empty

    def _sort_key(self, column: int) -> Callable[[Any], Any]:
        col = self.columns[column]
        if col.render is Render.REF and col.ref and ref_list(col.ref).ordered:
            return ref_list(col.ref).position
        if col.render in (
            Render.REF,
            Render.SUB_ELEMENT,
            Render.STATUS,
            Render.PLACE,
            Render.TRUST,
            Render.REVIEW,
        ):
            fmt = self._formatters[column]
            cache: dict[Any, str] = {}

            def by_label(value: Any) -> str:
                if value not in cache:
                    cache[value] = fmt(value).casefold()
                return cache[value]

            return by_label
        if col.render is Render.TEXT:
            return lambda v: str(v).casefold()
        return lambda v: v

    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort

    # --- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Klik untuk mengurutkan; klik kanan untuk memilih kolom")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._visible[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == RECORD_ID_ROLE:
            return row[0]
        if role == RAW_VALUE_ROLE:
            return row[column + 1]
        if role == STATUS_ROLE:
            return row[self._pos["status"]]
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self.columns[column].name
            if name == "title":
                return row[1]
            if name == "trust_level" and row[column + 1] in TRUST_TIPS:
                return _(TRUST_TIPS[row[column + 1]])
            if name == REVIEW_RESULT:
                return result_tooltip(
                    self._review_notes(row[0]),
                    row[column + 1] or NOT_REVIEWED,
                    row[self._pos["revision"]],
                )
            if self.columns[column].render is Render.PLACE and row[column + 1] and self.places:
                return f"{self.places.name(row[column + 1])} ({row[column + 1]})"
            # The whole value, for cells cut short ("Tata Kelola Pemerintahan …").
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._needs_repair(row, column):
                return self._repair_brush
            if row[self._pos["status"]] == "draft":
                return self._draft_brush
            if self._trust_pos == column + 1 and row[column + 1] == "locally_trusted":
                return self._local_brush
            return None
        if role == Qt.ItemDataRole.FontRole:
            if self._needs_repair(row, column):
                return self._repair_font
            if row[self._pos["status"]] == "draft":
                return self._draft_font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[column].render in (
            Render.INTEGER,
            Render.MONEY,
            Render.NUMBER,
        ):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _needs_repair(self, row: tuple[Any, ...], column: int) -> bool:
        # "Perlu perbaikan" is the one result the desa must act on: it stands out in red, bold.
        return self._review_pos == column + 1 and row[column + 1] == "perlu_perbaikan"

    def _text(self, row: tuple[Any, ...], column: int) -> str:
        value = row[column + 1]
        if value is None:
            return ""
        text = self._formatters[column](value)
        unit_pos = self._unit_pos[column]
        if unit_pos is not None and row[unit_pos]:
            unit = row[unit_pos]
            text = f"{text} {self._unit_labels.get(unit, unit)}"
        return text

    # --- helpers for the view ----------------------------------------------------------------

    def record_id(self, row: int) -> str | None:
        if 0 <= row < len(self._visible):
            return str(self._rows[self._visible[row]][0])
        return None

    def row_of(self, record_id: str) -> int | None:
        for n, i in enumerate(self._visible):
            if self._rows[i][0] == record_id:
                return n
        return None

    def column_of(self, name: str) -> int:
        return self._pos[name] - 1

    @property
    def total(self) -> int:
        return len(self._rows)

    # --- formatting --------------------------------------------------------------------------

    def _formatter(self, col: Column) -> Callable[[Any], str]:
        if col.render is Render.REF and col.ref:
            labels = {item.code: item.label() for item in ref_list(col.ref).items}
            return lambda v: labels.get(v, str(v))
        if col.render is Render.SUB_ELEMENT:
            english = current_language() == "en"
            subs = {k: (en if english else id_) for k, (id_, en) in _sub_element_labels().items()}
            return lambda v: subs.get(v, str(v))
        if col.render is Render.STATUS:
            labels = {k: _(v) for k, v in STATUS_LABELS.items()}
            return lambda v: labels.get(v, str(v))
        if col.render is Render.PLACE:
            places = self.places
            if places is None:
                return str
            return places.short_name if col.name == ORIGIN_KECAMATAN else places.name
        if col.render is Render.TRUST:
            marks = {"certified": "✔ ", "locally_trusted": "⚠ "}
            return lambda v: marks.get(v, "") + trust_label(v)
        if col.render is Render.REVIEW:
            return result_label
        if col.render is Render.DATETIME:
            return _local_time
        if col.render is Render.INTEGER:
            return lambda v: format_count(int(v))
        if col.render is Render.MONEY:
            return lambda v: format_rupiah(v)
        if col.render is Render.NUMBER:
            return _number
        return str


def _unit_labels() -> dict[str, str]:
    """Units as they read after a number: "120 jiwa", "35 KK"."""
    labels = {}
    for item in ref_list("satuan_terdampak").items:
        label = item.label()
        labels[item.code] = label if label.isupper() else label.lower()
    return labels


def _number(value: Any) -> str:
    number = float(value)
    if number.is_integer():
        return format_count(int(number))
    text = f"{number:,.2f}".rstrip("0")
    return text if current_language() == "en" else text.translate(str.maketrans(",.", ".,"))


def _local_time(value: Any) -> str:
    if isinstance(value, datetime):
        # Stored naive in UTC; officials read their own clock.
        return value.replace(tzinfo=UTC).astimezone().strftime("%d-%m-%Y %H:%M")
    return str(value)
