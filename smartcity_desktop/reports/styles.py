"""Page geometry, fonts and paragraph styles shared by the reports.

Fonts are DejaVu Sans, shipped in resources/fonts and embedded (subset) in every PDF, so that a
document looks the same on every PC and can be archived (PDF/A asks for embedded fonts; the base-14
Helvetica is only named, and each viewer substitutes its own). DejaVu covers every letter
Indonesian uses, plus arrows and dashes.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont

from smartcity_desktop.resource_files import read_bytes

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_MONO = "DejaVuSansMono"
# Table cells holding plain strings (even empty ones) default to Helvetica, which would then be
# named, unembedded, in the PDF; every table style starts with this.
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), FONT)
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}
_registered = threading.Lock()


def register_fonts() -> None:
    """Register the shipped faces with reportlab once per process (idempotent, thread safe: the
    GUI builds reports on worker threads)."""
    with _registered:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        for name, filename in _FONT_FILES.items():
            # Read through importlib so a wheel or a frozen build finds the file the same way.
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(read_bytes("fonts", filename))))
        # <b> and <i> inside paragraphs pick the right face; there is no bold oblique, bold wins.
        registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )


# Landscape: the proposal table has eight columns and long texts; portrait would squeeze the
# descriptions into columns of a few words each.
PAGE_SIZE = landscape(A4)
MARGIN_X = 15 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 18 * mm  # room for the footer
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

INK = colors.black
MUTED = colors.HexColor("#4D4D4D")
RULE = colors.HexColor("#808080")
HEADER_FILL = colors.HexColor("#DCE3EA")
BAND_FILL = colors.HexColor("#EEF2F5")
TOTAL_FILL = colors.HexColor("#F2F2F2")


@dataclass(frozen=True)
class Styles:
    kop_small: ParagraphStyle
    kop_big: ParagraphStyle
    kop_address: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_center: ParagraphStyle
    head_cell: ParagraphStyle
    sign: ParagraphStyle
    sign_name: ParagraphStyle


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": FONT, "fontSize": 9, "leading": 11.5, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)


def make_styles() -> Styles:
    register_fonts()
    return Styles(
        kop_small=_style(
            "kop_small", fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        kop_big=_style("kop_big", fontName=FONT_BOLD, fontSize=16, leading=20, alignment=TA_CENTER),
        kop_address=_style(
            "kop_address", fontSize=9, leading=11, alignment=TA_CENTER, textColor=MUTED
        ),
        title=_style(
            "title",
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            alignment=TA_CENTER,
            spaceBefore=4 * mm,
        ),
        subtitle=_style(
            "subtitle", fontSize=10, leading=13, alignment=TA_CENTER, spaceAfter=5 * mm
        ),
        body=_style("body", fontSize=9.5, leading=13, spaceAfter=2 * mm),
        note=_style(
            "note",
            fontName=FONT_ITALIC,
            fontSize=8.5,
            leading=11,
            textColor=MUTED,
            spaceBefore=1 * mm,
            spaceAfter=2 * mm,
        ),
        heading=_style(
            "heading",
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            backColor=BAND_FILL,
            borderPadding=(3, 4, 3, 4),
            spaceBefore=5 * mm,
            spaceAfter=3 * mm,
        ),
        subheading=_style(
            "subheading",
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=2.5 * mm,
            spaceAfter=1.5 * mm,
        ),
        cell=_style("cell", fontSize=8, leading=10, alignment=TA_LEFT),
        cell_right=_style("cell_right", fontSize=8, leading=10, alignment=TA_RIGHT),
        cell_center=_style("cell_center", fontSize=8, leading=10, alignment=TA_CENTER),
        head_cell=_style(
            "head_cell", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER
        ),
        sign=_style("sign", fontSize=10, leading=13, alignment=TA_CENTER),
        sign_name=_style(
            "sign_name", fontName=FONT_BOLD, fontSize=10, leading=13, alignment=TA_CENTER
        ),
    )
