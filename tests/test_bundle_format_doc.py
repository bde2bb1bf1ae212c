"""docs/bundle-format.md and the code cannot drift apart: every problem code the source can emit is
listed in section 10 (and nothing listed there is gone from the source), and the versions, format
names and context lines the document states are those of the code."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.crypto import certificates
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "smartcity_desktop"
DOC = ROOT / "docs" / "bundle-format.md"

CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
# Calls whose first argument is a problem code: make_problem("x.y"), self.problem("x.y"),
# Problem("x.y", ...), Finding("x.y", ...), Refused("x.y", ...).
CODE_CALLS = {"make_problem", "problem", "Problem", "Finding", "Refused", "_Refused"}
# Module-level tables keyed (TEXTS) or valued (_REASON_CODES) by problem codes.
CODE_TABLES = {"TEXTS": "keys", "_REASON_CODES": "values"}


def _codes_in(node: ast.AST, pattern: re.Pattern[str] = CODE) -> Iterator[str]:
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Constant)
            and isinstance(child.value, str)
            and pattern.fullmatch(child.value)
        ):
            yield child.value


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def emitted_codes() -> dict[str, str]:
    """Every problem code literal in the package, with one place it appears."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            hits: list[str] = []
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        hits.extend(_codes_in(keyword.value))
                if _call_name(node) in CODE_CALLS and node.args:
                    hits.extend(_codes_in(node.args[0]))
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and any(
                        isinstance(t, ast.Name)
                        and t.id in ("code", "_MALFORMED", "_FORMAT_MISSING")
                        for t in statement.targets
                    ):
                        # A class default may be a plain word ("error").
                        hits.extend(_codes_in(statement.value, re.compile(r"[a-z][a-z0-9_.]*")))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                for target in node.targets:
                    side = CODE_TABLES.get(target.id) if isinstance(target, ast.Name) else None
                    if side == "keys":
                        hits.extend(c for k in node.value.keys if k for c in _codes_in(k))
                    elif side == "values":
                        hits.extend(c for v in node.value.values for c in _codes_in(v))
            for code in hits:
                found.setdefault(code, f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
    return found


def documented_codes() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 10. Problem codes") : text.index("## 11.")]
    return set(re.findall(r"^\| `([a-z][a-z0-9_.]*)` \|", section, flags=re.MULTILINE))


def test_collector_finds_the_known_kinds_of_code() -> None:
    codes = emitted_codes()
    for code in (
        "archive.not_zip",  # bundles/problem_texts.py TEXTS
        "record.syntax",  # records.py _REASON_CODES
        "record.invalid",  # exchange/rows.py _Refused(...)
        "ledger.already_imported",  # Finding(...)
        "export.nothing",  # UserError(..., code=...)
        "storage.busy",  # class attribute
        "error",  # UserError's default
        "request.format_missing",
    ):
        assert code in codes, code


def test_every_emitted_code_is_documented() -> None:
    missing = {c: where for c, where in emitted_codes().items() if c not in documented_codes()}
    assert not missing, f"add these to section 10 of docs/bundle-format.md: {missing}"


def test_every_documented_code_is_still_emitted() -> None:
    stale = documented_codes() - set(emitted_codes())
    assert not stale, f"no longer emitted; remove from docs/bundle-format.md: {sorted(stale)}"


def test_versions_and_names_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`format_version` **{fmt.FORMAT_VERSION}**" in text
    assert f"record `schema_version` **{SCHEMA_VERSION}**" in text
    assert fmt.BAGIT_DECLARATION.decode().replace("\n", "\\n") in text
    assert fmt.SIGNATURE_CONTEXT.decode().replace("\n", "\\n") in text
    for name in (fmt.HEADER_FORMAT, fmt.SIGNATURE_FORMAT):
        assert f'"{name}"' in text
    for context in (
        certificates.ROOT_CONTEXT,
        certificates.REQUEST_CONTEXT,
        certificates.CERTIFICATE_CONTEXT,
        certificates.REVOCATION_CONTEXT,
    ):
        assert f"`{context.decode().strip()}\\n`" in text
    for name in (
        certificates.ROOT_FORMAT,
        certificates.REQUEST_FORMAT,
        certificates.CERTIFICATE_FORMAT,
        certificates.REVOCATION_FORMAT,
    ):
        assert f"`{name}`" in text
    assert f"{len(fmt.BAGIT_DECLARATION)} bytes" in text
