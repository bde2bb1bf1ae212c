"""Feedback down to the village and back up: the desa sees "perlu perbaikan", revises, sends
again; its kecamatan sees "diperbaiki setelah dikembalikan"; the next forward carries revision 2
to the kabupaten, which sees it as fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.exchange.feedback import feedback_bundles
from smartcity_desktop.services.exchange.forward import forward_bundle
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import (
    Decision,
    QueueFilter,
    list_reviews,
    review_queue,
    review_record,
    review_records,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, KECAMATAN_CODE, PASSPHRASE
from tests.services.forwarding_helpers import (
    database_state,
    files_state,
    pin,
    review_row,
    signed_bundle,
)
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


def test_feedback_round_trip_to_the_kabupaten(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=3, potentials=1, proposals=1, photos=0, seed=31))
    send(desa, kec, tmp_path / "up-1", "desa-1.scb")
    returned, *others = ids(kec, RecordKind.PROBLEM, DESA_CODE)
    review_record(
        kec,
        returned,
        Decision("perlu_perbaikan", reason="data_belum_lengkap", comment="foto lokasi belum ada"),
    )
    review_records(kec, others, Decision("diterima"))
    pin(kab, kec, desa)
    first = forward_bundle(kec, PASSPHRASE, tmp_path / "forward-1.scb")
    assert [r.status for r in import_files(kab, list(first.paths))] == ["imported"]

    # down to the desa
    (tmp_path / "down").mkdir()
    results = feedback_bundles(kec, PASSPHRASE, tmp_path / "down")
    assert list(results) == [DESA_CODE] and results[DESA_CODE].counts["review"] == 3
    pin(desa, kec)
    [report] = import_files(desa, list(results[DESA_CODE].paths))
    assert report.status == "imported", report.findings
    seen = {v.values["target_id"]: v for v in list_reviews(desa)}
    assert seen[returned].state == "perlu_perbaikan"
    assert seen[returned].values["comment"] == "foto lokasi belum ada"
    assert seen[returned].office_code == KECAMATAN_CODE

    # the desa revises and sends again
    service = RecordService(desa)
    record = service.get(RecordKind.PROBLEM, returned)
    values = dict(record.values)
    values["description"] = (values.get("description") or "") + " Foto lokasi ditambahkan."
    service.update(RecordKind.PROBLEM, returned, values)
    assert service.get(RecordKind.PROBLEM, returned).revision == 2
    send(desa, kec, tmp_path / "up-2", "desa-2.scb")
    [entry] = [
        e
        for e in review_queue(kec, DESA_CODE, QueueFilter(state="perlu_perbaikan"))
        if e.id == returned
    ]
    assert entry.fixed_after_return and entry.revision == 2

    # the next forward carries revision 2; the kabupaten sees it fixed after return
    second = forward_bundle(kec, PASSPHRASE, tmp_path / "forward-2.scb")
    assert len(second.forwarded) == 1
    [report] = import_files(kab, list(second.paths))
    assert report.status == "imported", report.findings
    assert RecordService(kab).get(RecordKind.PROBLEM, returned).revision == 2
    at_kab = {v.values["target_id"]: v for v in list_reviews(kab)}
    assert at_kab[returned].record_revision == 2 and at_kab[returned].fixed_after_return


def test_a_desa_takes_reviews_of_its_own_records_only(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec = desa_ctx, kecamatan_ctx
    generate(desa, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=2))
    pin(desa, kec)
    stranger = "0b7c5a0e-1f3e-4a8e-9d5c-0c1b2a3d4e5f"  # a record of another village
    bundle = signed_bundle(
        kec,
        tmp_path / "feedback.scb",
        records={"review": [review_row(kec.office.code, "problem", stranger, "ditolak")]},
    )
    before = (database_state(desa), files_state(desa))
    [report] = import_files(desa, [bundle])
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["record.review_outside_area"]
    assert (database_state(desa), files_state(desa)) == before


def test_only_reviewing_offices_write_feedback(desa_ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(UserError) as refused:
        feedback_bundles(desa_ctx, PASSPHRASE, tmp_path)
    assert refused.value.code == "feedback.not_reviewer"


def test_the_kabupatens_verdict_reaches_the_kecamatan_and_the_desa(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.review import verify_village
    from tests.services.forwarding_helpers import accept_everything

    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=2, potentials=0, proposals=0, photos=0, seed=41))
    send(desa, kec, tmp_path / "up", "desa.scb")
    accept_everything(kec, DESA_CODE)
    pin(kab, kec, desa)
    forwarded = forward_bundle(kec, PASSPHRASE, tmp_path / "forward.scb")
    assert [r.status for r in import_files(kab, list(forwarded.paths))] == ["imported"]
    verify_village(kab, DESA_CODE, "perlu_perbaikan", reason="biaya_tidak_wajar")

    (tmp_path / "down").mkdir()
    [(code, result)] = feedback_bundles(kab, PASSPHRASE, tmp_path / "down").items()
    assert code == DESA_CODE and result.counts["review"] == 1
    # the kecamatan takes its kabupaten's verdict (feedback from above) ...
    pin(kec, kab)
    [at_kec] = import_files(kec, list(result.paths))
    assert at_kec.status == "imported", at_kec.findings
    # ... and the desa takes it too, once its kecamatan's verification has reached it
    pin(desa, kec, kab)
    (tmp_path / "kec-down").mkdir()
    for bundle in feedback_bundles(kec, PASSPHRASE, tmp_path / "kec-down")[DESA_CODE].paths:
        assert import_files(desa, [bundle])[0].status == "imported"
    [at_desa] = import_files(desa, list(result.paths))
    assert at_desa.status == "imported", at_desa.findings
    with desa.db.session() as s:
        from sqlalchemy import select

        from smartcity_desktop.storage.models import Review

        offices = sorted(set(s.scalars(select(Review.office_code))))
    assert offices == ["32.16", KECAMATAN_CODE]
