"""The conformance vectors: the reader gives each its expected verdict and problem code, the
valid ones import into a real office that trusts the test root key, and the generator makes the
same files again."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.bundles.reader import VerificationResult, verify_bundle
from smartcity_desktop.crypto.certificates import RootKey
from smartcity_desktop.crypto.problems import Problem
from smartcity_desktop.crypto.trust import TrustState
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.trust import add_root
from tests.conformance import generate

VECTORS = Path(__file__).resolve().parent / "vectors"
MANIFEST: dict[str, Any] = json.loads((VECTORS / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["vectors"]


def _all_problems(result: VerificationResult) -> Iterator[Problem]:
    yield from result.problems
    for nested in result.forwarded:
        yield from _all_problems(nested)


def _trust() -> TrustState:
    return TrustState(roots=(RootKey.from_bytes((VECTORS / MANIFEST["root_key"]).read_bytes()),))


def test_manifest_lists_every_file_once() -> None:
    listed = [entry["file"] for entry in ENTRIES]
    assert len(listed) == len(set(listed))
    present = {p.name for p in VECTORS.iterdir()} - {"manifest.json", "README.md"}
    assert present == {*listed, MANIFEST["root_key"]}
    verdicts = {(e["verdict"], e["stage"]) for e in ENTRIES}
    assert verdicts == {("valid", "verify"), ("invalid", "verify"), ("invalid", "import")}
    assert all(e["code"] for e in ENTRIES if e["verdict"] == "invalid")


def _members(path: Path) -> list[tuple[str, int, tuple[int, ...], bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [
            (i.filename, i.compress_type, i.date_time, archive.read(i)) for i in archive.infolist()
        ]


def test_generator_makes_the_same_vectors(tmp_path: Path) -> None:
    generate.write_all(tmp_path)
    assert (tmp_path / "manifest.json").read_text() == (VECTORS / "manifest.json").read_text()
    assert (tmp_path / "root-key.json").read_bytes() == (VECTORS / "root-key.json").read_bytes()
    for entry in ENTRIES:
        name = entry["file"]
        # Member by member: deflate output may differ between zlib builds, the content may not.
        assert _members(tmp_path / name) == _members(VECTORS / name), name


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_reader_gives_the_expected_verdict(entry: dict[str, Any]) -> None:
    result = verify_bundle(
        VECTORS / entry["file"], trust=_trust(), max_schema_version=SCHEMA_VERSION
    )
    codes = [p.code for p in _all_problems(result)]
    if entry["verdict"] == "valid" or entry["stage"] == "import":
        assert result.all_ok, codes
        assert result.trust is not None and result.trust.level == "certified"
    else:
        assert codes and codes[0] == entry["code"], codes


@pytest.fixture
def receivers(kecamatan_ctx: AppContext, kabupaten_ctx: AppContext) -> dict[str, AppContext]:
    for ctx in (kecamatan_ctx, kabupaten_ctx):
        add_root(ctx, VECTORS / MANIFEST["root_key"])
    return {"kecamatan": kecamatan_ctx, "kabupaten": kabupaten_ctx}


def test_import_gives_the_expected_outcome(receivers: dict[str, AppContext]) -> None:
    """Valid and import-stage vectors, one after another into the same offices (each has its own
    sequence number and record ids)."""
    for entry in ENTRIES:
        if entry["verdict"] == "invalid" and entry["stage"] == "verify":
            continue
        ctx = receivers[entry.get("receiver", "kecamatan")]
        (report,) = import_files(ctx, [VECTORS / entry["file"]], receipts=False)
        codes = [f.code for f in report.findings]
        expected_code = entry.get("import_code") or (
            entry["code"] if entry["verdict"] == "invalid" else None
        )
        if expected_code is None:
            assert report.status == "imported", (entry["file"], codes, report.findings)
            new: dict[str, int] = {}
            for outcome in report.outcomes:
                assert outcome.action == "new", outcome
                new[outcome.kind] = new.get(outcome.kind, 0) + 1
            assert new == entry["imported"], entry["file"]
        else:
            assert report.status == "refused", entry["file"]
            assert codes == [expected_code], (entry["file"], report.findings)
            if "message_contains" in entry:
                assert entry["message_contains"] in report.findings[0].message
