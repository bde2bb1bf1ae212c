from __future__ import annotations

import pytest

from smartcity_desktop.domain.records import canonical_json, content_hash
from smartcity_desktop.domain.reference import LIST_NAMES, ref_list, sub_elements


def test_content_hash_depends_on_content_revision_and_tombstone_only() -> None:
    base = ("problem", "id-1", "32.16.01.2001", 1, "final", False, {"title": "A", "x": None})
    h = content_hash(*base)
    assert h == content_hash(
        "problem", "id-1", "32.16.01.2001", 1, "final", False, {"x": None, "title": "A"}
    )
    assert h != content_hash("problem", "id-1", "32.16.01.2001", 2, "final", False, base[6])
    assert h != content_hash("problem", "id-1", "32.16.01.2001", 1, "final", True, base[6])
    assert h != content_hash(
        "problem", "id-1", "32.16.01.2001", 1, "final", False, {"title": "B", "x": None}
    )


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_reference_lists_load_with_both_languages() -> None:
    for name in LIST_NAMES:
        items = ref_list(name).items
        assert items, name
        assert all(i.label_id and i.label_en for i in items)
    dims = ref_list("dimensions")
    assert len(dims.items) == 6
    assert dims.label("governance", "id") == "Tata Kelola Pemerintahan Cerdas"
    assert dims.label("governance", "en") == "Smart Governance"
    assert [s.code for s in sub_elements("environment")] == [
        "proteksi_lingkungan",
        "sampah_limbah",
        "energi",
    ]
    assert len(ref_list("urusan").items) == 32
