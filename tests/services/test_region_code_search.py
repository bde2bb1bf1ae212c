"""Region search by code, the way officials know their village: whole, its end, or its number."""

from __future__ import annotations

import pytest

from smartcity_desktop.services.gui_support import RegionIndex, region_code_typed
from smartcity_desktop.services.regions import bundled_regions

pytestmark = pytest.mark.postgres_ready


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    return RegionIndex(bundled_regions())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("32.16.01.2001", ["32.16.01.2001"]),
        ("01.2001", ["32.16.01.2001"]),
        ("2001", ["32.16.01.2001"]),
    ],
)
def test_a_code_finds_the_village(index: RegionIndex, typed: str, expected: list[str]) -> None:
    assert [r.code for r in index.matching("32.16.01", typed)] == expected


def test_names_still_work_and_words_are_not_codes(index: RegionIndex) -> None:
    assert [r.code for r in index.matching("32.16.01", "sagara")] == ["32.16.01.2001"]
    assert index.matching("32.16.01", "9999") == []
    assert region_code_typed("Sagara 2001") is None
    assert region_code_typed(" 32.16. ") == "32.16"
