"""The shipped JSON Schemas of bundle rows are what the field declarations generate, and they
accept every row of a real full export (photos and tombstones included)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.row_schemas import KINDS, dumps, file_name, row_schemas
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready

SHIPPED = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def _validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SHIPPED / file_name(kind)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_shipped_schemas_equal_the_generated_ones() -> None:
    generated = row_schemas()
    assert (
        set(generated) == set(KINDS) == {"problem", "potential", "proposal", "attachment", "review"}
    )
    shipped = {p.name for p in SHIPPED.glob("*.schema.json")}
    assert shipped == {file_name(kind) for kind in KINDS}
    for kind, schema in generated.items():
        assert (SHIPPED / file_name(kind)).read_text(encoding="utf-8") == dumps(schema), (
            f"docs/schemas/{file_name(kind)} is stale: run tools/generate_row_schemas.py"
        )


def _export_rows(ctx: AppContext, folder: Path) -> dict[str, list[dict[str, Any]]]:
    result = export_bundle(ctx, PASSPHRASE, folder, full=True)
    rows: dict[str, list[dict[str, Any]]] = {}
    with zipfile.ZipFile(result.paths[0]) as archive:
        for name in archive.namelist():
            if "/data/records/" in name:
                kind = name.rsplit("/", 1)[1].removesuffix(".jsonl")
                rows[kind] = [json.loads(line) for line in archive.read(name).splitlines()]
    return rows


def test_schemas_accept_every_row_of_a_full_sample_export(
    desa_ctx: AppContext, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=20, potentials=10, proposals=20, photos=4, seed=7))
    records = RecordService(desa_ctx)
    problem = records.records(RecordKind.PROBLEM)[0]
    records.delete(RecordKind.PROBLEM, problem.id)  # a tombstone travels too
    attachments = AttachmentService(desa_ctx)
    photo = next(
        info
        for kind in RecordKind
        for record in records.records(kind)
        for info in attachments.for_record(record.id)
    )
    attachments.remove(photo.id)

    rows = _export_rows(desa_ctx, tmp_path)
    assert set(rows) == set(KINDS) - {"review"}  # a desa reviews nobody: no review file
    assert len(rows["problem"]) == 20 and len(rows["proposal"]) == 20
    assert any(r["deleted"] for r in rows["problem"])
    assert any(r["deleted"] and "sha256" not in r for r in rows["attachment"])
    assert any(not r["deleted"] for r in rows["attachment"])
    for kind, items in rows.items():
        validator = _validator(kind)
        for row in items:
            errors = [e.message for e in validator.iter_errors(row)]
            assert not errors, (kind, row["id"], errors)


def test_the_review_schema_accepts_every_review_a_kecamatan_sends(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.review import Decision, review_record, verify_village
    from tests.services.review_helpers import ids, send

    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=1, photos=0, seed=3))
    send(desa_ctx, kecamatan_ctx, tmp_path / "up", "desa.scb")
    [first, second] = ids(kecamatan_ctx, RecordKind.PROBLEM)
    [proposal] = ids(kecamatan_ctx, RecordKind.PROPOSAL)
    review_record(kecamatan_ctx, first, Decision("diterima", comment="Sesuai"))
    review_record(kecamatan_ctx, second, Decision("digabung", reason="duplikat", merge_into=first))
    review_record(kecamatan_ctx, proposal, Decision("dialihkan", reason="di_luar_kewenangan_desa",
                                                    redirect_level="kabupaten", priority=1))  # fmt: skip
    verify_village(kecamatan_ctx, desa_ctx.office.code, "diterima")
    (tmp_path / "kec").mkdir()
    rows = _export_rows(kecamatan_ctx, tmp_path / "kec")
    assert len(rows["review"]) == 4
    validator = _validator("review")
    for row in rows["review"]:
        errors = [e.message for e in validator.iter_errors(row)]
        assert not errors, (row["values"], errors)


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda r: r["values"].update(colour="red"), "colour"),
        (lambda r: r["values"].pop("urusan"), "urusan"),
        (lambda r: r["values"].update(dimension="governance"), "sub_element"),
        (lambda r: r["values"].update(latitude=-6.2, longitude=None), "longitude"),
        (lambda r: r["values"].update(severity="parah"), "severity"),
        (lambda r: r["values"].update(title=" Judul"), "title"),
        (lambda r: r["values"].update(since_date="20260102"), "since_date"),
        (lambda r: r.update(status="draft"), "status"),
        (lambda r: r.update(extra=1), "extra"),
    ],
)
def test_schemas_refuse_what_the_import_refuses(edit: Any, where: str) -> None:
    row = {
        "id": "0b7c2f8e-6d1a-4c3e-9f00-1a2b3c4d5e6f",
        "office_code": "32.16.01.2001",
        "revision": 1,
        "status": "final",
        "deleted": False,
        "author": "Siti",
        "created_at": "2026-05-01T08:00:00.000000Z",
        "updated_at": "2026-05-01T08:00:00Z",
        "content_hash": "0" * 64,
        "values": {
            "title": "Jalan desa rusak",
            "description": "Berlubang.\nSepanjang 2 km.",
            "causes": None,
            "dimension": "living",
            "sub_element": "kesehatan",
            "urusan": None,
            "location_detail": None,
            "latitude": None,
            "longitude": None,
            "since_date": "2025-11-30",
            "affected_count": 120,
            "affected_unit": None,
            "severity": "sedang",
            "info_source": None,
        },
    }
    validator = _validator("problem")
    assert not list(validator.iter_errors(row))
    edit(row)
    errors = list(validator.iter_errors(row))
    assert errors
    assert any(where in json.dumps([list(e.absolute_path), e.message]) for e in errors), [
        e.message for e in errors
    ]
