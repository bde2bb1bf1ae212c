"""Opening one part of a split bundle finds the other parts of the same bundle beside it."""

from __future__ import annotations

import os
from pathlib import Path

from smartcity_desktop.bundles.parts import MIN_PART_SIZE, sibling_parts, stage_parts


def split(folder: Path, name: str, size: int) -> list[Path]:
    whole = folder / f"whole-{name}"
    whole.write_bytes(os.urandom(size))
    finals = []
    for temporary, final in stage_parts(whole, folder / name, MIN_PART_SIZE):
        temporary.rename(final)
        finals.append(final)
    whole.unlink()
    return finals


def test_one_part_brings_its_siblings_and_nothing_else(tmp_path: Path) -> None:
    ours = split(tmp_path, "desa-0001.scb", 3 * MIN_PART_SIZE)
    others = split(tmp_path, "desa-0002.scb", 2 * MIN_PART_SIZE)
    (tmp_path / "catatan.scb").write_bytes(b"PK\x03\x04 not a part")
    assert len(ours) == 4 and len(others) == 3
    assert sibling_parts(ours[2]) == sorted(ours)
    assert sibling_parts(others[0]) == sorted(others)


def test_a_renamed_part_is_still_found_by_its_header(tmp_path: Path) -> None:
    parts = split(tmp_path, "desa-0001.scb", 2 * MIN_PART_SIZE)
    renamed = parts[1].with_name("desa-0001 (1).scb")  # as a browser saves a second download
    parts[1].rename(renamed)
    assert sibling_parts(parts[0]) == sorted([parts[0], parts[2], renamed], key=lambda p: p.name)


def test_a_whole_bundle_or_a_damaged_part_stands_alone(tmp_path: Path) -> None:
    whole = tmp_path / "desa-0001.scb"
    whole.write_bytes(b"PK\x03\x04" + bytes(100))
    split(tmp_path, "desa-0002.scb", 2 * MIN_PART_SIZE)
    assert sibling_parts(whole) == [whole]
