"""Village stages and completeness on real offices: desa -> kecamatan (-> kabupaten)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services import trust
from smartcity_desktop.services.completeness import (
    Completeness,
    VillageLine,
    completeness,
    get_deadline,
    set_deadline,
)
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import (
    Decision,
    ReviewInvalid,
    ReviewRefused,
    review_record,
    review_records,
    verify_village,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, KECAMATAN_CODE
from tests.services.review_helpers import forward, ids, send

pytestmark = pytest.mark.postgres_ready


TARUMAJAYA = [
    "32.16.01.1007",
    "32.16.01.2001",
    "32.16.01.2002",
    "32.16.01.2003",
    "32.16.01.2004",
    "32.16.01.2005",
    "32.16.01.2006",
    "32.16.01.2008",
]


def line(report: Completeness, code: str) -> VillageLine:
    return next(v for g in report.groups for v in g.villages if v.code == code)


def review_everything(kec: AppContext) -> None:
    all_ids = [i for kind in RecordKind for i in ids(kec, kind, DESA_CODE)]
    review_records(kec, all_ids, Decision("diterima"))


def revise(desa: AppContext) -> None:
    service = RecordService(desa)
    problem = service.records(RecordKind.PROBLEM)[0]
    service.update(
        RecordKind.PROBLEM, problem.id, dict(problem.values, causes="Tanggul jebol sejak 2024")
    )


def test_every_village_of_the_kecamatan_is_listed_even_those_that_never_sent(
    kecamatan_ctx: AppContext,
) -> None:
    report = completeness(kecamatan_ctx)
    assert [g.code for g in report.groups] == [KECAMATAN_CODE]
    group = report.groups[0]
    assert group.name == "Kecamatan Tarumajaya"
    assert [v.code for v in group.villages] == TARUMAJAYA
    assert group.villages[0].name == "Kelurahan Setia Asih"
    assert all(v.status.stage == "belum_kirim" and v.last_bundle is None for v in group.villages)
    assert group.villages[1].progress == "0 dari 0"
    assert group.totals()["sent_percent"] == 0.0


def test_the_stage_follows_the_chain_and_never_locks(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec = desa_ctx, kecamatan_ctx
    generate(desa, SampleRequest(problems=5, potentials=2, proposals=3, seed=11))
    send(desa, kec, tmp_path / "1", "desa-1.scb")

    sagara = line(completeness(kec), DESA_CODE)
    assert sagara.status.stage == "diterima"
    assert sagara.last_bundle is not None and sagara.last_bundle.sequence == 1
    assert sagara.status.counts == {"problem": 5, "potential": 2, "proposal": 3}
    assert sagara.progress == "0 dari 10"

    # verification waits until every record is reviewed
    with pytest.raises(ReviewRefused) as refused:
        verify_village(kec, DESA_CODE, "diterima")
    assert refused.value.code == "review.village_not_reviewed"
    assert "10 catatan belum direviu" in str(refused.value)
    review_record(kec, ids(kec, RecordKind.PROBLEM)[0], Decision("diterima"))
    assert line(completeness(kec), DESA_CODE).progress == "1 dari 10"
    review_everything(kec)
    verify_village(kec, DESA_CODE, "diterima", comment="Lengkap, sesuai berita acara musdes")
    sagara = line(completeness(kec), DESA_CODE)
    assert sagara.status.stage == "diverifikasi_kecamatan"
    assert sagara.progress == "10 dari 10"
    assert not sagara.status.changed_after_verification

    # a new revision arrives after verification: flagged, still verified, still reviewable
    revise(desa)
    send(desa, kec, tmp_path / "2", "desa-2.scb")
    sagara = line(completeness(kec), DESA_CODE)
    assert sagara.status.stage == "diverifikasi_kecamatan"
    assert sagara.status.changed_after_verification
    assert sagara.status.changed_since_review == 1
    assert sagara.last_bundle is not None and sagara.last_bundle.sequence == 2
    as_json = sagara.as_dict()
    assert as_json["changed_after_verification"] is True
    assert as_json["stage_label"] == "Diverifikasi kecamatan"

    # returning the village needs a reason
    with pytest.raises(ReviewInvalid):
        verify_village(kec, DESA_CODE, "perlu_perbaikan")
    verify_village(kec, DESA_CODE, "perlu_perbaikan", reason="data_belum_lengkap")
    assert line(completeness(kec), DESA_CODE).status.stage == "dikembalikan"
    with pytest.raises(ReviewInvalid) as refused_state:
        verify_village(kec, DESA_CODE, "ditolak", reason="duplikat")
    assert refused_state.value.problem_codes == ["verdict_state"]


def test_a_kecamatan_verifies_only_its_own_villages(kecamatan_ctx: AppContext) -> None:
    with pytest.raises(ReviewRefused) as refused:
        verify_village(kecamatan_ctx, "32.16.02.2001", "diterima")
    assert refused.value.code == "review.outside_area"
    with pytest.raises(ReviewRefused) as refused:
        verify_village(kecamatan_ctx, "32.16.01.2002", "diterima")
    assert refused.value.code == "review.village_empty"


def test_the_kabupaten_accepts_or_returns_the_kecamatan_verification(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=3, potentials=1, proposals=2, seed=12))
    send(desa, kec, tmp_path / "kec", "desa-1.scb")
    # the same bundle reaches the kabupaten (directly here; nested in a forward later)
    trust.pin_office(kab, desa.office.code, office_fingerprint(desa))
    bundle = next((tmp_path / "kec").iterdir())
    assert [r.status for r in import_files(kab, [bundle])] == ["imported"]

    with pytest.raises(ReviewRefused) as refused:
        verify_village(kab, DESA_CODE, "diterima")
    assert refused.value.code == "review.no_verification"

    review_everything(kec)
    verify_village(kec, DESA_CODE, "diterima")
    forward(kec, kab, tmp_path / "forward-1")
    report = completeness(kab)
    assert len(report.groups) == 23
    tarumajaya = report.groups[0]
    assert tarumajaya.code == KECAMATAN_CODE and len(tarumajaya.villages) == 8
    sagara = line(report, DESA_CODE)
    assert sagara.status.stage == "diverifikasi_kecamatan"
    assert sagara.progress == "6 dari 6"  # the kecamatan's reviews, as received
    assert tarumajaya.totals()["sent_percent"] == 12.5
    assert tarumajaya.totals()["verified_percent"] == 12.5
    assert sum(len(g.villages) for g in report.groups) == 187

    verify_village(kab, DESA_CODE, "diterima")
    report = completeness(kab)
    assert line(report, DESA_CODE).status.stage == "diterima_kabupaten"
    assert report.groups[0].totals()["accepted_percent"] == 12.5
    with pytest.raises(ReviewInvalid):
        verify_village(kab, DESA_CODE, "perlu_perbaikan")
    verify_village(kab, DESA_CODE, "perlu_perbaikan", reason="biaya_tidak_wajar")
    sagara = line(completeness(kab), DESA_CODE)
    assert sagara.status.stage == "dikembalikan"
    assert sagara.status.kabupaten_verdict is not None
    assert sagara.status.kabupaten_verdict.reason == "biaya_tidak_wajar"

    # the kecamatan verifies again (a new revision): the old verdict no longer applies
    verify_village(kec, DESA_CODE, "perlu_perbaikan", reason="biaya_tidak_wajar")
    verify_village(kec, DESA_CODE, "diterima", comment="Biaya sudah dirinci")
    forward(kec, kab, tmp_path / "forward-2")
    assert line(completeness(kab), DESA_CODE).status.stage == "diverifikasi_kecamatan"


def test_overdue_against_the_deadline_the_office_sets(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    kec = kecamatan_ctx
    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=13))
    send(desa_ctx, kec, tmp_path, "desa.scb")
    assert get_deadline(kec) is None
    assert not any(v.overdue for v in completeness(kec).groups[0].villages)
    set_deadline(kec, "2026-11-15")
    assert get_deadline(kec) == dt.date(2026, 11, 15)
    before = completeness(kec, today=dt.date(2026, 11, 15))
    assert not any(v.overdue for v in before.groups[0].villages)
    after = completeness(kec, today=dt.date(2026, 11, 16))
    late = [v.code for v in after.groups[0].villages if v.overdue]
    assert late == [c for c in TARUMAJAYA if c != DESA_CODE]
    assert after.groups[0].totals()["overdue"] == 7
    assert after.as_dict()["deadline"] == "2026-11-15"
    with pytest.raises(UserError) as refused:
        set_deadline(kec, "15/11/2026")
    assert refused.value.code == "completeness.bad_deadline"
    assert get_deadline(kec) == dt.date(2026, 11, 15)
    set_deadline(kec, None)
    assert get_deadline(kec) is None


def test_a_desa_has_no_completeness_page(desa_ctx: AppContext) -> None:
    with pytest.raises(UserError) as refused:
        completeness(desa_ctx)
    assert refused.value.code == "completeness.not_for_desa"
