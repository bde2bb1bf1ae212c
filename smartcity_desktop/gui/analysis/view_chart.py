"""A view's chart (``services.analysis.Chart``) drawn by QtCharts.

QtCharts was chosen over pyqtgraph by measurement (docs/analysis.md, benchmarks/charts.py):
a fraction of the frozen build's size and of the time to build and paint. The series take the
Okabe-Ito colours, told apart with the common colour-vision deficiencies; hovering a bar tells
its series, category and value.
"""

from __future__ import annotations

import html

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from smartcity_desktop.gui.analysis.cells import balanced_lines, format_cell
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.result import Chart, ColumnType

OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
LABEL_LINE = 22  # characters of a line of a bar's name beside a horizontal bar
# Past this many categories the labels under vertical bars are turned to fit.
TURN_LABELS_FROM = 8


def _series(chart: Chart) -> QAbstractBarSeries:
    if chart.horizontal:
        return QHorizontalStackedBarSeries() if chart.stacked else QHorizontalBarSeries()
    return QStackedBarSeries() if chart.stacked else QBarSeries()


def _highest(chart: Chart) -> float:
    if chart.stacked:
        sums = [
            sum(max(float(v), 0.0) for v in values)
            for values in zip(*(s.values for s in chart.series), strict=False)
        ]
        return max(sums, default=0.0)
    return max((float(v) for s in chart.series for v in s.values), default=0.0)


def _scale(highest: float) -> tuple[float, str]:
    """Rupiah in the billions read badly as 20000000000 on an axis: show miliar or juta."""
    if highest >= 1e9:
        return 1e9, _("miliar")
    if highest >= 1e6:
        return 1e6, _("juta")
    return 1.0, ""


def _wrapped(label: str, lines: int) -> str:
    if lines < 2:
        return label
    return "<br>".join(html.escape(line) for line in balanced_lines(label, lines, LABEL_LINE))


def _wrap_to_bars(axis: QBarCategoryAxis, names: list[str], area: QRectF) -> None:
    """Break the names beside horizontal bars onto as many lines as a bar's band has room for
    (up to 3): a long name on one line is cut at the chart's edge, and names taller than their
    band are hidden by the axis."""
    if not names or area.height() <= 0:
        return
    line = QFontMetricsF(axis.labelsFont()).lineSpacing()
    # The axis hides a name that comes too near its neighbour: keep a little room between.
    lines = max(1, min(3, int(area.height() / len(names) / line - 0.15)))
    wanted = [_wrapped(n, lines) for n in names]
    if axis.categories() != wanted:
        axis.setCategories(wanted)


def chart_view(chart: Chart, parent: QWidget | None = None) -> QChartView:
    bars = _series(chart)
    divisor, unit = _scale(_highest(chart))
    for n, series in enumerate(chart.series):
        bar_set = QBarSet(series.name)
        bar_set.append([float(v) / divisor for v in series.values])
        bar_set.setColor(QColor(OKABE_ITO[n % len(OKABE_ITO)]))
        bar_set.setBorderColor(QColor("white"))
        bars.append(bar_set)
    categories = list(chart.categories)
    if chart.horizontal:
        categories.reverse()  # the first category on top, as in the table
        for bar_set in bars.barSets():
            values = [bar_set.at(i) for i in range(bar_set.count())]
            bar_set.remove(0, bar_set.count())
            bar_set.append(values[::-1])
    qchart = QChart()
    qchart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    qchart.addSeries(bars)
    title_font = QFont(qchart.titleFont())
    title_font.setBold(True)
    qchart.setTitleFont(title_font)
    qchart.setTitle(chart.title)
    qchart.setMargins(QMargins(4, 4, 4, 4))
    category_axis = QBarCategoryAxis()
    category_axis.append(categories)
    if chart.horizontal:
        # A long name beside a bar wraps onto lines as the bars' height allows (the axis draws
        # its labels as rich text): on one line it would be cut at a narrow chart's left edge.
        qchart.plotAreaChanged.connect(lambda area: _wrap_to_bars(category_axis, categories, area))
    value_axis = QValueAxis()
    value_axis.setTitleText(f"{unit} {chart.value_label}".strip())
    value_axis.setLabelFormat("%.0f")
    if chart.horizontal:
        # Whole names beside the bars (a ranking's titles): the layout makes room for them.
        category_axis.setTruncateLabels(False)
        qchart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
        qchart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        if len(categories) >= TURN_LABELS_FROM:
            # Upright and a little smaller, whole names fit under 23 narrow bars.
            category_axis.setLabelsAngle(-90)
            small = QFont(category_axis.labelsFont())
            small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
            category_axis.setLabelsFont(small)
        category_axis.setTruncateLabels(False)
        qchart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        qchart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(category_axis)
    bars.attachAxis(value_axis)
    value_axis.setRange(0.0, max(_highest(chart) / divisor, 1.0))
    value_axis.applyNiceNumbers()
    legend = qchart.legend()
    legend.setVisible(len(chart.series) > 1)
    legend.setAlignment(Qt.AlignmentFlag.AlignRight)

    def hovered(state: bool, index: int, bar_set: QBarSet) -> None:
        if not state:
            QToolTip.hideText()
            return
        value = format_cell(bar_set.at(index), ColumnType.FLOAT).removesuffix(",0")
        value = value.removesuffix(".0")
        QToolTip.showText(
            QCursor.pos(),
            f"{bar_set.label()} · {categories[index]}: {value} {unit} {chart.value_label}".replace(
                "  ", " "
            ),
        )

    bars.hovered.connect(hovered)
    view = QChartView(qchart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(chart.title)
    view.setAccessibleDescription(
        "; ".join(
            f"{s.name}: "
            + ", ".join(f"{c} {v:g}" for c, v in zip(chart.categories, s.values, strict=False))
            for s in chart.series
        )
    )
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setMinimumHeight(220)
    return view
