"""The signature block for the head of the village, with the closing sentence."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_date_long
from smartcity_desktop.reports.formatting import markup
from smartcity_desktop.reports.recap_data import RecapData
from smartcity_desktop.reports.styles import CELL_FONT, Styles

BLOCK_WIDTH = 85 * mm
SIGN_SPACE = 26 * mm  # room for a signature and the village stamp over it
DOTTED_NAME = "(" + "." * 48 + ")"


def signature_block(data: RecapData, styles: Styles, language: str) -> list[Flowable]:
    head = data.letterhead
    place_date = f"{head.office_place}, {format_date_long(data.generated_at.date(), language)}"
    name = data.head_name.strip()
    name_cell = (
        Paragraph(f"<u>{markup(name)}</u>", styles.sign_name)
        if name
        else Paragraph(DOTTED_NAME, styles.sign)
    )
    rows = [
        [Paragraph(markup(place_date), styles.sign)],
        [
            Paragraph(
                markup(_("{title} {place}").format(title=data.head_title, place=head.office_place)),
                styles.sign_name,
            )
        ],
        [""],
        [name_cell],
    ]
    table = Table(
        rows,
        colWidths=[BLOCK_WIDTH],
        rowHeights=[None, None, SIGN_SPACE, None],
        hAlign="RIGHT",
    )
    table.setStyle(
        TableStyle(
            [
                CELL_FONT,
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    closing = Paragraph(
        markup(
            _(
                "Demikian rekap ini dibuat dengan sebenarnya untuk digunakan sebagaimana mestinya "
                "dalam penyusunan Masterplan Smart City."
            )
        ),
        styles.body,
    )
    # The caller keeps these with the content before them (reports.keep): the closing sentence
    # and the signature never stand alone on the last page.
    return [closing, Spacer(1, 4 * mm), table]
