from __future__ import annotations

import pytest

from smartcity_desktop.crypto.canonical_json import StrictJsonError, canonical_bytes, loads_strict
from smartcity_desktop.crypto.offices import (
    may_forward,
    may_speak_for,
    parent_code,
    role_of_code,
)


def test_roles_and_parents() -> None:
    assert role_of_code("32.16") == "kabupaten"
    assert role_of_code("32.16.01") == "kecamatan"
    assert role_of_code("32.16.01.2001") == "desa"
    assert parent_code("32.16.01.2001") == "32.16.01"
    assert parent_code("32.16") is None
    with pytest.raises(ValueError):
        role_of_code("32.16.1")


def test_who_speaks_for_whom() -> None:
    assert may_speak_for("32.16.01.2001", "desa", "32.16.01.2001")
    assert not may_speak_for("32.16.01.2001", "desa", "32.16.01.2002")
    assert not may_speak_for("32.16.01", "kecamatan", "32.16.01.2001")
    assert may_speak_for("32.16", "kabupaten", "32.16")
    assert not may_speak_for("32.16", "kabupaten", "32.16.01")
    assert not may_speak_for("32.16.01.2001", "kecamatan", "32.16.01.2001")


def test_who_forwards_whom() -> None:
    assert may_forward("32.16.01", "kecamatan", "32.16.01.2001", "desa")
    assert not may_forward("32.16.02", "kecamatan", "32.16.01.2001", "desa")
    assert not may_forward("32.16", "kabupaten", "32.16.01.2001", "desa")
    assert not may_forward("32.16.01.2001", "desa", "32.16.01.2002", "desa")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"a":1,"a":2}', "duplicate_key"),
        (b'{"a":NaN}', "not_finite"),
        (b'{"a":"\\udc00"}', "lone_surrogate"),
        (b'{"a":"\xc3"}', "utf8"),
        (b"[" * 100 + b"]" * 100, "too_deep"),
        (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
        (b"{", "syntax"),
    ],
)
def test_strict_json(data: bytes, reason: str) -> None:
    with pytest.raises(StrictJsonError) as error:
        loads_strict(data)
    assert error.value.reason == reason


def test_canonical_json() -> None:
    assert canonical_bytes({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_bytes({"a": float("nan")})
