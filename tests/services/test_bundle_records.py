"""Incoming rows: a wrong field is named, whether unknown, missing or not in canonical form."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.services.bundle_records import RowError, check_row

pytestmark = pytest.mark.postgres_ready

VALUES: dict[str, Any] = {
    "title": "Jalan desa rusak",
    "description": "Jalan utama berlubang sepanjang 2 km.",
    "causes": None,
    "dimension": "living",
    "sub_element": "kesehatan",
    "urusan": None,
    "location_detail": None,
    "latitude": None,
    "longitude": None,
    "since_date": None,
    "affected_count": None,
    "affected_unit": None,
    "severity": "sedang",
    "info_source": None,
}
ID = "0b7c2f8e-6d1a-4c3e-9f00-1a2b3c4d5e6f"


def _row(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": ID,
        "office_code": "32.16.01.2001",
        "revision": 1,
        "status": "final",
        "deleted": False,
        "values": values,
        "author": "Siti",
        "created_at": "2026-05-01T08:00:00.000000Z",
        "updated_at": "2026-05-01T08:00:00.000000Z",
        "content_hash": content_hash("problem", ID, "32.16.01.2001", 1, "final", False, values),
    }


def test_valid_row_passes() -> None:
    assert check_row("problem", _row(dict(VALUES))).id == ID


def test_unknown_field_in_values_is_named() -> None:
    values = {**VALUES, "colour": "red"}
    with pytest.raises(RowError, match="colour") as caught:
        check_row("problem", _row(values))
    assert "tidak dikenal" in str(caught.value)
    assert "bentuk baku" not in str(caught.value)


def test_missing_field_in_values_is_named() -> None:
    values = copy.deepcopy(VALUES)
    del values["urusan"]
    with pytest.raises(RowError, match="urusan") as caught:
        check_row("problem", _row(values))
    assert "tidak ada" in str(caught.value)


def test_non_canonical_value_names_its_field() -> None:
    values = {**VALUES, "latitude": -6, "longitude": 107.0}  # an int where a float belongs
    with pytest.raises(RowError, match="latitude") as caught:
        check_row("problem", _row(values))
    assert "longitude" not in str(caught.value)


def test_unknown_envelope_field_is_named() -> None:
    row = {**_row(dict(VALUES)), "kind": "problem"}
    with pytest.raises(RowError, match="kind"):
        check_row("problem", row)


def test_unknown_attachment_value_is_named() -> None:
    values = {
        "record_kind": "problem",
        "record_id": ID,
        "sha256": "0" * 64,
        "filename": "foto.jpg",
        "media_type": "image/jpeg",
        "size": 10,
        "width": None,
        "height": None,
        "caption": None,
        "exif": "x",
    }
    with pytest.raises(RowError, match="exif"):
        check_row("attachment", {**_row(values), "sha256": "0" * 64})


def test_date_must_be_yyyy_mm_dd() -> None:
    """The document and the schemas say yyyy-mm-dd; fromisoformat alone also took 20260102."""
    with pytest.raises(RowError, match="since_date"):
        check_row("problem", _row({**VALUES, "since_date": "20260102"}))
    assert check_row("problem", _row({**VALUES, "since_date": "2026-01-02"}))


@pytest.mark.parametrize("moment", ["2026-05-01Z", "2026-05-01T08:00Z", "2026-05-01 08:00:00Z"])
def test_row_times_have_one_form(moment: str) -> None:
    with pytest.raises(RowError, match="created_at"):
        check_row("problem", {**_row(dict(VALUES)), "created_at": moment})
