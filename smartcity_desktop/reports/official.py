"""Pieces shared by the kecamatan's official documents: tables, two signature blocks, the build.

Rekap Kecamatan, Berita Acara and Surat Pengingat use the letterhead, styles and numbered pages of
the village recap; this module adds what they have in common beyond that.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, Spacer, Table, TableStyle

from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_date_long
from smartcity_desktop.reports.formatting import format_number, markup
from smartcity_desktop.reports.kecamatan_data import KecamatanReportData, Signatory
from smartcity_desktop.reports.keep import keep_with_previous
from smartcity_desktop.reports.pages import (
    Footer,
    NumberedCanvas,
    body_page_template,
    document_options,
)
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.reports.styles import (
    CELL_FONT,
    FONT,
    FONT_BOLD,
    HEADER_FILL,
    MARGIN_X,
    MUTED,
    RULE,
    TOTAL_FILL,
    Styles,
)

SIGN_SPACE = 24 * mm  # room for a signature and the office stamp over it
DOTTED_NAME = "(" + "." * 40 + ")"


def frame_width(page_size: tuple[float, float]) -> float:
    return float(page_size[0] - 2 * MARGIN_X)


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    styles: Styles,
    *,
    total_row: bool = False,
    right_from: int = 2,
) -> Table:
    """A ruled table with a shaded, repeated header; numbers (ints) right-aligned from column
    ``right_from`` on; a last row in bold when ``total_row``."""
    bold_right = styles.cell_right.clone("official_total_right", fontName=FONT_BOLD)
    bold_left = styles.cell.clone("official_total_left", fontName=FONT_BOLD)
    body: list[list[Any]] = [[Paragraph(markup(h), styles.head_cell) for h in header]]
    for index, row in enumerate(rows):
        is_total = total_row and index == len(rows) - 1
        cells: list[Any] = []
        for col, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
            elif isinstance(value, int) and col >= right_from:
                cells.append(
                    Paragraph(format_number(value), bold_right if is_total else styles.cell_right)
                )
            elif col == 0 and not is_total:
                cells.append(Paragraph(markup(value), styles.cell_center))
            else:
                cells.append(Paragraph(markup(value), bold_left if is_total else styles.cell))
        body.append(cells)
    table = Table(body, colWidths=list(widths), repeatRows=1, hAlign="CENTER")
    style: list[tuple[Any, ...]] = [
        CELL_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    table.setStyle(TableStyle(style))
    return table


def _name_cell(person: Signatory, styles: Styles) -> Paragraph:
    name = person.name.strip()
    if name:
        return Paragraph(f"<u>{markup(name)}</u>", styles.sign_name)
    return Paragraph(DOTTED_NAME, styles.sign)


def two_signatures(
    place_date: str,
    left: Signatory,
    right: Signatory,
    styles: Styles,
    width: float,
    *,
    left_caption: str = "",
    right_caption: str = "",
) -> Table:
    """Two blocks side by side; the place and date over the right one (the head's), as usual."""
    half = min(width / 2, 95 * mm)
    rows = [
        ["", Paragraph(markup(place_date), styles.sign)],
        [
            Paragraph(markup(left_caption), styles.sign),
            Paragraph(markup(right_caption), styles.sign),
        ],
        [
            Paragraph(markup(left.role), styles.sign_name),
            Paragraph(markup(right.role), styles.sign_name),
        ],
        ["", ""],
        [_name_cell(left, styles), _name_cell(right, styles)],
    ]
    table = Table(
        rows,
        colWidths=[half, half],
        rowHeights=[None, None, None, SIGN_SPACE, None],
        hAlign="CENTER" if half * 2 < width else "LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table


def close_with_signatures(
    story: list[Flowable],
    data: KecamatanReportData,
    closing: str,
    style: ParagraphStyle,
    styles: Styles,
    width: float,
    language: str,
    *,
    left_caption: str,
) -> None:
    """End ``story`` with the closing sentence and the operator's and head's signatures, dated
    at the office on the day of the report and kept on one page with the end of what precedes
    them."""
    head = data.letterhead
    signatures = two_signatures(
        f"{head.office_place}, {format_date_long(data.generated_at.date(), language)}",
        data.operator,
        data.head,
        styles,
        width,
        left_caption=left_caption,
        right_caption=_("Mengetahui,"),
    )
    keep_with_previous(story, [Spacer(1, 4 * mm), Paragraph(markup(closing), style), signatures])


class PortraitCanvas(NumberedCanvas):
    """On a portrait page the generation time goes under the fingerprint: the three-part footer
    of the landscape recap would overlap."""

    generated: str

    def _draw_furniture(self, number: int, total: int) -> None:
        super()._draw_furniture(number, total)
        self.saveState()
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN_X, 10 * mm - 3.3 * mm, self.generated)
        self.restoreState()


class _ProgressDoc(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """Reports progress and honours cancellation after each laid-out piece."""

    def __init__(self, path: str, progress: ReportProgress | None, total: int, **kw: Any) -> None:
        super().__init__(path, **kw)
        self._progress = progress
        self._total = max(total, 1)
        self._done = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        self._done = min(self._total, self._done + 1)
        check_cancelled(self._progress)
        if self._progress is not None:
            self._progress.report(self._done, self._total, "")


def build_official_pdf(
    path: Path,
    story: list[Flowable],
    footer: Footer,
    page_size: tuple[float, float],
    *,
    title: str,
    author: str,
    subject: str,
    progress: ReportProgress | None = None,
) -> None:
    """Lay out ``story`` on numbered pages; portrait pages put the generation time on a second
    footer line."""
    doc = _ProgressDoc(
        str(path),
        progress,
        len(story),
        title=title,
        author=author,
        subject=subject,
        **document_options(page_size),
    )
    doc.addPageTemplates([body_page_template(page_size)])
    portrait = page_size[0] < page_size[1]
    if portrait:
        bound = Footer(left=footer.left, middle="", running_title=footer.running_title)
        canvas = type(
            "BoundPortraitCanvas", (PortraitCanvas,), {"footer": bound, "generated": footer.middle}
        )
    else:
        canvas = type("BoundOfficialCanvas", (NumberedCanvas,), {"footer": footer})
    doc.build(story, canvasmaker=canvas)
