"""A drill-down counts every record behind a number but lists at most ``limit`` of them, in desa
then title order (known data set of tests/services/similarity_data.py: Tarumajaya holds a1-a4
and b1-b3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartcity_desktop.services.analysis import AnalysisFilter, Drill, drill_records
from smartcity_desktop.services.context import AppContext
from tests.services.similarity_data import Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    yield ctx
    ctx.close()


def test_the_list_is_capped_and_the_total_is_not(known: Known, kab: AppContext) -> None:
    drill = Drill(("problem",), kecamatan="32.16.01")
    capped = drill_records(kab, AnalysisFilter(), drill, limit=2)
    assert capped.total == 7 and len(capped.rows) == 2 and capped.truncated
    # Desa 32.16.01.2001 (a1-a4) first, by title.
    assert [known.label_of(r.id) for r in capped.rows] == ["a1", "a2"]
    whole = drill_records(kab, AnalysisFilter(), drill)
    assert whole.total == 7 and not whole.truncated
    # A dimension inside a kecamatan, as a matrix cell narrows it.
    cell = drill_records(
        kab, AnalysisFilter(), Drill(("problem",), kecamatan="32.16.01", dimension="environment")
    )
    assert sorted(known.label_of(r.id) for r in cell.rows) == ["a1", "a3", "b1"]
    assert {r.review_state for r in cell.rows} == {None}
