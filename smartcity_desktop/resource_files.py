"""Locate files shipped in the top-level ``resources/`` folder.

The folder is installed as the package ``smartcity_desktop.resources`` (see pyproject), and collected
as data in a frozen build, so one lookup serves a source checkout, an installed wheel and PyInstaller.
"""

from __future__ import annotations

from importlib import resources as _res
from importlib.abc import Traversable


def resource(*parts: str) -> Traversable:
    node: Traversable = _res.files("smartcity_desktop.resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()


def read_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")
