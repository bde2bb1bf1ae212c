"""Kelengkapan at the kabupaten on a known regency built through the real chain.

Two kecamatan send: Tarumajaya (Sagara Makmur sends its bundle to the kabupaten directly as well;
Pantai Makmur's comes nested in the kecamatan's forward, verified) and Babelan (Bunibakti,
nested, verified and accepted by the kabupaten). Every other village never sent anything. The
expected numbers are counted here from what the test made and from the region table itself,
never from the completeness service.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartcity_desktop.errors import UserError
from smartcity_desktop.services import trust
from smartcity_desktop.services.completeness import (
    Completeness,
    CompletenessFilter,
    DeadlineStage,
    VillageLine,
    completeness,
    get_deadline,
    set_deadline,
    set_stage_deadline,
    set_stage_deadlines,
    stage_deadlines,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.review import stages, verify_village
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import DESA_CODE, KABUPATEN_CODE, KECAMATAN_CODE, copy_office
from tests.services.forwarding_helpers import accept_everything
from tests.services.review_helpers import forward, new_office, send

pytestmark = pytest.mark.postgres_ready

BABELAN = "32.16.02"
PANTAI_MAKMUR = "32.16.01.2003"
BUNIBAKTI = "32.16.02.2001"
# (problems, potentials, proposals) each village sent
SENT = {DESA_CODE: (3, 1, 2), PANTAI_MAKMUR: (2, 2, 1), BUNIBAKTI: (4, 0, 3)}
DEADLINES = {
    DeadlineStage.TERKIRIM: dt.date(2027, 1, 15),
    DeadlineStage.DIVERIFIKASI_KECAMATAN: dt.date(2027, 1, 31),
    DeadlineStage.DITERIMA_KABUPATEN: dt.date(2027, 2, 15),
}


@dataclass
class Regency:
    kab: AppContext
    kec: AppContext


@pytest.fixture(scope="module")
def built_regency(
    office_templates: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The offices, built once for this module; each test works on its own copy."""
    root = tmp_path_factory.mktemp("regency")
    desa = open_context(copy_office(office_templates, "desa", root / "desa"))
    kec = open_context(copy_office(office_templates, "kecamatan", root / "kecamatan"))
    kab = open_context(copy_office(office_templates, "kabupaten", root / "kabupaten"))
    babelan = open_context(new_office(root / "babelan", "kecamatan", BABELAN))
    pantai = open_context(new_office(root / "pantai", "desa", PANTAI_MAKMUR))
    buni = open_context(new_office(root / "buni", "desa", BUNIBAKTI))
    try:
        for n, (ctx, receiver) in enumerate(((desa, kec), (pantai, kec), (buni, babelan))):
            p, q, u = SENT[ctx.office.code]
            generate(ctx, SampleRequest(problems=p, potentials=q, proposals=u, seed=40 + n))
            send(ctx, receiver, root / f"out-{n}", f"desa-{n}.scb")
        # Sagara Makmur's bundle also reaches the kabupaten directly, before any forward.
        trust.pin_office(kab, DESA_CODE, office_fingerprint(desa))
        direct = next((root / "out-0").iterdir())
        assert [r.status for r in import_files(kab, [direct])] == ["imported"]
        for village in (pantai, buni):  # the kabupaten knows every village's key
            trust.pin_office(kab, village.office.code, office_fingerprint(village))
        accept_everything(kec, PANTAI_MAKMUR)
        accept_everything(babelan, BUNIBAKTI)
        forward(kec, kab, root / "fw-kec")
        forward(babelan, kab, root / "fw-babelan")
        verify_village(kab, BUNIBAKTI, "diterima")
        set_stage_deadlines(kab, DEADLINES)
    finally:
        for ctx in (desa, kec, kab, babelan, pantai, buni):
            ctx.close()
    return root


@pytest.fixture
def regency(built_regency: Path, tmp_path: Path) -> Iterator[Regency]:
    root = tmp_path / "regency"
    shutil.copytree(built_regency, root)
    contexts = [open_context(DataPaths(root / name)) for name in ("kabupaten", "kecamatan")]
    try:
        yield Regency(*contexts)
    finally:
        for ctx in contexts:
            ctx.close()


def region_villages(ctx: AppContext) -> dict[str, list[str]]:
    """Villages per kecamatan of the kabupaten, read from the office's region table directly."""
    db = sqlite3.connect(ctx.paths.database)
    try:
        kecamatan = [
            code
            for (code,) in db.execute(
                "SELECT code FROM region WHERE parent_code = ? ORDER BY code", (KABUPATEN_CODE,)
            )
        ]
        return {
            k: [
                c
                for (c,) in db.execute(
                    "SELECT code FROM region WHERE parent_code = ? ORDER BY code", (k,)
                )
            ]
            for k in kecamatan
        }
    finally:
        db.close()


def line(report: Completeness, code: str) -> VillageLine:
    return next(v for v in report.lines() if v.code == code)


def pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def test_every_village_grouped_by_kecamatan_with_route_counts_and_stage(
    regency: Regency,
) -> None:
    report = completeness(regency.kab, today=dt.date(2027, 1, 10))
    expected = region_villages(regency.kab)
    assert len(expected) == 23 and sum(len(v) for v in expected.values()) == 187
    assert [g.code for g in report.groups] == list(expected)
    assert {g.code: [v.code for v in g.villages] for g in report.groups} == expected

    sagara, pantai, buni = (line(report, c) for c in (DESA_CODE, PANTAI_MAKMUR, BUNIBAKTI))
    assert sagara.last_bundle is not None and sagara.last_bundle.via_office is None
    assert sagara.last_bundle.route == "langsung"
    assert pantai.last_bundle is not None and pantai.last_bundle.via_office == KECAMATAN_CODE
    assert pantai.last_bundle.route == "lewat Kecamatan Tarumajaya"
    assert buni.last_bundle is not None and buni.last_bundle.via_office == BABELAN
    assert buni.last_bundle.via_name == "Kecamatan Babelan"
    for village in (sagara, pantai, buni):
        p, q, u = SENT[village.code]
        assert village.status.counts == {"problem": p, "potential": q, "proposal": u}
        assert village.last_bundle is not None and village.last_bundle.sequence == 1
    assert sagara.status.stage == "diterima"
    assert pantai.status.stage == "diverifikasi_kecamatan"
    assert pantai.progress == "5 dari 5"  # Tarumajaya's reviews, carried by its forward
    assert buni.status.stage == "diterima_kabupaten"
    never = [v for v in report.lines() if v.code not in SENT]
    assert len(never) == 184
    assert all(v.status.stage == "belum_kirim" and v.last_bundle is None for v in never)
    assert all(v.status.total == 0 for v in never)
    # Before any deadline: nobody late.
    assert not any(v.overdue for v in report.lines())

    as_json = report.as_dict()
    pantai_json = next(
        v for g in as_json["groups"] for v in g["villages"] if v["code"] == PANTAI_MAKMUR
    )
    assert pantai_json["last_bundle"]["direct"] is False
    assert pantai_json["last_bundle"]["via"] == {
        "code": KECAMATAN_CODE,
        "name": "Kecamatan Tarumajaya",
    }
    assert as_json["deadlines"]["diverifikasi_kecamatan"] == {
        "label": "Diverifikasi kecamatan",
        "date": "2027-01-31",
        "passed": False,
    }


def test_totals_per_kecamatan_and_regency_match_an_independent_count(
    regency: Regency,
) -> None:
    report = completeness(regency.kab, today=dt.date(2027, 2, 1))
    expected = region_villages(regency.kab)
    sent = set(SENT)
    verified = {PANTAI_MAKMUR, BUNIBAKTI}
    accepted = {BUNIBAKTI}
    records = {code: sum(counts) for code, counts in SENT.items()}
    for group in report.groups:
        villages = expected[group.code]
        n = len(villages)
        t = group.totals()
        in_group = [c for c in villages if c in sent]
        assert t["villages"] == n
        assert t["sent"] == len(in_group)
        assert t["sent_percent"] == pct(len(in_group), n)
        assert t["verified_percent"] == pct(len([c for c in villages if c in verified]), n)
        assert t["accepted_percent"] == pct(len([c for c in villages if c in accepted]), n)
        group_records = sum(records.get(c, 0) for c in villages)
        assert t["records"] == group_records
        verified_records = sum(records[c] for c in villages if c in verified)
        assert t["records_verified_percent"] == pct(verified_records, group_records)
        # 15 Jan and 31 Jan have passed: never-sent villages are late for both stages, a sent
        # one not verified for the second; 15 Feb is still ahead.
        assert t["late"] == {
            "terkirim": n - len(in_group),
            "diverifikasi_kecamatan": len([c for c in villages if c not in verified]),
            "diterima_kabupaten": 0,
        }
    tarumajaya = report.groups[0].totals()
    assert tarumajaya["sent_percent"] == 25.0  # 2 of 8
    assert tarumajaya["verified_percent"] == 12.5
    assert tarumajaya["reviewed"] == 5 and tarumajaya["reviewed_percent"] == pct(5, 11)
    babelan = next(g for g in report.groups if g.code == BABELAN).totals()
    assert babelan["accepted"] == 1 and babelan["accepted_percent"] == pct(1, 9)

    regency_totals = report.totals()
    assert regency_totals["villages"] == 187
    assert regency_totals["sent"] == 3 and regency_totals["sent_percent"] == pct(3, 187)
    assert regency_totals["verified"] == 2 and regency_totals["accepted"] == 1
    assert regency_totals["records"] == sum(records.values())
    assert regency_totals["counts"] == {
        kind: sum(c[n] for c in SENT.values())
        for n, kind in enumerate(("problem", "potential", "proposal"))
    }
    assert regency_totals["overdue"] == 185  # everyone but the two verified villages
    assert report.as_dict()["totals"] == regency_totals

    sagara = line(report, DESA_CODE)
    assert sagara.late_stages == (DeadlineStage.DIVERIFIKASI_KECAMATAN,)
    never = line(report, "32.16.01.2002")
    assert never.late_stages == (DeadlineStage.TERKIRIM, DeadlineStage.DIVERIFIKASI_KECAMATAN)
    assert line(report, PANTAI_MAKMUR).late_stages == ()

    # After the last deadline the verified-but-not-accepted village is late too.
    later = completeness(regency.kab, today=dt.date(2027, 2, 16))
    assert line(later, PANTAI_MAKMUR).late_stages == (DeadlineStage.DITERIMA_KABUPATEN,)
    assert line(later, BUNIBAKTI).late_stages == ()
    assert later.totals()["late"]["diterima_kabupaten"] == 186


def test_filters_keep_the_groups_whole(regency: Regency) -> None:
    report = completeness(regency.kab, today=dt.date(2027, 2, 1))
    only_late = CompletenessFilter(late_only=True).apply(report)
    assert sum(len(lines) for _g, lines in only_late) == 185
    babelan = CompletenessFilter(kecamatan=BABELAN).apply(report)
    assert [g.code for g, _l in babelan] == [BABELAN]
    assert len(babelan[0][1]) == len(region_villages(regency.kab)[BABELAN])
    verified = CompletenessFilter(stage="diverifikasi_kecamatan").apply(report)
    assert [(g.code, [v.code for v in lines]) for g, lines in verified] == [
        (KECAMATAN_CODE, [PANTAI_MAKMUR])
    ]
    assert verified[0][0].totals()["villages"] == 8  # the group's totals stay whole
    nothing = CompletenessFilter(kecamatan=BABELAN, stage="diverifikasi_kecamatan")
    assert nothing.apply(report) == []


def kept_file(ctx: AppContext) -> Path:
    return ctx.paths.root / "cache" / "kelengkapan.json"


def as_new_process() -> None:
    """Forget what this process kept in memory: the next read starts from the cache file."""
    stages._KEPT.clear()


def test_new_data_after_a_read_is_counted(regency: Regency, tmp_path: Path) -> None:
    before = completeness(regency.kab)
    assert line(before, DESA_CODE).status.reviewed == 0
    stale = kept_file(regency.kab).read_bytes()
    accept_everything(regency.kec, DESA_CODE)
    forward(regency.kec, regency.kab, tmp_path / "fw-again")
    after = completeness(regency.kab)
    sagara = line(after, DESA_CODE)
    assert sagara.status.reviewed == 6 and sagara.status.stage == "diverifikasi_kecamatan"
    assert sagara.last_bundle is not None and sagara.last_bundle.via_office is None
    assert after.groups[0].totals()["verified_percent"] == 25.0
    # A new process that finds the file written before the forward reads the new data again.
    kept_file(regency.kab).write_bytes(stale)
    as_new_process()
    assert line(completeness(regency.kab), DESA_CODE).status.reviewed == 6


def test_the_kept_file_is_only_a_cache(regency: Regency) -> None:
    today = dt.date(2027, 2, 1)
    first = completeness(regency.kab, today=today).as_dict()
    assert kept_file(regency.kab).is_file()
    as_new_process()
    assert completeness(regency.kab, today=today).as_dict() == first
    kept_file(regency.kab).write_text("{bukan json", encoding="utf-8")
    as_new_process()
    assert completeness(regency.kab, today=today).as_dict() == first
    kept_file(regency.kab).unlink()
    as_new_process()
    assert completeness(regency.kab, today=today).as_dict() == first
    assert not list(kept_file(regency.kab).parent.glob("*.partial"))


def test_stage_deadlines_are_stored_checked_and_cleared(regency: Regency) -> None:
    kab = regency.kab
    assert stage_deadlines(kab) == DEADLINES
    assert get_deadline(kab) == DEADLINES[DeadlineStage.TERKIRIM]  # the sending deadline
    # Out of order: refused, nothing stored.
    with pytest.raises(UserError) as refused:
        set_stage_deadline(kab, "diverifikasi_kecamatan", "2027-01-10")
    assert refused.value.code == "completeness.deadline_order"
    assert "lebih awal dari tenggat Terkirim" in str(refused.value)
    with pytest.raises(UserError) as refused:
        set_stage_deadlines(kab, {"terkirim": "2027-01-01", "diterima_kabupaten": "31/01/2027"})
    assert refused.value.code == "completeness.bad_deadline"
    with pytest.raises(UserError) as refused:
        set_stage_deadline(kab, "disetujui", "2027-01-01")
    assert refused.value.code == "completeness.bad_stage"
    assert stage_deadlines(kab) == DEADLINES
    set_stage_deadline(kab, "diverifikasi kecamatan", None)
    set_deadline(kab, "2027-01-20")
    assert stage_deadlines(kab) == {
        DeadlineStage.TERKIRIM: dt.date(2027, 1, 20),
        DeadlineStage.DIVERIFIKASI_KECAMATAN: None,
        DeadlineStage.DITERIMA_KABUPATEN: DEADLINES[DeadlineStage.DITERIMA_KABUPATEN],
    }


def test_a_kecamatan_keeps_its_one_sending_deadline(regency: Regency) -> None:
    kec = regency.kec
    set_deadline(kec, "2027-01-15")
    with pytest.raises(UserError) as refused:
        set_stage_deadline(kec, "diterima_kabupaten", "2027-02-15")
    assert refused.value.code == "completeness.stage_not_here"
    assert stage_deadlines(kec) == {DeadlineStage.TERKIRIM: dt.date(2027, 1, 15)}
    report = completeness(kec, today=dt.date(2027, 2, 1))
    late = [v.code for v in report.lines() if v.overdue]
    assert late == [c for c in region_villages(regency.kab)[KECAMATAN_CODE] if c not in SENT]
    data = report.as_dict()
    assert set(data["deadlines"]) == {"terkirim"}
    assert data["deadline"] == "2027-01-15"
    assert [g["code"] for g in data["groups"]] == [KECAMATAN_CODE]
