"""Page furniture: footer with "Halaman X dari Y", key fingerprint and generation time.

The total page count is only known at the end, so the canvas keeps each finished page's state and
draws every footer when the document is saved (one layout pass instead of building twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, PageTemplate

from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_datetime_long
from smartcity_desktop.reports.styles import (
    FONT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    RULE,
)


@dataclass(frozen=True)
class Footer:
    left: str  # fingerprint line
    middle: str  # generation time
    running_title: str  # shown at the top of every page after the first


def office_footer(
    fingerprint: str, generated_at: datetime, language: str, running_title: str
) -> Footer:
    """The footer of an office's report: its key fingerprint and when the report was made."""
    return Footer(
        left=_("Sidik jari kunci kantor: {fp}").format(fp=fingerprint),
        middle=_("Dibuat {when}").format(when=format_datetime_long(generated_at, language)),
        running_title=running_title,
    )


def page_label(page: int, total: int) -> str:
    return _("Halaman {page} dari {total}").format(page=page, total=total)


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    footer: Footer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_furniture(number, total)
            super().showPage()
        super().save()

    def _draw_furniture(self, number: int, total: int) -> None:
        width, _height = self._pagesize
        y = 10 * mm
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 4 * mm, width - MARGIN_X, y + 4 * mm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        self.drawString(MARGIN_X, y, self.footer.left)
        self.drawCentredString(width / 2, y, self.footer.middle)
        self.setFont(FONT, 8)
        self.drawRightString(width - MARGIN_X, y, page_label(number, total))
        if number > 1:
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN_X, self._pagesize[1] - 9 * mm, self.footer.running_title)
        self.restoreState()


def canvas_maker(footer: Footer) -> Callable[..., NumberedCanvas]:
    """A canvas class bound to this document's footer (reportlab instantiates it itself)."""
    return type("BoundNumberedCanvas", (NumberedCanvas,), {"footer": footer})


def document_options(page_size: tuple[float, float]) -> dict[str, Any]:
    """Keyword arguments every document template here shares: size, margins and producer."""
    return {
        "pagesize": page_size,
        "leftMargin": MARGIN_X,
        "rightMargin": MARGIN_X,
        "topMargin": MARGIN_TOP,
        "bottomMargin": MARGIN_BOTTOM,
        "creator": "SmartCity Desktop",
        "invariant": False,
        # Otherwise every page starts in Helvetica, which is named in the PDF but never embedded.
        "initialFontName": FONT,
    }


def body_page_template(page_size: tuple[float, float]) -> PageTemplate:
    """The one page layout: a single unpadded frame filling the space inside the margins."""
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        page_size[0] - 2 * MARGIN_X,
        page_size[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    return PageTemplate(id="page", frames=[frame], pagesize=page_size)
