"""Pinning between real offices: a typo caught against the bundle at hand, a replacement only
when confirmed, removal, the audit log, pins ending with certification, and a kabupaten taking a
bundle signed before it certified the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files, verify_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready


def typo(fp: str, group: int = 3) -> str:
    """``fp`` with one character of one group changed, as a mishearing over the phone would."""
    groups = fp.split("-")
    first = groups[group - 1][0]
    groups[group - 1] = ("B" if first != "B" else "D") + groups[group - 1][1:]
    return "-".join(groups)


def new_problem(ctx: AppContext, title: str) -> None:
    RecordService(ctx).create(RecordKind.PROBLEM, {**PROBLEM, "title": title}, finalise=True)


def export(ctx: AppContext, folder: Path, name: str) -> Path:
    return export_bundle(ctx, PASSPHRASE, folder / name).paths[0]


def trust_rows(ctx: AppContext) -> tuple[object, ...]:
    with ctx.db.session() as s:
        return (
            tuple(s.execute(text("SELECT document FROM trust_store")).all()),
            tuple(s.execute(text("SELECT * FROM audit_log")).all()),
        )


def certify_desa(desa: AppContext, kab: AppContext, folder: Path, name: str = "desa") -> None:
    trust.export_root(kab, folder / "root.json")
    trust.add_root(desa, folder / "root.json")
    trust.write_request(desa, PASSPHRASE, folder / f"{name}.req")
    trust.certify_request(kab, PASSPHRASE, folder / f"{name}.req", folder / f"{name}.crt")
    trust.install_certificate(desa, folder / f"{name}.crt")


@pytest.fixture
def desa_bundle(desa_ctx: AppContext, tmp_path: Path) -> Path:
    new_problem(desa_ctx, "Jalan desa rusak")
    return export(desa_ctx, tmp_path, "desa-1.scb")


# --- a typo --------------------------------------------------------------------------------------


def test_a_typo_is_refused_against_the_bundle_at_hand_and_nothing_is_saved(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, desa_bundle: Path
) -> None:
    real = office_fingerprint(desa_ctx)
    signer = trust.bundle_signer(kecamatan_ctx, [desa_bundle])
    assert (signer.office_code, signer.role, signer.fingerprint) == (DESA_CODE, "desa", real)
    before = trust_rows(kecamatan_ctx)
    with pytest.raises(UserError) as err:
        trust.pin_office(kecamatan_ctx, DESA_CODE, typo(real), bundle=signer)
    assert err.value.code == "trust.pin_typo"
    message = str(err.value)
    assert typo(real) in message and real in message and "kelompok ke-3" in message
    assert "salah ketik" in message
    assert trust_rows(kecamatan_ctx) == before

    # typed as read aloud: lower case, spaces instead of dashes
    spoken = real.lower().replace("-", " ")
    result = trust.pin_office(kecamatan_ctx, DESA_CODE, spoken, bundle=signer)
    assert result.pin.fingerprint == real and result.replaced is None
    assert one_status(verify_files(kecamatan_ctx, [desa_bundle])) == "verified"
    [entry] = trust.audit_log(kecamatan_ctx)
    assert (entry.action, entry.subject, entry.detail["new"]) == ("pin.add", DESA_CODE, real)
    assert entry.detail["checked_with_bundle"] == "desa-1.scb"


def one_status(reports: list[object]) -> str:
    [report] = reports
    return str(getattr(report, "status"))  # noqa: B009 - reports are BundleReport


def test_a_bundle_of_another_office_is_no_reference(
    kecamatan_ctx: AppContext, desa_ctx: AppContext, desa_bundle: Path
) -> None:
    signer = trust.bundle_signer(kecamatan_ctx, [desa_bundle])
    with pytest.raises(UserError) as err:
        trust.pin_office(kecamatan_ctx, "32.16.01.2002", signer.fingerprint, bundle=signer)
    assert err.value.code == "trust.bundle_other_office"
    assert not trust.load_trust_state(kecamatan_ctx).pins


def test_a_damaged_bundle_is_no_reference(
    kecamatan_ctx: AppContext, desa_bundle: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.scb"
    data = bytearray(desa_bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(UserError) as err:
        trust.bundle_signer(kecamatan_ctx, [damaged])
    assert err.value.code == "trust.bundle_invalid" and "damaged.scb" in str(err.value)


def test_the_signer_of_a_split_bundle_is_read_from_all_its_parts(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.sample_data import SampleRequest, generate

    generate(desa_ctx, SampleRequest(problems=4, photos=3, seed=3))
    parts = export_bundle(desa_ctx, PASSPHRASE, tmp_path / "p.scb", max_part_size=64 * 1024).paths
    assert len(parts) > 1
    signer = trust.bundle_signer(kecamatan_ctx, list(reversed(parts)))
    assert signer.fingerprint == office_fingerprint(desa_ctx)
    assert not list(kecamatan_ctx.paths.staging.iterdir())  # the joined copy is gone


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH", "8 karakter, seharusnya 32"),
        ("ABCD-EFGH-IJKL-MN0P-QRST-UVWX-YZ23-4567", "0 → O"),
        ("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45!7", "tidak boleh memuat !"),
    ],
)
def test_a_malformed_fingerprint_says_what_is_wrong(
    kecamatan_ctx: AppContext, typed: str, expected: str
) -> None:
    with pytest.raises(UserError) as err:
        trust.pin_office(kecamatan_ctx, DESA_CODE, typed)
    assert err.value.code == "trust.bad_fingerprint" and expected in str(err.value)
    assert not trust.load_trust_state(kecamatan_ctx).pins


def test_the_import_message_names_a_typo_and_shows_both_fingerprints(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, desa_bundle: Path
) -> None:
    real = office_fingerprint(desa_ctx)
    trust.pin_office(kecamatan_ctx, DESA_CODE, typo(real))  # no bundle at hand: not caught
    [report] = import_files(kecamatan_ctx, [desa_bundle])
    [finding] = report.findings
    assert finding.code == "trust.pin_mismatch"
    assert typo(real) in finding.message and real in finding.message
    assert "salah ketik" in finding.message


# --- a replacement -------------------------------------------------------------------------------


def test_replacing_a_pin_needs_confirmation_and_is_audited(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, desa_bundle: Path
) -> None:
    real = office_fingerprint(desa_ctx)
    trust.pin_office(kecamatan_ctx, DESA_CODE, typo(real), note="pertama")
    before = trust_rows(kecamatan_ctx)
    with pytest.raises(trust.PinReplaceRefused) as err:
        trust.pin_office(kecamatan_ctx, DESA_CODE, real)
    assert err.value.code == "trust.pin_replace_unconfirmed"
    assert (err.value.old.fingerprint, err.value.new.fingerprint) == (typo(real), real)
    assert typo(real) in str(err.value) and real in str(err.value)
    assert trust_rows(kecamatan_ctx) == before

    result = trust.pin_office(kecamatan_ctx, DESA_CODE, real, "ditelepon ulang", replace=True)
    assert result.replaced is not None and result.replaced.fingerprint == typo(real)
    assert [p.fingerprint for p in trust.load_trust_state(kecamatan_ctx).pins] == [real]
    log = trust.audit_log(kecamatan_ctx, DESA_CODE)
    assert [e.action for e in log] == ["pin.add", "pin.replace"]
    assert log[1].detail["old"] == typo(real) and log[1].detail["new"] == real
    assert log[1].operator == kecamatan_ctx.office.operator
    assert [r.status for r in import_files(kecamatan_ctx, [desa_bundle])] == ["imported"]

    # the same fingerprint again is no replacement: no question asked
    again = trust.pin_office(kecamatan_ctx, DESA_CODE, real)
    assert again.replaced is None
    assert trust.audit_log(kecamatan_ctx)[-1].action == "pin.renew"


# --- a removal -----------------------------------------------------------------------------------


def test_a_pin_can_be_removed_and_the_removal_is_audited(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, desa_bundle: Path
) -> None:
    real = office_fingerprint(desa_ctx)
    trust.pin_office(kecamatan_ctx, DESA_CODE, real)
    assert one_status(verify_files(kecamatan_ctx, [desa_bundle])) == "verified"
    removed = trust.unpin_office(kecamatan_ctx, DESA_CODE)
    assert removed.fingerprint == real
    assert not trust.load_trust_state(kecamatan_ctx).pins
    [report] = verify_files(kecamatan_ctx, [desa_bundle])
    assert [f.code for f in report.findings] == ["trust.unknown_office"]
    entry = trust.audit_log(kecamatan_ctx)[-1]
    assert (entry.action, entry.detail["old"]) == ("pin.remove", real)
    with pytest.raises(UserError) as err:
        trust.unpin_office(kecamatan_ctx, DESA_CODE)
    assert err.value.code == "trust.no_pin"


@pytest.mark.sqlite_only("fakes a full disk with a SQLite trigger")
def test_the_audit_entry_is_written_with_the_change_or_not_at_all(
    desa_ctx: AppContext, kecamatan_ctx: AppContext
) -> None:
    trust.pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    before = trust_rows(kecamatan_ctx)
    with kecamatan_ctx.db.transaction() as s:  # the log cannot be written: nothing may change
        s.execute(
            text(
                "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN "
                "SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with pytest.raises(Exception, match="disk full"):
        trust.unpin_office(kecamatan_ctx, DESA_CODE)
    assert trust_rows(kecamatan_ctx) == before
    assert trust.load_trust_state(kecamatan_ctx).pins


# --- after certification -------------------------------------------------------------------------


def test_a_pin_stops_counting_once_the_office_is_certified(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """The kabupaten pinned a desa's first key; the desa then rotates and is certified. A bundle
    later signed by the pinned (now superseded) key is judged by the certificate rules."""
    desa, kab = desa_ctx, kabupaten_ctx
    new_problem(desa, "Sebelum sertifikat")
    old_key_bundle = export(desa, tmp_path, "1.scb")
    old_fingerprint = office_fingerprint(desa)
    trust.pin_office(kab, DESA_CODE, old_fingerprint)
    assert [r.trust_level for r in verify_files(kab, [old_key_bundle])] == ["locally_trusted"]

    # the pinned key is kept by a thief; the office moves to a new key and is certified
    stolen = tmp_path / "stolen"
    shutil.copytree(desa.paths.root, stolen)
    trust.rotate_key(desa, PASSPHRASE)
    certify_desa(desa, kab, tmp_path)
    new_problem(desa, "Dengan sertifikat")
    [report] = import_files(kab, [export(desa, tmp_path, "2.scb")])
    assert report.trust_level == "certified"

    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.storage.paths import DataPaths

    thief = open_context(DataPaths(stolen))
    try:  # its first number (2) is taken; the next one (3) has not been seen anywhere
        for n in (2, 3):
            new_problem(thief, f"Paket palsu {n} dengan kunci lama")
            forged = export_bundle(thief, PASSPHRASE, tmp_path / f"forged-{n}.scb").paths[0]
    finally:
        thief.close()
    assert json.loads(_header(forged))["sequence"] == 3
    [refused] = import_files(kab, [forged])
    assert refused.status == "refused"
    assert [f.code for f in refused.findings] == ["trust.pin_superseded"]
    assert old_fingerprint in refused.findings[0].message
    summary = trust.trust_summary(kab)
    assert [p["superseded"] for p in summary.pins] == [True]


def test_a_pin_after_certification_is_refused(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """A kecamatan that already accepted a certified bundle from a desa does not pin it."""
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    certify_desa(desa, kab, tmp_path)
    trust.add_root(kec, tmp_path / "root.json")
    new_problem(desa, "Bersertifikat")
    [report] = import_files(kec, [export(desa, tmp_path, "1.scb")])
    assert report.trust_level == "certified"
    before = trust_rows(kec)
    with pytest.raises(UserError) as err:
        trust.pin_office(kec, DESA_CODE, office_fingerprint(desa))
    assert err.value.code == "trust.office_certified"
    assert trust_rows(kec) == before
    # the kabupaten that certified it refuses the pin as well
    with pytest.raises(UserError):
        trust.pin_office(kab, DESA_CODE, office_fingerprint(desa))


def test_an_expired_certificate_is_not_rescued_by_a_pin(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    trust.pin_office(kec, DESA_CODE, office_fingerprint(desa))
    trust.export_root(kab, tmp_path / "root.json")
    for office in (desa, kec):
        trust.add_root(office, tmp_path / "root.json")
    trust.write_request(desa, PASSPHRASE, tmp_path / "d.req")
    trust.certify_request(kab, PASSPHRASE, tmp_path / "d.req", tmp_path / "d.crt", valid_days=1)
    trust.install_certificate(desa, tmp_path / "d.crt")
    late = _signed_later(desa, tmp_path / "late.scb", days=3)
    [report] = import_files(kec, [late])
    codes = [f.code for f in report.findings]
    assert report.status == "refused"
    assert codes == ["trust.certificate_expired", "trust.pin_superseded"]


# --- a kabupaten's own certificate proves older bundles ------------------------------------------


def test_the_kabupaten_accepts_a_bundle_signed_before_it_certified_the_key(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """Nomor 1 was signed before certification and carries no certificate; nomor 2 is
    certified. After the kabupaten certified that very key, nomor 1 is accepted and the gap
    closes."""
    desa, kab = desa_ctx, kabupaten_ctx
    new_problem(desa, "Nomor satu")
    first = export(desa, tmp_path, "1.scb")
    assert json.loads(_header(first))["sender"]["certificate"] is None
    [early] = import_files(kab, [first])
    assert [f.code for f in early.findings] == ["trust.unknown_office"]

    certify_desa(desa, kab, tmp_path)
    new_problem(desa, "Nomor dua")
    [second] = import_files(kab, [export(desa, tmp_path, "2.scb")])
    assert second.trust_level == "certified" and second.missing_sequences == [1]

    [late] = import_files(kab, [first])
    assert late.status == "imported" and late.trust_level == "certified"
    assert late.missing_sequences == []
    titles = {r.title for r in RecordService(kab).records(RecordKind.PROBLEM)}
    assert {"Nomor satu", "Nomor dua"} <= titles


def test_a_certificate_issued_here_does_not_cover_another_key_or_a_later_revocation(
    desa_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kab = desa_ctx, kabupaten_ctx
    new_problem(desa, "Kunci pertama")
    first = export(desa, tmp_path, "1.scb")
    trust.rotate_key(desa, PASSPHRASE)
    certify_desa(desa, kab, tmp_path)  # the new key is certified, not the one that signed 1
    [report] = import_files(kab, [first])
    assert report.status == "refused" and [f.code for f in report.findings] == [
        "trust.unknown_office"
    ]

    # revoked keys stay refused whatever was issued
    trust.revoke_office(kab, PASSPHRASE, DESA_CODE, tmp_path / "revoked.json")
    [again] = import_files(kab, [first])
    assert again.status == "refused"


def _header(bundle: Path) -> bytes:
    import zipfile

    from smartcity_desktop.bundles.format import HEADER

    with zipfile.ZipFile(bundle) as z:
        return z.read(next(n for n in z.namelist() if n.endswith(HEADER)))


def _signed_later(ctx: AppContext, out: Path, days: int) -> Path:
    """A bundle of ``ctx`` with its certificate, created ``days`` from now (an empty one)."""
    from datetime import UTC, datetime, timedelta

    from smartcity_desktop.bundles.writer import Sender, write_bundle
    from smartcity_desktop.services.bundle_records import SCHEMA_VERSION
    from smartcity_desktop.services.office import unlock_key

    sender = Sender(
        ctx.office.code, ctx.office.role, unlock_key(ctx, PASSPHRASE), trust.office_certificate(ctx)
    )
    written = write_bundle(
        out,
        sender=sender,
        sequence=7,
        records={"problem": []},
        app_version="test",
        schema_version=SCHEMA_VERSION,
        created=datetime.now(UTC) + timedelta(days=days),
    )
    return written.paths[0]
