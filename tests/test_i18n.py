"""Every ``_()``/``N_()`` literal in the package has a non-empty English entry with the same
placeholders, and the English catalogs hold no entries that the code no longer uses.

English lives in ``resources/i18n/en/*.po`` (one file per area); see docs/development.md.
"""

from __future__ import annotations

import ast
import string
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartcity_desktop.i18n import _, current_language, read_po_messages, set_language

ROOT = Path(__file__).resolve().parent.parent / "smartcity_desktop"
MARKERS = {"_", "N_"}


def _literal(node: ast.expr) -> str | None:
    """The text of a string literal, including implicitly concatenated ones; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def marked_strings() -> dict[str, list[str]]:
    """msgid -> the places (file:line) that mark it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
            ):
                text = _literal(node.args[0])
                if text:
                    found[text].append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return dict(found)


def non_literal_calls() -> Iterator[str]:
    for path in sorted(ROOT.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and node.args
                and _literal(node.args[0]) is None
            ):
                yield f"{path.relative_to(ROOT.parent)}:{node.lineno}"


def placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:  # a stray brace: compare as written
        return {"<unparseable>"}


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return read_po_messages("en")


@pytest.fixture(scope="module")
def marked() -> dict[str, list[str]]:
    return marked_strings()


def test_the_walk_finds_marked_strings(marked: dict[str, list[str]]) -> None:
    assert "Kata sandi kantor: " in marked  # cli/passphrase.py
    assert len(marked) > 50


def test_n_marks_only_literals() -> None:
    # N_() exists so that a collector can see the text; a variable inside it is invisible.
    assert not list(non_literal_calls())


def test_every_marked_string_has_english(
    marked: dict[str, list[str]], english: dict[str, str]
) -> None:
    missing = [
        f"{places[0]}: {msgid!r}"
        for msgid, places in sorted(marked.items())
        if msgid not in english
    ]
    assert not missing, (
        f"{len(missing)} strings have no English in resources/i18n/en/*.po:\n" + "\n".join(missing)
    )


def test_placeholders_match(marked: dict[str, list[str]], english: dict[str, str]) -> None:
    wrong = [
        f"{marked[msgid][0]}: {msgid!r} -> {english[msgid]!r}"
        for msgid in sorted(marked)
        if msgid in english and placeholders(msgid) != placeholders(english[msgid])
    ]
    assert not wrong, "Placeholders differ between Indonesian and English:\n" + "\n".join(wrong)


def test_catalog_placeholders_match_even_when_unused(english: dict[str, str]) -> None:
    wrong = [
        f"{msgid!r} -> {text!r}"
        for msgid, text in sorted(english.items())
        if placeholders(msgid) != placeholders(text)
    ]
    assert not wrong, "Placeholders differ in the English catalog:\n" + "\n".join(wrong)


def test_no_unused_catalog_entries(marked: dict[str, list[str]], english: dict[str, str]) -> None:
    unused = sorted(set(english) - set(marked))
    assert not unused, (
        "English entries that no _()/N_() in the code uses any more (remove them or restore "
        "the source string):\n" + "\n".join(repr(u) for u in unused)
    )


def test_set_language_translates_a_known_string() -> None:
    msgid = "Kata sandi kantor: "
    assert _(msgid) == msgid
    set_language("en")
    try:
        assert current_language() == "en"
        assert _(msgid) == "Office passphrase: "
    finally:
        set_language("id")
    assert _(msgid) == msgid
