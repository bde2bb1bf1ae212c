"""Analysis pages above the village: Data serupa, Isu strategis and Analisis (every view).

The factories import their page only when the page is first opened (the window paints first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartcity_desktop.i18n import N_
from smartcity_desktop.services.analysis.prepare import ANALYSIS_ROLES

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from smartcity_desktop.gui.shell import Shell

ROLES = ANALYSIS_ROLES


def similar_page(shell: Shell) -> QWidget:
    from smartcity_desktop.gui.analysis.similar_page import SimilarPage

    return SimilarPage(shell)


def issues_page(shell: Shell) -> QWidget:
    from smartcity_desktop.gui.analysis.issues_page import IssuesPage

    return IssuesPage(shell)


# The navigation entries (key, label, icon, factory), one line each in main_window.PAGES.
SIMILAR_PAGE = (
    "similar",
    N_("Data Serupa"),
    "copy",
    similar_page,
)
ISSUES_PAGE = (
    "issues",
    N_("Isu Strategis"),
    "chart-bar",
    issues_page,
)


def analysis_page(shell: Shell) -> QWidget:
    from smartcity_desktop.gui.analysis.view_page import AnalysisPage

    return AnalysisPage(shell)


ANALYSIS_PAGE = (
    "analysis",
    N_("Analisis"),
    "table",
    analysis_page,
)
