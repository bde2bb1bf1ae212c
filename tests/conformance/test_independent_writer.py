"""A bundle written from docs/bundle-format.md alone (standard library and ``cryptography``, none
of the application's writer, canonical JSON or hashing helpers) is imported by the application."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.trust import add_root
from tests.conformance import generate
from tests.conformance.independent_writer import Bag, make_row, root_key_document

HERE = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_writer_and_generator_use_only_the_standard_library_and_cryptography() -> None:
    for name in ("independent_writer.py", "generate.py"):
        modules = _imported_modules(HERE / name)
        foreign = {
            m
            for m in modules
            if m not in sys.stdlib_module_names and m not in {"cryptography", "independent_writer"}
        }
        assert not foreign, (name, foreign)
        assert "smartcity_desktop" not in modules


def test_application_imports_a_bundle_written_from_the_document(
    kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    root_file = tmp_path / "root.json"
    root_file.write_bytes(
        generate.canonical_json(root_key_document(generate.ROOT, "32.16", "2026-01-01T00:00:00Z"))
    )
    add_root(kecamatan_ctx, root_file)

    ids = [generate.record_id("independent", n) for n in range(3)]
    rows = [
        make_row(
            "problem",
            record_id=ids[0],
            office=generate.DESA,
            values=generate.problem_values(
                title="Sumur warga tercemar — air keruh",  # non-ASCII, written as UTF-8
                latitude=-6.1,
                longitude=107.0,
                affected_count=None,
            ),
            revision=3,
            author="Siti Aminah",
        ),
        make_row(
            "problem",
            record_id=ids[1],
            office=generate.DESA,
            values=generate.problem_values(title="Data lama", severity="ringan"),
            revision=2,
            deleted=True,
        ),
    ]
    proposal = make_row(
        "proposal",
        record_id=ids[2],
        office=generate.DESA,
        values={
            **generate.proposal_values(ids[0], ids[0]),
            "potential_ids": [],
            "volume": 12.5,
        },
    )
    bundle = Bag(
        office=generate.DESA,
        role="desa",
        key=generate.KEYS[generate.DESA],
        certificate=generate.certificate(generate.DESA),
        sequence=7,
        created="2026-06-02T09:30:00Z",
        records={"problem": rows, "proposal": [proposal], "potential": []},
        deflate=True,
    ).write(tmp_path / "independent.scb")

    (report,) = import_files(kecamatan_ctx, [bundle], receipts=False)

    assert report.status == "imported", report.findings
    assert report.trust_level == "certified"
    assert sorted((o.kind, o.action) for o in report.outcomes) == [
        ("problem", "new"),
        ("problem", "new"),
        ("proposal", "new"),
    ]
    service = RecordService(kecamatan_ctx)
    stored = service.get(RecordKind.PROBLEM, ids[0])
    assert stored.values["title"] == "Sumur warga tercemar — air keruh"
    assert stored.revision == 3 and stored.content_hash == rows[0]["content_hash"]
    assert service.get(RecordKind.PROBLEM, ids[1]).deleted
    assert service.get(RecordKind.PROPOSAL, ids[2]).values["problem_ids"] == [ids[0]]
