"""Hostile bundles signed by a trusted office: what one office must never do to another's data."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from smartcity_desktop.bundles.writer import AttachmentFile, Sender, write_bundle
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.services import trust
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files, importer, verify_files
from smartcity_desktop.services.exchange import rows as exchange_rows
from smartcity_desktop.services.office import unlock_key
from smartcity_desktop.services.records import RecordService
from tests.conftest import PASSPHRASE, copy_office
from tests.services.test_exchange import _exported_rows, _forge, export, one, pin, state
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready

VILLAGE_B = "32.16.01.2002"


@pytest.fixture
def village_b(office_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    """A second village of the same kecamatan, with a key of its own."""
    ctx = open_context(copy_office(office_templates, "desa", tmp_path / "desa-b"))
    with ctx.db.transaction() as s:
        s.execute(text("UPDATE office_identity SET code = :c"), {"c": VILLAGE_B})
    ctx.forget_office()
    trust.rotate_key(ctx, PASSPHRASE)
    yield ctx
    ctx.close()


def _rehash(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    row["content_hash"] = content_hash(
        kind,
        row["id"],
        row["office_code"],
        row["revision"],
        "final",
        row["deleted"],
        row["values"],
    )
    return row


def _forge_with(
    ctx: AppContext,
    folder: Path,
    rows: dict[str, list[dict[str, Any]]],
    *,
    sequence: int = 1,
    attachments: tuple[AttachmentFile, ...] = (),
    forwarded: tuple[Path, ...] = (),
) -> Path:
    written = write_bundle(
        folder / f"forged-{ctx.office.code}-{sequence}.scb",
        sender=Sender(ctx.office.code, ctx.office.role, unlock_key(ctx, PASSPHRASE)),
        sequence=sequence,
        records=rows,
        app_version="test",
        schema_version=SCHEMA_VERSION,
        attachments=attachments,
        forwarded=forwarded,
    )
    return written.paths[0]


def _victim_problem(victim: AppContext, receiver: AppContext, folder: Path) -> str:
    """A finalised problem of ``victim``, already imported by ``receiver``."""
    record_id = RecordService(victim).create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    pin(receiver, victim)
    assert one(import_files(receiver, [export(victim, folder, "victim.scb")])).status == "imported"
    return record_id


def test_an_attachment_row_cannot_hang_a_photo_on_another_offices_record(
    desa_ctx: AppContext, village_b: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    victim_id = _victim_problem(village_b, kecamatan_ctx, tmp_path)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not the victim's photo")
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    values = {
        "record_kind": "problem",
        "record_id": victim_id,
        "sha256": sha,
        "filename": "bukti.jpg",
        "media_type": "image/jpeg",
        "size": photo.stat().st_size,
        "width": None,
        "height": None,
        "caption": "Foto dari desa lain",
    }
    row = _rehash(
        "attachment",
        {
            "id": str(uuid.uuid4()),
            "office_code": desa_ctx.office.code,
            "revision": 1,
            "status": "final",
            "deleted": False,
            "content_hash": "",
            "created_at": "2026-01-01T00:00:00.000000Z",
            "updated_at": "2026-01-01T00:00:00.000000Z",
            "author": "Operator Uji",
            "values": values,
            "sha256": sha,
        },
    )
    bundle = _forge_with(
        desa_ctx, tmp_path, {"attachment": [row]}, attachments=(AttachmentFile(sha, photo),)
    )
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["record.foreign_reference"]
    assert state(kecamatan_ctx) == before
    assert AttachmentService(kecamatan_ctx).for_record(victim_id) == []


def test_a_proposal_cannot_link_a_sibling_villages_record(
    desa_ctx: AppContext, village_b: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    victim_id = _victim_problem(village_b, kecamatan_ctx, tmp_path)
    service = RecordService(desa_ctx)
    own = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    from smartcity_desktop.services.sample_data import SampleRequest, generate

    generate(desa_ctx, SampleRequest(problems=1, potentials=1, proposals=1, photos=0, seed=3))
    rows = _exported_rows(desa_ctx, tmp_path)
    proposal = rows["proposal"][0]
    proposal["values"]["problem_ids"] = sorted([own, victim_id])
    _rehash("proposal", proposal)
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, sequence=2)]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["record.foreign_reference"]
    assert state(kecamatan_ctx) == before
    # linking its own records (and records not known here yet) stays allowed
    proposal["values"]["problem_ids"] = sorted([own, str(uuid.uuid4())])
    _rehash("proposal", proposal)
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, sequence=3)]))
    assert report.status == "imported"


def test_an_id_already_used_by_another_kind_is_refused(
    desa_ctx: AppContext, village_b: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    """Same id in another table: the search index is keyed by id, so such a row would first stay
    unsearchable and, on its next revision, take the other office's record out of search."""
    victim_id = _victim_problem(village_b, kecamatan_ctx, tmp_path)
    from smartcity_desktop.services.sample_data import SampleRequest, generate

    generate(desa_ctx, SampleRequest(problems=0, potentials=1, proposals=0, photos=0, seed=4))
    rows = _exported_rows(desa_ctx, tmp_path)
    potential = rows["potential"][0]
    potential["id"] = victim_id
    _rehash("potential", potential)
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, sequence=2)]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["record.id_collision"]
    assert state(kecamatan_ctx) == before
    title = PROBLEM["title"]
    assert ("problem", victim_id) in RecordService(kecamatan_ctx).search(title)


def test_a_bundle_carrying_forwarded_bundles_imports_them_whole(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """Once refused (only the outer rows could be imported); now the nested village bundle is
    imported with the outer one, in one transaction, and is "already imported" when it comes
    directly afterwards."""
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    village_bundle = export(desa_ctx, tmp_path, "desa.scb")
    RecordService(kecamatan_ctx).create(
        RecordKind.PROBLEM, {**PROBLEM, "title": "Masalah kecamatan"}, finalise=True
    )
    rows = _exported_rows(kecamatan_ctx, tmp_path)
    outer = _forge_with(kecamatan_ctx, tmp_path, rows, sequence=2, forwarded=(village_bundle,))
    pin(kabupaten_ctx, kecamatan_ctx)
    pin(kabupaten_ctx, desa_ctx)
    before = state(kabupaten_ctx)
    checked = one(verify_files(kabupaten_ctx, [outer]))
    assert checked.status == "verified", checked.findings
    assert [n.status for n in checked.forwarded] == ["verified"]
    assert state(kabupaten_ctx) == before
    report = one(import_files(kabupaten_ctx, [outer]))
    assert report.status == "imported", report.findings
    assert [n.status for n in report.forwarded] == ["imported"]
    offices = {r.office_code for r in RecordService(kabupaten_ctx).records(RecordKind.PROBLEM)}
    assert offices == {desa_ctx.office.code, kecamatan_ctx.office.code}
    assert one(import_files(kabupaten_ctx, [village_bundle])).status == "already"


def test_a_sequence_number_beyond_the_ledgers_range_is_refused(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    sequence = 2**63
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    rows = _exported_rows(desa_ctx, tmp_path)
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    started = time.monotonic()
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, sequence)]))
    assert time.monotonic() - started < 10
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["ledger.sequence_out_of_range"]
    assert state(kecamatan_ctx) == before


def test_gaps_are_listed_without_walking_every_number(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    rows = _exported_rows(desa_ctx, tmp_path)
    pin(kecamatan_ctx, desa_ctx)
    started = time.monotonic()
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, 10**12)]))
    assert time.monotonic() - started < 10
    assert report.status == "imported"
    assert report.missing_sequences == list(range(1, 101))


def test_a_stick_pulled_while_importing_is_a_refusal_not_a_crash(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    bundle = export(desa_ctx, tmp_path, "1.scb")
    other = tmp_path / "other"
    other.mkdir()
    RecordService(desa_ctx).create(RecordKind.PROBLEM, {**PROBLEM, "title": "Kedua"}, finalise=True)
    second = export(desa_ctx, other, "2.scb")
    pin(kecamatan_ctx, desa_ctx)
    original = exchange_rows.write

    def write_then_pull(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        bundle.unlink()  # the stick is gone before the import finished

    monkeypatch.setattr(importer, "write", write_then_pull)
    before = state(kecamatan_ctx)
    reports = import_files(kecamatan_ctx, [bundle])
    assert one(reports).status == "refused" and reports[0].findings
    assert state(kecamatan_ctx) == before
    monkeypatch.setattr(importer, "write", original)
    assert one(import_files(kecamatan_ctx, [second])).status == "imported"


def test_a_full_disk_while_joining_parts_is_a_refusal_not_a_crash(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from smartcity_desktop.services.exchange import export_bundle
    from smartcity_desktop.services.sample_data import SampleRequest, generate

    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, photos=3, seed=1))
    result = export_bundle(desa_ctx, PASSPHRASE, tmp_path / "d.scb", max_part_size=64 * 1024)
    assert len(result.paths) > 1
    pin(kecamatan_ctx, desa_ctx)

    def no_space(paths: Any, folder: Path) -> Path:
        (folder / "half-written.scb").write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "half-written.scb"))

    monkeypatch.setattr(importer, "assemble_parts", no_space)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, list(result.paths)))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["storage.disk_full"]
    assert state(kecamatan_ctx) == before


def test_a_pinned_key_that_was_never_certified_can_be_revoked(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """A lost laptop whose key was only pinned: the regency must be able to stop it too."""
    from smartcity_desktop.services.office import active_key_row

    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    pin(kabupaten_ctx, desa_ctx)
    assert one(import_files(kabupaten_ctx, [export(desa_ctx, tmp_path, "1.scb")])).ok
    RecordService(desa_ctx).create(
        RecordKind.PROBLEM, {**PROBLEM, "title": "Dicuri"}, finalise=True
    )
    stolen = export(desa_ctx, tmp_path, "2.scb")
    key_id = active_key_row(desa_ctx).key_id
    trust.revoke_office(
        kabupaten_ctx, PASSPHRASE, desa_ctx.office.code, tmp_path / "rev.json", key_id=key_id
    )
    report = one(import_files(kabupaten_ctx, [stolen]))
    assert [f.code for f in report.findings] == ["trust.revoked"]


def test_a_photo_sent_ahead_for_another_offices_record_never_shows_on_it(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """A photo row may arrive before its record (bundles come out of order); when the record
    arrives and belongs to another office, the photo is not shown with it."""
    from smartcity_desktop.services.attachments import AttachmentService

    service = RecordService(desa_ctx)
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    with kabupaten_ctx.db.transaction() as s:  # a foreign photo row already points at it
        s.execute(
            text(
                "INSERT INTO attachment (id, office_code, revision, status, deleted, content_hash, "
                "created_at, updated_at, author, record_kind, record_id, sha256, filename, "
                "media_type, size) VALUES ('a1', '32.16.01.2002', 1, 'final', :no, 'h', "
                "'2026-01-01', '2026-01-01', 'x', 'problem', :rid, :sha, 'x.jpg', 'image/jpeg', 1)"
            ),
            {"rid": record_id, "sha": "0" * 64, "no": False},
        )
        s.execute(
            text(
                "INSERT INTO problem (id, office_code, revision, status, deleted, content_hash, "
                "created_at, updated_at, author, title) VALUES (:rid, '32.16.01.2001', 1, 'final', "
                ":no, 'h', '2026-01-01', '2026-01-01', 'x', 'Banjir')"
            ),
            {"rid": record_id, "no": False},
        )
    assert AttachmentService(kabupaten_ctx).for_record(record_id) == []


def test_a_bundle_claiming_too_many_rows_is_refused_before_reading(
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    RecordService(desa_ctx).create(RecordKind.PROBLEM, {**PROBLEM, "title": "Dua"}, finalise=True)
    bundle = export(desa_ctx, tmp_path, "1.scb")
    pin(kecamatan_ctx, desa_ctx)
    monkeypatch.setattr(exchange_rows, "MAX_ROWS_PER_BUNDLE", 1)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert [f.code for f in report.findings] == ["record.too_many"]
    assert state(kecamatan_ctx) == before
