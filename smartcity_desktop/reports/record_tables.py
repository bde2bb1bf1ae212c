"""The three record tables (problems, potentials, proposals) with wrapping cells.

Cells are Paragraphs so long texts wrap inside their column; rows may split across pages
(``splitInRow``) so even a 5,000-character description never overflows a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import Record
from smartcity_desktop.domain.reference import ref_list, sub_elements
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.reports.formatting import format_number, format_rupiah, markup, shorten
from smartcity_desktop.reports.styles import CELL_FONT, FRAME_WIDTH, HEADER_FILL, RULE, Styles

# A problem's description is only summarised here ("uraian singkat"); the full text and its causes
# belong in the record itself. Potentials and proposals print their whole text.
SHORT_DESCRIPTION = 350

Cell = Callable[[Record, str], str]  # (record, language) -> markup


@dataclass(frozen=True)
class Column:
    header: str  # Indonesian source, translated when the table is built
    weight: float  # share of the table width
    cell: Cell
    align: str = "left"


def _ref(list_name: str, field: str) -> Cell:
    def cell(record: Record, language: str) -> str:
        return markup(ref_list(list_name).label(record.values.get(field), language))

    return cell


def _text(field: str, limit: int | None = None) -> Cell:
    def cell(record: Record, language: str) -> str:
        value = str(record.values.get(field) or "")
        return markup(shorten(value, limit) if limit else value)

    return cell


def _title(record: Record, language: str) -> str:
    return f"<b>{markup(record.title)}</b>"


def _sub_element(record: Record, language: str) -> str:
    code = record.values.get("sub_element")
    for item in sub_elements(record.values.get("dimension")):
        if item.code == code:
            return markup(item.label(language))
    return markup(code or "")


def _affected(record: Record, language: str) -> str:
    count = record.values.get("affected_count")
    if count is None:
        return ""
    unit = ref_list("satuan_terdampak").label(record.values.get("affected_unit"), language)
    unit = unit if unit.isupper() else unit.lower()  # "1.200 jiwa", but "35 KK"
    return markup(f"{format_number(count, language)} {unit}".strip())


def _cost(record: Record, language: str) -> str:
    return markup(format_rupiah(record.values.get("estimated_cost"), language))


COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    RecordKind.PROBLEM: (
        Column(N_("Judul"), 20, _title),
        Column(N_("Uraian singkat"), 35, _text("description", SHORT_DESCRIPTION)),
        Column(N_("Sub-elemen"), 13, _sub_element),
        Column(N_("Lokasi"), 15, _text("location_detail")),
        Column(N_("Keparahan"), 9, _ref("tingkat_keparahan", "severity"), "center"),
        Column(N_("Terdampak"), 10, _affected, "right"),
    ),
    RecordKind.POTENTIAL: (
        Column(N_("Judul"), 21, _title),
        Column(N_("Jenis"), 11, _ref("jenis_potensi", "potential_type")),
        Column(N_("Uraian"), 41, _text("description")),
        Column(N_("Lokasi"), 15, _text("location_detail")),
        Column(N_("Besaran"), 12, _text("magnitude")),
    ),
    RecordKind.PROPOSAL: (
        Column(N_("Judul"), 17, _title),
        Column(N_("Gagasan"), 32, _text("description")),
        Column(N_("Sub-elemen"), 11, _sub_element),
        Column(N_("Perkiraan biaya"), 11, _cost, "right"),
        Column(N_("Sumber dana"), 11, _ref("sumber_dana", "funding_source")),
        Column(N_("Skala"), 9, _ref("skala", "scale")),
        Column(N_("Quick win"), 9, _ref("quick_win", "quick_win")),
    ),
}

NUMBER_WIDTH = 26.0  # points; wide enough for "9999" and a bold "No" with padding


def _cell_style(styles: Styles, align: str) -> ParagraphStyle:
    return {"right": styles.cell_right, "center": styles.cell_center}.get(align, styles.cell)


def column_widths(columns: Sequence[Column], width: float = FRAME_WIDTH) -> list[float]:
    rest = width - NUMBER_WIDTH
    total = sum(c.weight for c in columns)
    return [NUMBER_WIDTH, *(rest * c.weight / total for c in columns)]


def record_table(
    kind: RecordKind, records: Sequence[Record], styles: Styles, language: str
) -> Table:
    columns = COLUMNS[kind]
    header = [Paragraph(_("No"), styles.head_cell)] + [
        Paragraph(markup(_(c.header)), styles.head_cell) for c in columns
    ]
    rows: list[list[Paragraph]] = [header]
    cell_styles = [_cell_style(styles, c.align) for c in columns]
    for number, record in enumerate(records, start=1):
        row = [Paragraph(str(number), styles.cell_center)]
        row += [
            Paragraph(c.cell(record, language), style)
            for c, style in zip(columns, cell_styles, strict=True)
        ]
        rows.append(row)
    table = Table(
        rows,
        colWidths=column_widths(columns),
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(TABLE_STYLE)
    return table


TABLE_STYLE = TableStyle(
    [
        CELL_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
)
