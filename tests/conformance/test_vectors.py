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
from smartcity_desktop.crypto.certificates import RevocationList, RootKey
from smartcity_desktop.crypto.problems import Problem
from smartcity_desktop.crypto.trust import TrustState
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import records
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.trust import add_root, load_trust_state
from tests.conformance import generate
from tests.conformance.independent_writer import Bag

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


def _rows(bundle: Path, kind: str) -> list[dict[str, Any]]:
    with zipfile.ZipFile(bundle) as archive:
        names = [n for n in archive.namelist() if n.endswith(f"/data/records/{kind}.jsonl")]
        return [json.loads(line) for n in names for line in archive.read(n).splitlines()]


def _hold_own_records(ctx: AppContext) -> None:
    """The desa receiver's preparation (manifest ``receivers.desa``): the desa wrote, as its own
    final records, the rows of these bundles it signed. A desa does not import its own bundles, so
    it enters them through its record service under the rows' ids, which must give the rows'
    content hashes."""
    desa = MANIFEST["receivers"]["desa"]
    service = RecordService(ctx)
    for name in desa["holds"]:
        for kind in desa["holds_kinds"]:
            for row in _rows(VECTORS / name, kind):
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(records, "new_record_id", lambda rid=row["id"]: rid)
                    service.create(
                        RecordKind(kind), row["values"], finalise=True, author=row["author"]
                    )
                stored = service.get(RecordKind(kind), row["id"])
                assert (stored.office_code, stored.content_hash) == (
                    ctx.office.code,
                    row["content_hash"],
                )


@pytest.fixture
def receivers(
    kecamatan_ctx: AppContext,
    kabupaten_ctx: AppContext,
    desa_ctx: AppContext,
) -> dict[str, AppContext]:
    offices = {"kecamatan": kecamatan_ctx, "kabupaten": kabupaten_ctx, "desa": desa_ctx}
    for name, ctx in offices.items():
        described = MANIFEST["receivers"][name]
        assert (ctx.office.code, ctx.office.role) == (described["office_code"], described["role"])
        add_root(ctx, VECTORS / MANIFEST["root_key"])
    _hold_own_records(desa_ctx)
    return offices


def _in_force(ctx: AppContext, regency: str) -> dict[str, Any] | None:
    current: RevocationList | None = next(
        (r for r in load_trust_state(ctx).revocations if r.regency_code == regency), None
    )
    if current is None:
        return None
    return {
        "regency_code": current.regency_code,
        "version": current.version,
        "revoked": [
            {
                "office_code": e.office_code,
                "key_id": e.key_id,
                "revoked_after_sequence": e.revoked_after_sequence,
            }
            for e in current.entries
        ],
    }


def test_import_gives_the_expected_outcome(receivers: dict[str, AppContext]) -> None:
    """Valid and import-stage vectors, one after another into the same offices (each has its own
    sequence number and record ids)."""
    done: list[str] = []
    for entry in ENTRIES:
        if entry["verdict"] == "invalid" and entry["stage"] == "verify":
            continue
        ctx = receivers[entry.get("receiver", "kecamatan")]
        assert set(entry.get("after", [])) <= set(done), entry["file"]
        (report,) = import_files(ctx, [VECTORS / entry["file"]], receipts=False)
        done.append(entry["file"])
        codes = [f.code for f in report.findings]
        expected_code = entry.get("import_code") or (
            entry["code"] if entry["verdict"] == "invalid" else None
        )
        if expected_code is None:
            assert report.status == "imported", (entry["file"], codes, report.findings)
            assert codes == entry.get("import_notes", []), (entry["file"], report.findings)
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
        if "revocation_in_force" in entry:
            expected = entry["revocation_in_force"]
            assert _in_force(ctx, expected["regency_code"]) == expected, entry["file"]


def _retired_key_bundle(sequence: int) -> Bag:
    return Bag(
        office=generate.KECAMATAN,
        role="kecamatan",
        key=generate.RETIRED_KECAMATAN_KEY,
        certificate=generate.certificate(generate.KECAMATAN, key=generate.RETIRED_KECAMATAN_KEY),
        sequence=sequence,
        created=generate.CREATED,
        records={"review": []},
    )


def test_the_carried_list_judges_the_bundles_after_it(
    receivers: dict[str, AppContext], tmp_path: Path
) -> None:
    """Once the desa installed the list a feedback bundle carried, a bundle its retired key signed
    after the revocation point is refused there; one at the point still imports."""
    desa = receivers["desa"]
    (installing,) = [
        e for e in ENTRIES if "revocation.carried_installed" in e.get("import_notes", [])
    ]
    past_point = _retired_key_bundle(generate.RETIRED_AFTER_SEQUENCE + 1).write(tmp_path / "a.scb")
    assert import_files(desa, [past_point], dry_run=True)[0].status == "dry-run"

    (report,) = import_files(desa, [VECTORS / installing["file"]], receipts=False)
    assert report.status == "imported", report.findings

    (refused,) = import_files(desa, [past_point], receipts=False)
    assert refused.status == "refused"
    assert [f.code for f in refused.findings] == ["trust.revoked"]
    at_point = _retired_key_bundle(generate.RETIRED_AFTER_SEQUENCE).write(tmp_path / "b.scb")
    (accepted,) = import_files(desa, [at_point], receipts=False)
    assert accepted.status == "imported", accepted.findings
