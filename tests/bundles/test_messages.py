"""Every message template of the bundle and trust layers has an English translation with the
same placeholders, and every problem code can be formatted in both languages."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from smartcity_desktop.bundles.problem_texts import TEXTS as BUNDLE_TEXTS
from smartcity_desktop.crypto.problem_texts import TEXTS as TRUST_TEXTS
from smartcity_desktop.i18n import read_po_messages

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"[a-z]+\.[a-z_0-9]+")


def _literals(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("package", ["bundles", "crypto"])
def test_every_literal_translated(package: str) -> None:
    english = read_po_messages("en")
    literals = _literals(ROOT / "smartcity_desktop" / package)
    assert literals
    missing = sorted(text for text in literals if text not in english)
    assert not missing
    for text in literals:
        assert _fields(text) == _fields(english[text]), text


def test_codes_are_stable_names() -> None:
    for code in {**BUNDLE_TEXTS, **TRUST_TEXTS}:
        assert CODE.fullmatch(code), code
