"""The letterhead ("kop surat"): government, kecamatan, village, address and a double rule."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from smartcity_desktop.i18n import _
from smartcity_desktop.reports.formatting import markup
from smartcity_desktop.reports.recap_data import Letterhead
from smartcity_desktop.reports.styles import INK, Styles


class DoubleRule(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A thick line over a thin one, as Indonesian letterheads close the kop."""

    def __init__(self, thick: float = 1.6, thin: float = 0.5, gap: float = 1.6) -> None:
        super().__init__()
        self.thick, self.thin, self.gap = thick, thin, gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.thick + self.gap + self.thin + 2

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(INK)
        top = self.thick + self.gap + self.thin + 1
        c.setLineWidth(self.thick)
        c.line(0, top - self.thick / 2, self.width, top - self.thick / 2)
        c.setLineWidth(self.thin)
        low = top - self.thick - self.gap - self.thin / 2
        c.line(0, low, self.width, low)


def letterhead_lines(head: Letterhead) -> list[str]:
    lines = [_("PEMERINTAH {regency}").format(regency=head.regency.upper())]
    if head.district:
        lines.append(_("KECAMATAN {name}").format(name=head.district.upper()))
    lines.append(head.office.upper())
    return lines


def letterhead_flowables(head: Letterhead, styles: Styles) -> list[Flowable]:
    lines = letterhead_lines(head)
    out: list[Flowable] = [Paragraph(markup(line), styles.kop_small) for line in lines[:-1]]
    out.append(Paragraph(markup(lines[-1]), styles.kop_big))
    if head.address:
        out.append(Paragraph(markup(head.address), styles.kop_address))
    out.append(Spacer(1, 1.5 * mm))
    out.append(DoubleRule())
    return out
