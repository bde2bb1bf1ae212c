"""Data serupa and Isu strategis pages on the known data set, with real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QTreeWidgetItem

from smartcity_desktop.gui.analysis.issues_page import KEY_ROLE, IssuesPage
from smartcity_desktop.gui.analysis.similar_page import MEMBER_ROLE, MergeDialog, SimilarPage
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.review import own_review
from smartcity_desktop.services.similarity import issue_clusters, similar_groups
from tests.gui.test_main_window import FakeDialogs, make_shell
from tests.services.similarity_data import Known, known, known_template

__all__ = ["known", "known_template"]
pytestmark = [
    pytest.mark.postgres_ready,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def kec(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kecamatan")
    yield ctx
    ctx.close()


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    yield ctx
    ctx.close()


def top_texts(tree: Any) -> list[str]:
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_similar_page_lists_groups_with_reasons_and_merges(qtbot: Any, kec: AppContext) -> None:
    page = SimilarPage(make_shell(kec))
    qtbot.addWidget(page)
    page.show()
    assert top_texts(page.tree) == [
        "sub-elemen sama: Proteksi lingkungan; kata kunci bersama: banjir, rob, tambak",
        "sub-elemen sama: Transportasi/mobilitas; kata kunci bersama: jalan, rusak",
    ]
    first = page.tree.topLevelItem(0)
    assert first.childCount() == 2
    assert {first.child(i).text(1) for i in range(2)} == {
        "Desa Sagara Makmur",
        "Desa Samudra Jaya",
    }
    target = first.child(1)
    page.tree.setCurrentItem(target)
    keep = target.data(0, MEMBER_ROLE)
    asked: list[str | None] = []

    def choose(_parent: Any, group: Any, preferred: str | None) -> tuple[str, str]:
        asked.append(preferred)
        return preferred or "", "Lokasi sama"

    page.ask_merge = choose
    assert page.merge_button.isEnabled()
    page.merge_button.click()
    assert asked == [keep]
    # The review was written through the service and the page reloaded from the change.
    merged = [r for r in (own_review(kec, m) for m in _ids(kec)) if r is not None]
    assert [(r.state, r.values["merge_into"]) for r in merged] == [("digabung", keep)]
    assert top_texts(page.tree) == [
        "sub-elemen sama: Transportasi/mobilitas; kata kunci bersama: jalan, rusak"
    ]
    assert page.shell.dialogs.errors == []  # type: ignore[attr-defined]


def _ids(ctx: AppContext) -> list[str]:
    from smartcity_desktop.domain.fields import RecordKind
    from tests.services.review_helpers import ids

    return ids(ctx, RecordKind.PROBLEM)


def test_merge_dialog_preselects_the_chosen_record(qtbot: Any, kec: AppContext) -> None:
    group = similar_groups(kec)[0]
    dialog = MergeDialog(None, group, group.members[1].id)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.target() == group.members[1].id
    assert dialog.choices.count() == 2


def test_similar_page_filters_by_kind_and_kecamatan(qtbot: Any, kab: AppContext) -> None:
    page = SimilarPage(make_shell(kab))
    qtbot.addWidget(page)
    assert page.tree.topLevelItemCount() == 3
    page.filters.kecamatan.setCurrentIndex(page.filters.kecamatan.findData("32.16.02"))
    assert page.tree.topLevelItemCount() == 0
    assert "Tidak ada catatan serupa" in page.status.text()
    page.filters.kecamatan.setCurrentIndex(0)
    page.kind.setCurrentIndex(page.kind.findData("potential"))
    assert page.tree.topLevelItemCount() == 0 and not page.merge_button.isEnabled()


def test_issues_page_shows_clusters_filters_and_decides(qtbot: Any, kab: AppContext) -> None:
    page = IssuesPage(make_shell(kab))
    qtbot.addWidget(page)
    page.show()
    expected = issue_clusters(kab).clusters
    rows = [
        [page.tree.topLevelItem(i).text(c) for c in range(7)]
        for i in range(page.tree.topLevelItemCount())
    ]
    assert rows[0] == [
        "Proteksi lingkungan · 2.11 Lingkungan Hidup · banjir, rob, tambak",
        "3",
        "2",
        "320 Jiwa; 40 KK",
        "Sangat berat",
        "3,0",
        "Desa Hurip Jaya, Desa Sagara Makmur, Desa Samudra Jaya",
    ]
    assert len(rows) == len(expected) == 3
    assert page.tree.topLevelItem(0).toolTip(0) == (
        expected[0].reason
        + "\nKunci isu (untuk gabung/pisah lewat perintah): proteksi_lingkungan|2.11|banjir+rob"
    )

    # A filter change is answered from memory.
    page.filters.kecamatan.setCurrentIndex(page.filters.kecamatan.findData("32.16.01"))
    assert [page.tree.topLevelItem(i).text(1) for i in range(3)] == ["2", "2", "1"]
    page.filters.kecamatan.setCurrentIndex(0)

    # Merge the first two.
    page.ask_label = lambda *_a: ("Lingkungan pesisir", True)
    page.tree.topLevelItem(0).setSelected(True)
    page.tree.topLevelItem(1).setSelected(True)
    assert page.merge_button.isEnabled() and not page.split_button.isEnabled()
    page.merge_button.click()
    assert top_texts(page.tree)[0] == (
        "Proteksi lingkungan, Tata kelola sampah dan limbah · 2.11 Lingkungan Hidup · "
        "Lingkungan pesisir [digabung]"
    )

    # Split one record out of the merged cluster: open it, select a record.
    merged = page.tree.topLevelItem(0)
    merged.setExpanded(True)
    assert merged.childCount() == 5
    page.tree.clearSelection()
    child: QTreeWidgetItem = merged.child(0)
    child.setSelected(True)
    assert page.split_button.isEnabled() and not page.merge_button.isEnabled()
    page.ask_label = lambda *_a: ("", True)
    page.split_button.click()
    origins = sorted(c.origin for c in page.clusters)
    assert origins == ["auto", "merge", "split"]

    # Withdraw the merge.
    page.tree.clearSelection()
    merged_item = next(
        page.tree.topLevelItem(i)
        for i in range(page.tree.topLevelItemCount())
        if page.tree.topLevelItem(i).data(0, KEY_ROLE).startswith("merge:")
    )
    merged_item.setSelected(True)
    assert page.undo_button.isEnabled()
    page.undo_button.click()
    assert "merge" not in {c.origin for c in page.clusters}
    dialogs = page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs) and dialogs.errors == []


def test_a_refused_decision_is_shown_and_changes_nothing(qtbot: Any, kab: AppContext) -> None:
    page = IssuesPage(make_shell(kab))
    qtbot.addWidget(page)
    page.ask_label = lambda *_a: ("x" * 300, True)
    page.tree.topLevelItem(0).setSelected(True)
    page.tree.topLevelItem(1).setSelected(True)
    page.merge_button.click()
    dialogs = page.shell.dialogs
    assert isinstance(dialogs, FakeDialogs)
    assert [getattr(e, "code", "") for e in dialogs.errors] == ["issues.label_too_long"]
    assert {c.origin for c in page.clusters} == {"auto"}


def test_the_pages_are_in_the_navigation_of_upper_offices_only(
    qtbot: Any, kab: AppContext, known: Known
) -> None:
    window = MainWindow(make_shell(kab))
    qtbot.addWidget(window)
    assert {"similar", "issues"} <= {s.key for s in window.specs}
    assert isinstance(window.show_page("issues"), IssuesPage)
    assert isinstance(window.show_page("similar"), SimilarPage)
    desa = known.open("32.16.01.2001")
    try:
        village = MainWindow(make_shell(desa))
        qtbot.addWidget(village)
        assert not {"similar", "issues"} & {s.key for s in village.specs}
    finally:
        desa.close()
