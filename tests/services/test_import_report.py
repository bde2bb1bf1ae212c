"""The report of one bundle counts every record but lists a bounded number of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.services import import_report
from smartcity_desktop.services.import_report import BundleReport, RecordOutcome

pytestmark = pytest.mark.postgres_ready


def _outcome(n: int, action: str, kind: str = "problem") -> RecordOutcome:
    return RecordOutcome(kind, f"id-{n}", 1, action, f"Judul {n}")


def test_a_big_bundle_is_counted_whole_and_listed_in_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_report, "LISTED_OUTCOMES", 4)
    report = BundleReport(files=[Path("besar.scb")])
    actions = ["new"] * 6 + ["conflict", "unchanged", "conflict"] + ["new"] * 3 + ["conflict"]
    for n, action in enumerate(actions):
        kind = "attachment" if n % 5 == 0 else "problem"
        if report.lists(action):
            report.add_outcome(_outcome(n, action, kind))
        else:
            report.count_outcome(kind, action)
    assert report.action_counts() == {
        "new": 9,
        "updated": 0,
        "unchanged": 1,
        "older": 0,
        "conflict": 3,
    }
    assert report.record_count == 13 and report.unlisted == 9
    # Conflicts are what a person must look at: they push other records out of the list.
    assert sorted(o.action for o in report.outcomes) == ["conflict", "conflict", "conflict", "new"]
    assert sum(report.kind_actions["attachment"].values()) == 3
    data = report.to_dict()
    assert len(data["records"]) == 4 and data["unlisted_records"] == 9
    assert sum(data["actions"].values()) == 13


def test_once_every_listed_record_is_a_conflict_more_are_only_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_report, "LISTED_OUTCOMES", 2)
    report = BundleReport(files=[Path("konflik.scb")])
    for n in range(5):
        if report.lists("conflict"):
            report.add_outcome(_outcome(n, "conflict"))
        else:
            report.count_outcome("problem", "conflict")
    assert [o.id for o in report.outcomes] == ["id-0", "id-1"]
    assert report.action_counts()["conflict"] == 5


def test_outcomes_given_to_the_constructor_are_counted() -> None:
    report = BundleReport(files=[], outcomes=[_outcome(1, "new"), _outcome(2, "older")])
    assert report.action_counts()["new"] == 1 and report.action_counts()["older"] == 1
    assert report.unlisted == 0
