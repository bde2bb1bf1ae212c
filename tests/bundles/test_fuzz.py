"""Random damage never escapes as an exception: it is a clean problem, or harmless."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.crypto.keys import SigningKey
from tests.bundles.helpers import honest_bundle

_KEY = SigningKey.generate()


def _original(folder: Path) -> tuple[bytes, str]:
    path = folder / "fuzz-original.scb"
    if not path.exists():
        honest_bundle(folder, _KEY, photo=os.urandom(3000), name=path.name)
    result = verify_bundle(path)
    assert result.content_hash is not None
    return path.read_bytes(), result.content_hash


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=4
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_damage_is_reported_cleanly(
    tmp_path: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data, content_hash = _original(tmp_path)
    damaged = bytearray(data)
    for position, mask in flips:
        damaged[position % len(damaged)] ^= mask
    if cut is not None:
        damaged = damaged[: cut % len(damaged)]
    path = tmp_path / "fuzzed.scb"
    path.write_bytes(bytes(damaged))
    result = verify_bundle(path)
    if result.ok:
        # Only bytes no check covers changed (timestamps, unused fields): same signed content.
        assert result.content_hash == content_hash
        with result.open() as bundle:
            for kind in bundle.kinds:
                list(bundle.iter_records(kind))
    else:
        assert all(p.code and p.message for p in result.problems)
