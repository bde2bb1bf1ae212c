"""Export and import between real offices: trust, ledger, revisions, conflicts, hostile input."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from smartcity_desktop.bundles.writer import Sender, write_bundle
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services import trust
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import (
    BundleReport,
    export_bundle,
    import_files,
    ledger,
    pending_counts,
    verify_files,
)
from smartcity_desktop.services.office import office_fingerprint, unlock_key
from smartcity_desktop.services.raw_sql import qmark_query
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust_state import read_trust_state
from smartcity_desktop.storage.db_blobs import BLOB_TABLE, database_holds_blobs
from smartcity_desktop.storage.models import BundleLedger, IssuedCertificate, RecordConflict
from tests.conftest import PASSPHRASE
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready


def pin(receiver: AppContext, sender: AppContext) -> None:
    trust.pin_office(receiver, sender.office.code, office_fingerprint(sender))


def export(ctx: AppContext, folder: Path, name: str, **kw: Any) -> Path:
    result = export_bundle(ctx, PASSPHRASE, folder / name, **kw)
    return result.paths[0]


def one(reports: list[BundleReport]) -> BundleReport:
    assert len(reports) == 1
    return reports[0]


def state(ctx: AppContext) -> tuple[Any, ...]:
    """Everything an import may touch, to prove a refused import changed nothing."""
    with ctx.db.session() as s:
        tables = [
            s.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all()
            for t in (
                "problem",
                "potential",
                "proposal",
                "attachment",
                "proposal_link",
                "bundle_ledger",
                "record_conflict",
            )
        ]
    blobs = sorted(p.name for p in ctx.paths.attachments.rglob("*") if p.is_file())
    if database_holds_blobs(ctx.db.engine):  # PostgreSQL: the photos themselves are rows
        with ctx.db.session() as s:
            blobs += [
                f"db:{sha}"
                for sha in s.scalars(text(f"SELECT sha256 FROM {BLOB_TABLE} ORDER BY 1"))
            ]
    staging = (
        sorted(p.name for p in ctx.paths.staging.rglob("*")) if ctx.paths.staging.exists() else []
    )
    return (*map(tuple, tables), tuple(blobs), tuple(staging))


@pytest.fixture
def desa_with_data(desa_ctx: AppContext) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=6, potentials=3, proposals=4, photos=2, seed=5))
    return desa_ctx


def test_a_village_bundle_reaches_its_kecamatan_marked_locally_trusted(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec = desa_with_data, kecamatan_ctx
    assert pending_counts(desa) == {"problem": 6, "potential": 3, "proposal": 4, "attachment": 2}
    bundle = export(desa, tmp_path, "desa.scb")
    assert pending_counts(desa) == {"problem": 0, "potential": 0, "proposal": 0, "attachment": 0}

    refused = one(verify_files(kec, [bundle]))
    assert refused.status == "refused" and "trust.unknown_office" in [
        f.code for f in refused.findings
    ]

    pin(kec, desa)
    checked = one(verify_files(kec, [bundle]))
    assert checked.status == "verified" and checked.trust_level == "locally_trusted"
    report = one(import_files(kec, [bundle]))
    assert report.status == "imported"
    assert report.action_counts() == {
        "new": 15,
        "updated": 0,
        "unchanged": 0,
        "older": 0,
        "conflict": 0,
    }
    assert report.receipt is not None and report.receipt.is_file()
    received = RecordService(kec).records(RecordKind.PROPOSAL)
    original = RecordService(desa).records(RecordKind.PROPOSAL)
    assert [(r.id, r.values, r.content_hash) for r in received] == [
        (r.id, r.values, r.content_hash) for r in original
    ]
    with kec.db.session() as s:
        assert s.scalar(text("SELECT DISTINCT trust_level FROM problem")) == "locally_trusted"
    photos = [p for p in kec.paths.attachments.rglob("*") if p.is_file()]
    assert len(photos) == 2
    # imported rows are read-only here and are not "unsent changes" of the kecamatan
    assert pending_counts(kec)["problem"] == 0


def test_certification_makes_bundles_certified(
    desa_with_data: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kab = desa_with_data, kabupaten_ctx
    trust.export_root(kab, tmp_path / "root.json")
    trust.add_root(desa, tmp_path / "root.json")
    trust.write_request(desa, PASSPHRASE, tmp_path / "desa.req")
    cert = trust.certify_request(kab, PASSPHRASE, tmp_path / "desa.req", tmp_path / "desa.cert", 30)
    assert cert.office_code == desa.office.code
    trust.install_certificate(desa, tmp_path / "desa.cert")
    report = one(import_files(kab, [export(desa, tmp_path, "b.scb")]))
    assert report.status == "imported" and report.trust_level == "certified"


def test_a_damaged_issued_certificate_is_skipped_and_new_ones_count_in_the_same_process(
    desa_with_data: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """The issued certificates are parsed once per process (one import reads the trust state once
    per bundle): a damaged row still proves nothing, and one issued later is read at once."""
    desa, kab = desa_with_data, kabupaten_ctx

    def issued() -> int:
        with kab.db.session() as s:
            return len(read_trust_state(qmark_query(s)).issued_for(desa.office.code))

    with kab.db.transaction() as s:
        s.add(
            IssuedCertificate(
                serial="damaged", office_code=desa.office.code, key_id="x" * 16,
                issued_at=kab.clock(), certificate="{not json",
            )
        )  # fmt: skip
    assert issued() == 0
    trust.export_root(kab, tmp_path / "root.json")
    trust.add_root(desa, tmp_path / "root.json")
    trust.write_request(desa, PASSPHRASE, tmp_path / "desa.req")
    trust.certify_request(kab, PASSPHRASE, tmp_path / "desa.req", tmp_path / "desa.cert")
    assert issued() == 1
    trust.install_certificate(desa, tmp_path / "desa.cert")
    report = one(import_files(kab, [export(desa, tmp_path, "b.scb")]))
    assert report.status == "imported" and report.trust_level == "certified"


def test_the_same_bundle_twice_writes_nothing_even_rezipped(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    bundle = export(desa_with_data, tmp_path, "a.scb")
    assert one(import_files(kecamatan_ctx, [bundle])).status == "imported"
    before = state(kecamatan_ctx)
    rezipped = tmp_path / "rezipped.scb"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(rezipped, "w") as dst:
        for info in reversed(src.infolist()):  # other order, other compression
            dst.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_STORED)
    assert (
        hashlib.sha256(rezipped.read_bytes()).digest()
        != hashlib.sha256(bundle.read_bytes()).digest()
    )
    for again in (bundle, rezipped):
        report = one(import_files(kecamatan_ctx, [again]))
        assert report.status == "already" and report.ok
    assert state(kecamatan_ctx) == before


def test_revisions_decide_and_bundles_may_arrive_out_of_order(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    service = RecordService(desa_ctx)
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    first = export(desa_ctx, tmp_path, "1.scb")
    service.update(RecordKind.PROBLEM, record_id, {**PROBLEM, "severity": "sedang"})
    second = export(desa_ctx, tmp_path, "2.scb")
    service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Jalan rusak"}, finalise=True)
    third = export(desa_ctx, tmp_path, "3.scb")
    pin(kecamatan_ctx, desa_ctx)

    r3 = one(import_files(kecamatan_ctx, [third]))
    assert r3.missing_sequences == [1, 2]
    r2 = one(import_files(kecamatan_ctx, [second]))
    assert r2.action_counts()["new"] == 1 and r2.missing_sequences == [1]
    r1 = one(import_files(kecamatan_ctx, [first]))
    assert r1.action_counts()["older"] == 1 and r1.missing_sequences == []
    record = RecordService(kecamatan_ctx).get(RecordKind.PROBLEM, record_id)
    assert record.revision == 2 and record.values["severity"] == "sedang"


def test_deletions_travel_as_tombstones(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "1.scb")])
    from smartcity_desktop.services.attachments import AttachmentService

    victim = RecordService(desa_with_data).records(RecordKind.POTENTIAL)[0]
    photos = len(AttachmentService(desa_with_data).for_record(victim.id))
    RecordService(desa_with_data).delete(RecordKind.POTENTIAL, victim.id)
    report = one(import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "2.scb")]))
    assert report.action_counts()["updated"] == 1 + photos  # its photos are deleted with it
    assert RecordService(kecamatan_ctx).get(RecordKind.POTENTIAL, victim.id).deleted
    assert RecordService(kecamatan_ctx).counts()["potential"] == 2


def test_dry_run_shows_each_action_and_writes_nothing(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    bundle = export(desa_with_data, tmp_path, "1.scb")
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle], dry_run=True))
    assert report.status == "dry-run" and report.action_counts()["new"] == 15
    assert {o.title for o in report.outcomes if o.kind == "problem"}
    assert state(kecamatan_ctx) == before


def test_same_revision_with_other_content_is_kept_as_a_conflict(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    service = RecordService(desa_ctx)
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    pin(kecamatan_ctx, desa_ctx)
    import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "1.scb")])
    # A restored backup at the village edits revision 1 again: same revision, other content.
    with desa_ctx.db.transaction() as s:
        s.execute(text("UPDATE problem SET severity = 'ringan', sent_revision = NULL"))
    from smartcity_desktop.domain.records import content_hash

    record = service.get(RecordKind.PROBLEM, record_id)
    with desa_ctx.db.transaction() as s:
        s.execute(
            text("UPDATE problem SET content_hash = :h"),
            {
                "h": content_hash(
                    "problem", record.id, record.office_code, 1, "final", False, record.values
                )
            },
        )
    report = one(import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "2.scb")]))
    assert report.action_counts()["conflict"] == 1
    with kecamatan_ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(RecordConflict)) == 1
    assert (
        RecordService(kecamatan_ctx).get(RecordKind.PROBLEM, record_id).values["severity"]
        == "berat"
    )


def test_a_reused_sequence_number_with_other_content_is_refused(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    service = RecordService(desa_ctx)
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    first = export(desa_ctx, tmp_path, "1.scb")
    with desa_ctx.db.transaction() as s:  # as if someone else signed with the same key
        s.execute(text("DELETE FROM bundle_export"))
    (desa_ctx.paths.root / "bundle-numbers.json").unlink()  # the number kept outside it too
    service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Lain"}, finalise=True)
    forged = export(desa_ctx, tmp_path, "1b.scb")
    pin(kecamatan_ctx, desa_ctx)
    assert one(import_files(kecamatan_ctx, [first])).status == "imported"
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [forged]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["ledger.sequence_reused"]
    assert "kuncinya dicuri" in report.findings[0].message
    assert state(kecamatan_ctx) == before


@pytest.mark.parametrize("damage", ["flip_photo_bit", "truncate", "random"])
def test_damaged_files_are_refused_without_a_trace(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, damage: str
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    bundle = export(desa_with_data, tmp_path, "1.scb")
    data = bytearray(bundle.read_bytes())
    if damage == "flip_photo_bit":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[len(data) * 2 // 3 :]
    else:
        data[:] = hashlib.sha256(b"x").digest() * 100
    bundle.write_bytes(bytes(data))
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert report.status == "refused" and report.findings
    assert state(kecamatan_ctx) == before


def test_others_still_import_when_one_is_refused(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    good = export(desa_with_data, tmp_path, "good.scb")
    bad = tmp_path / "bad.scb"
    bad.write_bytes(b"%PDF-1.4 not a bundle")
    reports = import_files(kecamatan_ctx, [bad, good, tmp_path / "missing.scb"])
    assert [r.status for r in reports] == ["refused", "imported", "refused"]
    assert reports[2].findings[0].code == "io.missing"


def test_parts_in_any_order_and_a_missing_part_is_named(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    out = tmp_path / "parts"
    out.mkdir()
    result = export_bundle(desa_with_data, PASSPHRASE, out / "desa.scb", max_part_size=200_000)
    parts = list(result.paths)
    assert len(parts) >= 3
    missing = one(import_files(kecamatan_ctx, parts[:1] + parts[2:]))
    assert missing.status == "refused" and parts[1].name in missing.findings[0].message
    report = one(import_files(kecamatan_ctx, list(reversed(parts))))
    assert report.status == "imported"
    assert not any(kecamatan_ctx.paths.staging.iterdir())


def test_bundles_outside_the_receivers_scope_are_refused(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    bundle = export(desa_with_data, tmp_path, "1.scb")
    assert one(import_files(desa_with_data, [bundle])).findings[0].code == "scope.own_bundle"
    with kecamatan_ctx.db.transaction() as s:  # pretend this is another kecamatan
        s.execute(text("UPDATE office_identity SET code = '32.16.02'"))
    kecamatan_ctx.forget_office()
    pin(kecamatan_ctx, desa_with_data)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert [f.code for f in report.findings] == ["scope.not_for_us"]


def _forge(
    ctx: AppContext, folder: Path, rows: dict[str, list[dict[str, Any]]], sequence: int = 1
) -> Path:
    key = unlock_key(ctx, PASSPHRASE)
    written = write_bundle(
        folder / f"forged-{sequence}.scb",
        sender=Sender(ctx.office.code, ctx.office.role, key),
        sequence=sequence,
        records=rows,
        app_version="test",
        schema_version=SCHEMA_VERSION,
    )
    return written.paths[0]


def _exported_rows(ctx: AppContext, folder: Path) -> dict[str, list[dict[str, Any]]]:
    import json

    bundle = export(ctx, folder, "source.scb")
    rows: dict[str, list[dict[str, Any]]] = {}
    with zipfile.ZipFile(bundle) as z:
        for name in z.namelist():
            if "/data/records/" in name:
                kind = name.rsplit("/", 1)[1].removesuffix(".jsonl")
                rows[kind] = [json.loads(line) for line in z.read(name).splitlines()]
    return rows


@pytest.mark.parametrize(
    "tamper", ["hash", "invalid_value", "draft", "unknown_kind", "extra_field"]
)
def test_signed_but_invalid_rows_are_refused(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, tamper: str
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    rows = _exported_rows(desa_ctx, tmp_path)
    row = rows["problem"][0]
    if tamper == "hash":
        row["values"]["title"] = "Diubah di jalan"
    elif tamper == "invalid_value":
        row["values"]["latitude"], row["values"]["longitude"] = 48.8, 2.3
    elif tamper == "draft":
        row["status"] = "draft"
    elif tamper == "unknown_kind":
        rows["gossip"] = [{"office_code": desa_ctx.office.code, "text": "x"}]
    else:
        row["admin"] = True
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [_forge(desa_ctx, tmp_path, rows, sequence=5)]))
    assert report.status == "refused"
    assert report.findings[0].code in ("record.invalid", "record.unknown_kind")
    assert state(kecamatan_ctx) == before


def test_a_key_replaced_without_certification_is_refused(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    trust.rotate_key(desa_with_data, PASSPHRASE)
    report = one(import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "new-key.scb")]))
    assert [f.code for f in report.findings] == ["trust.pin_mismatch"]


def test_revocation_refuses_bundles_after_the_revocation_point(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kab = desa_ctx, kabupaten_ctx
    trust.export_root(kab, tmp_path / "root.json")
    trust.add_root(desa, tmp_path / "root.json")
    trust.write_request(desa, PASSPHRASE, tmp_path / "r.req")
    trust.certify_request(kab, PASSPHRASE, tmp_path / "r.req", tmp_path / "r.cert")
    trust.install_certificate(desa, tmp_path / "r.cert")
    service = RecordService(desa)
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    first = export(desa, tmp_path, "1.scb")
    assert one(import_files(kab, [first])).status == "imported"
    service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Setelah laptop hilang"}, finalise=True)
    stolen = export(desa, tmp_path, "2.scb")
    version = trust.revoke_office(kab, PASSPHRASE, desa.office.code, tmp_path / "revoked.json")
    assert version == 1
    report = one(import_files(kab, [stolen]))
    assert [f.code for f in report.findings] == ["trust.revoked"]
    # a kecamatan installing the list refuses it too, and an older list cannot come back
    trust.install_revocations(desa, tmp_path / "revoked.json")
    with pytest.raises(UserError):
        trust.install_revocations(desa, tmp_path / "root.json")


def test_a_full_disk_during_import_rolls_back_and_cleans_staging(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, small_disk: Path, tmp_path: Path
) -> None:
    import shutil

    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.storage.paths import DataPaths

    generate(desa_ctx, SampleRequest(problems=5, potentials=0, proposals=0, photos=30, seed=2))
    bundle = export(desa_ctx, tmp_path, "big.scb")
    kecamatan_ctx.close()
    target = small_disk / "kec"
    shutil.copytree(kecamatan_ctx.paths.root, target)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - bundle.stat().st_size // 3))
    ctx = open_context(DataPaths(target))
    try:
        pin(ctx, desa_ctx)
        from smartcity_desktop.storage.errors import DiskFullError

        before = state(ctx)
        try:
            report = one(import_files(ctx, [bundle]))
        except DiskFullError:
            pass  # no room even for the automatic backup made before any import: refused first
        else:
            assert report.status == "refused"
            assert report.findings[0].code == "storage.disk_full"
        assert state(ctx) == before
        assert not list((target / "backups").glob("*.partial"))
    finally:
        ctx.close()


def test_the_ledger_lists_imported_bundles(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    report = one(import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "1.scb")]))
    rows = ledger(kecamatan_ctx)
    assert len(rows) == 1 and rows[0]["content_hash"] == report.content_hash
    assert rows[0]["sequence"] == 1 and rows[0]["trust"] == "locally_trusted"
    with kecamatan_ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BundleLedger)) == 1


def test_nothing_to_export_is_said_plainly(desa_ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        export_bundle(desa_ctx, PASSPHRASE, tmp_path / "x.scb")
    assert err.value.code == "export.nothing"
    assert not (tmp_path / "x.scb").exists()
    full = export_bundle(desa_ctx, PASSPHRASE, tmp_path / "x.scb", full=True)
    assert full.paths[0].is_file()


def test_a_wrong_passphrase_exports_nothing(desa_with_data: AppContext, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError):
        export_bundle(desa_with_data, "salah-sandi-123", out / "x.scb")
    assert list(out.iterdir()) == []
    assert pending_counts(desa_with_data)["problem"] == 6


def test_drafts_never_leave_the_office(desa_ctx: AppContext, tmp_path: Path) -> None:
    service = RecordService(desa_ctx)
    service.create(RecordKind.PROBLEM, {"title": "draf"})
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    assert pending_counts(desa_ctx)["problem"] == 1
    assert len(service.records(RecordKind.PROBLEM, ListFilter())) == 2


def test_a_removed_photo_travels_as_a_tombstone_without_its_file(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.attachments import AttachmentService

    pin(kecamatan_ctx, desa_with_data)
    import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "1.scb")])
    service = AttachmentService(desa_with_data)
    with desa_with_data.db.session() as s:
        attachment_id = s.scalar(text("SELECT id FROM attachment LIMIT 1"))
    service.remove(attachment_id)
    second = export(desa_with_data, tmp_path, "2.scb")
    with zipfile.ZipFile(second) as z:
        assert not [n for n in z.namelist() if "/data/attachments/" in n]
    report = one(import_files(kecamatan_ctx, [second]))
    assert report.status == "imported" and report.action_counts()["updated"] == 1
    assert AttachmentService(kecamatan_ctx).count() == 1


def test_imported_records_are_searchable(
    desa_with_data: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    pin(kecamatan_ctx, desa_with_data)
    import_files(kecamatan_ctx, [export(desa_with_data, tmp_path, "1.scb")])
    source = RecordService(desa_with_data)
    target = RecordService(kecamatan_ctx)
    for kind in (RecordKind.PROBLEM, RecordKind.PROPOSAL):
        title = source.records(kind)[0].title
        assert set(target.search(title, kind)) == set(source.search(title, kind))


def test_rotation_keeps_old_bundles_valid_and_needs_a_new_certificate(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kab = desa_ctx, kabupaten_ctx
    trust.export_root(kab, tmp_path / "root.json")
    trust.add_root(desa, tmp_path / "root.json")

    def certify(name: str) -> None:
        trust.write_request(desa, PASSPHRASE, tmp_path / f"{name}.req")
        trust.certify_request(kab, PASSPHRASE, tmp_path / f"{name}.req", tmp_path / f"{name}.crt")
        trust.install_certificate(desa, tmp_path / f"{name}.crt")

    certify("old")
    service = RecordService(desa)
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    before_rotation = export(desa, tmp_path, "1.scb")
    old_fingerprint = office_fingerprint(desa)
    assert trust.rotate_key(desa, PASSPHRASE) != old_fingerprint
    service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Sesudah ganti kunci"}, finalise=True)
    with pytest.raises(UserError) as err:  # would be refused everywhere: not written at all
        export(desa, tmp_path, "2.scb")
    assert err.value.code == "export.uncertified"
    assert not (tmp_path / "2.scb").exists()
    assert one(import_files(kab, [before_rotation])).trust_level == "certified"
    certify("new")
    service.create(
        RecordKind.PROBLEM, {**PROBLEM, "title": "Dengan sertifikat baru"}, finalise=True
    )
    report = one(import_files(kab, [export(desa, tmp_path, "3.scb")]))
    assert report.status == "imported" and report.trust_level == "certified"
    assert report.action_counts()["new"] == 2  # nothing was lost by the refused export
