"""Feedback bundles carry the sender's current revocation list; a desa installs it only if it
verifies under the root it holds and is newer, and then refuses bundles of the revoked key."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.bundles.writer import Sender, write_bundle
from smartcity_desktop.crypto.certificates import RevocationList
from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.review import values_of
from smartcity_desktop.services import trust
from smartcity_desktop.services.bundle_records import SCHEMA_VERSION, bundle_row
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.exchange.feedback import feedback_bundles
from smartcity_desktop.services.exchange.forward import forward_bundle
from smartcity_desktop.services.office import unlock_key
from smartcity_desktop.services.review import Decision, list_reviews, review_record
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Review, TrustStore
from tests.conftest import DESA_CODE, KECAMATAN_CODE, PASSPHRASE
from tests.services.forwarding_helpers import accept_everything, database_state, files_state, pin
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


@dataclass
class Chain:
    desa: AppContext
    kec: AppContext
    kab: AppContext
    folder: Path
    returned: str  # the desa record the kabupaten sends back

    def kab_feedback(self, name: str) -> Path:
        out = self.folder / name
        out.mkdir()
        [path] = feedback_bundles(self.kab, PASSPHRASE, out)[DESA_CODE].paths
        return path

    def kec_feedback(self, name: str) -> Path:
        out = self.folder / name
        out.mkdir()
        [path] = feedback_bundles(self.kec, PASSPHRASE, out)[DESA_CODE].paths
        return path


@pytest.fixture
def chain(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> Chain:
    """desa -> kecamatan -> kabupaten on real offices; the kabupaten returns one record; the desa
    holds the regency's root key (installed after it sent: it is not certified itself)."""
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=2, potentials=0, proposals=0, photos=0, seed=17))
    send(desa, kec, tmp_path / "up", "desa.scb")
    accept_everything(kec, DESA_CODE)
    pin(kab, kec, desa)
    forwarded = forward_bundle(kec, PASSPHRASE, tmp_path / "forward.scb")
    assert [r.status for r in import_files(kab, list(forwarded.paths))] == ["imported"]
    returned = ids(kab, RecordKind.PROBLEM, DESA_CODE)[0]
    review_record(
        kab, returned, Decision("perlu_perbaikan", reason="data_belum_lengkap", comment="foto")
    )
    trust.export_root(kab, tmp_path / "root.json")
    trust.add_root(desa, tmp_path / "root.json")
    pin(desa, kec)
    return Chain(desa, kec, kab, tmp_path, returned)


def carried(path: Path) -> dict[str, Any] | None:
    header = verify_bundle(path, max_schema_version=SCHEMA_VERSION).header
    assert header is not None
    document = header.extra.get("revocation_list")
    return dict(document) if document is not None else None


def trust_document(ctx: AppContext) -> bytes | None:
    with ctx.db.session() as session:
        row = session.get(TrustStore, 1)
        return None if row is None else bytes(row.document)


def revoke(chain: Chain, office: str, name: str) -> RevocationList:
    version = trust.revoke_office(chain.kab, PASSPHRASE, office, chain.folder / name)
    revocations = RevocationList.from_bytes((chain.folder / name).read_bytes())
    assert revocations.version == version
    return revocations


def codes(report: Any) -> list[str]:
    return [f.code for f in report.findings]


def test_no_list_no_extra(chain: Chain) -> None:
    assert carried(chain.kab_feedback("down")) is None


def test_the_list_is_carried_installed_and_a_revoked_keys_bundle_refused(chain: Chain) -> None:
    revocations = revoke(chain, KECAMATAN_CODE, "revoked-kec.json")
    bundle = chain.kab_feedback("down")
    assert carried(bundle) == revocations.to_dict()

    [report] = import_files(chain.desa, [bundle])
    assert report.status == "imported", report.findings
    assert codes(report) == ["revocation.carried_installed"]
    assert "versi 1" in report.findings[0].message
    assert trust.load_trust_state(chain.desa).revocations == (revocations,)
    assert any(v.values["target_id"] == chain.returned for v in list_reviews(chain.desa))

    # The kecamatan's key was revoked after the last bundle the kabupaten had from it: its next
    # bundle is refused at the desa, as at the kabupaten, and leaves nothing behind.
    from_revoked_key = chain.kec_feedback("kec-down")
    before = (database_state(chain.desa), files_state(chain.desa), trust_document(chain.desa))
    [refused] = import_files(chain.desa, [from_revoked_key])
    assert refused.status == "refused" and codes(refused) == ["trust.revoked"]
    assert (database_state(chain.desa), files_state(chain.desa), trust_document(chain.desa)) == (
        before
    )
    [at_kab] = import_files(chain.kab, [from_revoked_key])
    assert codes(at_kab) == ["trust.revoked"]


def test_the_same_list_again_changes_nothing_and_says_nothing(chain: Chain) -> None:
    revoke(chain, KECAMATAN_CODE, "revoked.json")
    first = chain.kab_feedback("down-1")
    assert import_files(chain.desa, [first])[0].status == "imported"
    installed = trust_document(chain.desa)
    review_record(chain.kab, chain.returned, Decision("diterima"))
    [report] = import_files(chain.desa, [chain.kab_feedback("down-2")])
    assert report.status == "imported" and codes(report) == []
    assert trust_document(chain.desa) == installed


def _signed_by_kabupaten(chain: Chain, out: Path, extra: dict[str, Any]) -> Path:
    """A feedback bundle the kabupaten's own key signs, with its real review rows, carrying
    ``extra`` as given: what a kabupaten program with a damaged list would send."""
    kab = chain.kab.office
    with chain.kab.db.session() as session:
        own = select(Review).where(Review.office_code == kab.code)
        reviews = [bundle_row(r, values_of(r)) for r in session.scalars(own)]
    written = write_bundle(
        out,
        sender=Sender(
            kab.code,
            kab.role,
            unlock_key(chain.kab, PASSPHRASE),
            trust.office_certificate(chain.kab),
        ),
        sequence=90,
        records={"review": reviews},
        app_version="uji",
        schema_version=SCHEMA_VERSION,
        extra=extra,
    )
    return written.paths[0]


@pytest.mark.parametrize("damage", ["entry removed", "other regency", "not a document"])
def test_a_list_that_does_not_verify_is_not_installed_and_nothing_else_changes(
    chain: Chain, damage: str
) -> None:
    revocations = revoke(chain, KECAMATAN_CODE, "revoked.json")
    document: Any = copy.deepcopy(revocations.to_dict())
    if damage == "entry removed":
        document["body"]["entries"] = []  # the root's signature no longer matches
    elif damage == "other regency":
        document["body"]["regency_code"] = "32.17"
    else:
        document = "daftar"
    bundle = _signed_by_kabupaten(
        chain, chain.folder / "tampered.scb", {"revocation_list": document}
    )
    trust_before = trust_document(chain.desa)
    before = database_state(chain.desa)

    [report] = import_files(chain.desa, [bundle])
    assert report.status == "imported", report.findings
    assert codes(report) == ["revocation.carried_unverified"]
    assert "diabaikan" in report.findings[0].message
    assert trust_document(chain.desa) == trust_before
    assert trust.load_trust_state(chain.desa).revocations == ()
    after = database_state(chain.desa)
    # the reviews and the ledger entry came in; nothing else moved
    assert {t for t in after if after[t] != before[t]} == {"review", "bundle_ledger"}
    assert any(v.values["target_id"] == chain.returned for v in list_reviews(chain.desa))
    # the revoked kecamatan key is still accepted here, as before the bundle came
    [still] = import_files(chain.desa, [chain.kec_feedback("kec-down")])
    assert still.status == "imported", still.findings


def test_an_older_list_never_replaces_a_newer_one(chain: Chain) -> None:
    first = revoke(chain, KECAMATAN_CODE, "v1.json")
    older = chain.kab_feedback("down-1")
    second = revoke(chain, DESA_CODE, "v2.json")
    newer = chain.kab_feedback("down-2")
    assert (first.version, second.version) == (1, 2)
    assert carried(older) == first.to_dict() and carried(newer) == second.to_dict()

    assert codes(import_files(chain.desa, [newer])[0]) == ["revocation.carried_installed"]
    installed = trust_document(chain.desa)
    [report] = import_files(chain.desa, [older])
    assert report.status == "imported", report.findings
    assert codes(report) == ["revocation.carried_older"]
    assert "versi 1" in report.findings[0].message and "versi 2" in report.findings[0].message
    assert trust_document(chain.desa) == installed
    assert trust.load_trust_state(chain.desa).revocations == (second,)


def test_a_desa_without_the_root_key_ignores_the_list(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=3))
    send(desa, kec, tmp_path / "up", "desa.scb")
    accept_everything(kec, DESA_CODE)
    pin(kab, kec, desa)
    assert import_files(kab, list(forward_bundle(kec, PASSPHRASE, tmp_path / "f.scb").paths))
    review_record(kab, ids(kab, RecordKind.PROBLEM, DESA_CODE)[0], Decision("diterima"))
    trust.revoke_office(kab, PASSPHRASE, KECAMATAN_CODE, tmp_path / "revoked.json")
    (tmp_path / "down").mkdir()
    [bundle] = feedback_bundles(kab, PASSPHRASE, tmp_path / "down")[DESA_CODE].paths
    pin(desa, kab)
    [report] = import_files(desa, [bundle])
    assert report.status == "imported", report.findings
    assert codes(report) == ["revocation.carried_unverified"]
    assert "kunci induk" in report.findings[0].message
    assert trust.load_trust_state(desa).revocations == ()


def test_the_dry_run_says_what_would_be_installed_and_installs_nothing(chain: Chain) -> None:
    revoke(chain, KECAMATAN_CODE, "revoked.json")
    bundle = chain.kab_feedback("down")
    before = trust_document(chain.desa)
    [report] = import_files(chain.desa, [bundle], dry_run=True)
    assert report.status == "dry-run" and codes(report) == ["revocation.carried_installed"]
    assert "akan dipasang" in report.findings[0].message
    assert trust_document(chain.desa) == before
