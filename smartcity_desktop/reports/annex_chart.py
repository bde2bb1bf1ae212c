"""A view's chart in the annex, drawn by reportlab's own chart library (bars, stacked or not,
vertical or horizontal) with the shipped font, so the PDF embeds every face it names."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from smartcity_desktop.reports.annex_data import AnnexChart
from smartcity_desktop.reports.formatting import format_number, shorten
from smartcity_desktop.reports.styles import FONT, MUTED

PALETTE = tuple(
    colors.HexColor(c)
    for c in (
        "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD",
        "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
    )
)  # fmt: skip
LABEL_SIZE = 6.5
LEGEND_WIDTH = 48 * mm
VERTICAL_HEIGHT = 78 * mm
BAR_ROW = 11  # points per category of a horizontal chart
CATEGORY_CHARS = 34


def _axis_label(value: float) -> str:
    return format_number(round(value)) if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def chart_drawing(chart: AnnexChart, width: float) -> Drawing | None:
    """The chart as a Drawing ``width`` wide; None when there is nothing to draw."""
    if not chart.categories or not chart.series:
        return None
    data = [list(values) for _name, values in chart.series]
    labels = [shorten(c, CATEGORY_CHARS) for c in chart.categories]
    legend_needed = len(chart.series) > 1
    plot_width = width - (LEGEND_WIDTH if legend_needed else 0)
    top = max(
        (sum(col) if chart.stacked else max(col) for col in zip(*data, strict=True)),
        default=0,
    )
    if chart.horizontal:
        label_width = max(stringWidth(t, FONT, LABEL_SIZE) for t in labels) + 6
        rows = len(labels) * (1 if chart.stacked else len(data))
        height = max(40 * mm, rows * BAR_ROW + 30)
        drawing = Drawing(width, height)
        bars: HorizontalBarChart | VerticalBarChart = HorizontalBarChart()
        bars.x = label_width
        bars.y = 20
        bars.width = plot_width - label_width - 10
        bars.height = height - 30
        bars.categoryAxis.labels.boxAnchor = "e"
        bars.categoryAxis.labels.dx = -3
        bars.categoryAxis.reverseDirection = True  # first category on top, as the table reads
    else:
        longest = max(stringWidth(t, FONT, LABEL_SIZE) for t in labels)
        below = min(longest * 0.6, 42 * mm) + 10  # labels at an angle
        drawing = Drawing(width, VERTICAL_HEIGHT + below)
        bars = VerticalBarChart()
        bars.x = 34
        bars.y = below
        bars.width = plot_width - 44
        bars.height = VERTICAL_HEIGHT - 10
        bars.categoryAxis.labels.boxAnchor = "ne"
        bars.categoryAxis.labels.angle = 35
        bars.categoryAxis.labels.dx = 2
        bars.categoryAxis.labels.dy = -3
    # The renderer starts every drawing in Helvetica, named but never embedded, unless told.
    drawing.initialFontName = FONT
    bars.data = data
    bars.categoryAxis.categoryNames = labels
    if chart.stacked:
        bars.categoryAxis.style = "stacked"
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = LABEL_SIZE
        axis.strokeColor = MUTED
    bars.valueAxis.valueMin = 0
    if top <= 0:
        bars.valueAxis.valueMax = 1
    bars.valueAxis.labelTextFormat = _axis_label
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    bars.valueAxis.gridStrokeWidth = 0.3
    bars.barSpacing = 0.5
    bars.groupSpacing = 4
    for n in range(len(data)):
        bars.bars[n].fillColor = PALETTE[n % len(PALETTE)]
        bars.bars[n].strokeColor = None
    drawing.add(bars)
    if chart.value_label:
        drawing.add(
            String(
                bars.x,
                bars.y + bars.height + 4,
                chart.value_label,
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=MUTED,
            )
        )
    if legend_needed:
        legend = Legend()
        legend.fontName = FONT
        legend.fontSize = LABEL_SIZE
        legend.x = plot_width + 4
        legend.y = bars.y + bars.height
        legend.alignment = "right"
        legend.boxAnchor = "nw"
        legend.columnMaximum = max(1, int(bars.height // 11))
        legend.dx = legend.dy = 6
        legend.deltay = 11
        legend.colorNamePairs = [
            (PALETTE[n % len(PALETTE)], shorten(name, 40))
            for n, (name, _values) in enumerate(chart.series)
        ]
        drawing.add(legend)
    return drawing
