"""The summary table: how many final records each dimension has, per kind, with totals."""

from __future__ import annotations

from reportlab.platypus import Paragraph, Table, TableStyle

from smartcity_desktop.domain.fields import KIND_LABELS, RecordKind
from smartcity_desktop.domain.records import Record
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.styles import (
    CELL_FONT,
    FONT_BOLD,
    HEADER_FILL,
    RULE,
    TOTAL_FILL,
    Styles,
)

KINDS = (RecordKind.PROBLEM, RecordKind.POTENTIAL, RecordKind.PROPOSAL)
WIDTHS = [26.0, 250.0, 85.0, 85.0, 85.0, 70.0]


def summary_table(
    groups: dict[str, dict[RecordKind, list[Record]]], styles: Styles, language: str
) -> Table:
    dims = ref_list("dimensions")
    head = [_("No"), _("Dimensi"), *(_(KIND_LABELS[k]) for k in KINDS), _("Jumlah")]
    rows: list[list[object]] = [[Paragraph(markup(h), styles.head_cell) for h in head]]
    totals = [0, 0, 0]
    for number, (code, by_kind) in enumerate(groups.items(), start=1):
        counts = [len(by_kind[k]) for k in KINDS]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        item = dims.get(code)
        name = item.label(language) if item else (code or _("Tanpa dimensi"))
        rows.append(
            [
                Paragraph(str(number), styles.cell_center),
                Paragraph(markup(name), styles.cell),
                *(
                    Paragraph(format_number(n, language), styles.cell_right)
                    for n in [*counts, sum(counts)]
                ),
            ]
        )
    bold = styles.cell_right.clone("total", fontName=FONT_BOLD)
    rows.append(
        [
            "",
            Paragraph(f"<b>{markup(_('Jumlah'))}</b>", styles.cell),
            *(Paragraph(format_number(n, language), bold) for n in [*totals, sum(totals)]),
        ]
    )
    table = Table(rows, colWidths=WIDTHS, repeatRows=1, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
