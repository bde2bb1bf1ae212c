"""Forwarding on real data folders: a village's original bundles travel inside the kecamatan's
signed bundle to the kabupaten and are verified there as if they had come directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files, ledger
from smartcity_desktop.services.exchange.forward import forward_bundle, forwardable
from smartcity_desktop.services.review import list_reviews
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Review
from tests.conftest import DESA_CODE, KECAMATAN_CODE, PASSPHRASE
from tests.services.forwarding_helpers import accept_everything, database_state, files_state, pin
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def chain(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> tuple[AppContext, AppContext, AppContext]:
    """A village's bundle (with a photo) imported and accepted at its kecamatan; the kabupaten
    trusts both by pins."""
    generate(desa_ctx, SampleRequest(problems=3, potentials=1, proposals=2, photos=1, seed=21))
    send(desa_ctx, kecamatan_ctx, tmp_path / "sent", "desa-1.scb")
    accept_everything(kecamatan_ctx, DESA_CODE)
    pin(kabupaten_ctx, kecamatan_ctx, desa_ctx)
    return desa_ctx, kecamatan_ctx, kabupaten_ctx


def test_the_kabupaten_gets_the_villages_rows_owned_by_the_village_with_the_kecamatans_reviews(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    desa, kec, kab = chain
    assert [row.sender_office for row in forwardable(kec)] == [DESA_CODE]
    result = forward_bundle(kec, PASSPHRASE, tmp_path / "forward.scb")
    assert len(result.forwarded) == 1 and result.counts["review"] == 7  # 6 records + village
    [report] = import_files(kab, list(result.paths))
    assert report.status == "imported", report.findings
    [nested] = report.forwarded
    assert nested.status == "imported" and nested.sender_office == DESA_CODE
    assert nested.trust_level == "locally_trusted"
    for kind in RecordKind:
        assert ids(kab, kind, DESA_CODE) == ids(desa, kind)
    with kab.db.session() as s:
        owners = set(s.scalars(select(Review.office_code)))
    assert owners == {KECAMATAN_CODE}
    assert {v.state for v in list_reviews(kab)} == {"diterima"}
    entries = {e["sender"]: e for e in ledger(kab)}
    assert entries[DESA_CODE]["forwarded_by"] == KECAMATAN_CODE
    assert entries[KECAMATAN_CODE]["forwarded_by"] is None
    # forwarded once: the next forward has nothing new
    assert forwardable(kec) == []
    with pytest.raises(UserError) as nothing:
        forward_bundle(kec, PASSPHRASE, tmp_path / "again.scb")
    assert nothing.value.code == "forward.nothing"
    # the same village bundle sent directly as well is "already imported", never a duplicate
    direct = next((tmp_path / "sent").iterdir())
    [again] = import_files(kab, [direct])
    assert again.status == "already", again.findings


def test_a_bundle_received_directly_first_is_already_imported_when_nested(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    direct = next((tmp_path / "sent").iterdir())
    assert [r.status for r in import_files(kab, [direct])] == ["imported"]
    before = len(ledger(kab))
    result = forward_bundle(kec, PASSPHRASE, tmp_path / "forward.scb")
    [report] = import_files(kab, list(result.paths))
    assert report.status == "imported", report.findings
    assert [n.status for n in report.forwarded] == ["already"]
    assert len(ledger(kab)) == before + 1  # the kecamatan's bundle only


def test_split_parts_and_the_dry_run_list_every_nested_bundle(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    (tmp_path / "parts").mkdir()
    result = forward_bundle(kec, PASSPHRASE, tmp_path / "parts", max_part_size=64 * 1024)
    assert len(result.paths) > 1
    before = database_state(kab)
    [plan] = import_files(kab, list(result.paths), dry_run=True)
    assert plan.status == "dry-run", plan.findings
    assert [(n.sender_office, n.status) for n in plan.forwarded] == [(DESA_CODE, "dry-run")]
    assert database_state(kab) == before
    [report] = import_files(kab, list(result.paths))
    assert report.status == "imported" and report.forwarded[0].status == "imported"


def test_the_operator_chooses_villages_and_others_wait(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, _kab = chain
    with pytest.raises(UserError) as outside:
        forward_bundle(kec, PASSPHRASE, tmp_path / "f.scb", desa=["32.16.02.2001"])
    assert outside.value.code == "forward.outside_area"
    result = forward_bundle(kec, PASSPHRASE, tmp_path / "f.scb", desa=["32.16.01.2002"])
    assert result.forwarded == () and result.counts["review"] == 7
    assert [r.sender_office for r in forwardable(kec)] == [DESA_CODE]


def test_a_kept_bundle_is_removed_again_when_the_import_fails(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=3))
    send(desa_ctx, kecamatan_ctx, tmp_path / "d", "d.scb")
    assert len(list(kecamatan_ctx.paths.received_bundles.iterdir())) == 1
    assert files_state(kecamatan_ctx)
