"""What a desa sees of its kecamatan's and kabupaten's reviews: the "Hasil verifikasi"."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import Decision, review_record
from smartcity_desktop.services.review_results import (
    NOT_REVIEWED,
    REVIEW_RESULT,
    REVISED_SENT,
    REVISED_UNSENT,
    ReviewNote,
    deciding,
    result_code,
    result_label,
    review_banner,
    review_notes,
    short_date,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, KABUPATEN_CODE, KECAMATAN_CODE, PASSPHRASE
from tests.services.review_helpers import carry_reviews, ids, send

pytestmark = pytest.mark.postgres_ready


REPAIR = Decision("perlu_perbaikan", reason="foto_belum_ada", comment="Foto jalan rusak")


@pytest.fixture
def reviewed(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> tuple[AppContext, AppContext, list[str]]:
    """A desa whose 3 problems reached its kecamatan; nothing reviewed yet."""
    generate(desa_ctx, SampleRequest(problems=3, potentials=0, proposals=0, photos=0, seed=3))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    return desa_ctx, kecamatan_ctx, sorted(ids(desa_ctx, RecordKind.PROBLEM))


def results(ctx: AppContext) -> dict[str, str]:
    rows = RecordService(ctx).table_rows(RecordKind.PROBLEM, ["title", REVIEW_RESULT, "status"])
    assert all(len(r) == 4 for r in rows)
    return {r[0]: r[2] for r in rows}


def test_unreviewed_records_say_so(reviewed: tuple[AppContext, AppContext, list[str]]) -> None:
    desa, _kec, problems = reviewed
    assert results(desa) == dict.fromkeys(problems, NOT_REVIEWED)
    assert result_label(NOT_REVIEWED) == "belum diverifikasi"


def test_kecamatan_review_reaches_the_list_and_the_banner(
    reviewed: tuple[AppContext, AppContext, list[str]],
) -> None:
    desa, kecamatan, problems = reviewed
    review_record(kecamatan, problems[0], REPAIR)
    review_record(kecamatan, problems[1], Decision("diterima"))
    carry_reviews(kecamatan, desa)

    got = results(desa)
    assert got[problems[0]] == "perlu_perbaikan"
    assert got[problems[1]] == "diterima"
    assert got[problems[2]] == NOT_REVIEWED

    record = RecordService(desa).get(RecordKind.PROBLEM, problems[0])
    banner = review_banner(
        desa, RecordKind.PROBLEM, problems[0], record.revision, record.sent_revision
    )
    assert banner is not None and banner.needs_repair
    today = short_date(kecamatan.clock())
    assert banner.lines[0] == (
        f"Perlu perbaikan: Foto lokasi belum ada; Foto jalan rusak — Kecamatan Tarumajaya, {today}"
    )
    assert "revisi baru" in banner.lines[-1]
    assert review_banner(desa, RecordKind.PROBLEM, problems[2], 1, 1) is None


def test_revised_after_review_tells_whether_the_new_revision_went_out(
    reviewed: tuple[AppContext, AppContext, list[str]], tmp_path: Path
) -> None:
    desa, kecamatan, problems = reviewed
    review_record(kecamatan, problems[0], REPAIR)
    carry_reviews(kecamatan, desa)
    service = RecordService(desa)
    record = service.get(RecordKind.PROBLEM, problems[0])
    service.update(
        RecordKind.PROBLEM, problems[0], {**record.values, "description": "Sudah difoto ulang."}
    )
    assert results(desa)[problems[0]] == REVISED_UNSENT
    assert result_label(REVISED_UNSENT) == "diperbaiki, belum dikirim"
    record = service.get(RecordKind.PROBLEM, problems[0])
    banner = review_banner(
        desa, RecordKind.PROBLEM, problems[0], record.revision, record.sent_revision
    )
    assert banner is not None and banner.code == REVISED_UNSENT
    assert "belum dikirim" in banner.lines[-1]

    send(desa, kecamatan, tmp_path / "out2", "desa-2.scb")
    assert results(desa)[problems[0]] == REVISED_SENT
    assert result_label(REVISED_SENT) == "diperbaiki, menunggu verifikasi ulang"


def test_kabupaten_review_of_the_same_revision_decides_and_both_are_told(
    reviewed: tuple[AppContext, AppContext, list[str]],
    kabupaten_ctx: AppContext,
    tmp_path: Path,
) -> None:
    desa, kecamatan, problems = reviewed
    # The kabupaten holds the village's records too (the forward is another piece of work).
    service = RecordService(desa)
    record = service.get(RecordKind.PROBLEM, problems[0])
    service.update(RecordKind.PROBLEM, problems[0], {**record.values, "description": "Rev 2."})
    trust.pin_office(kecamatan, DESA_CODE, office_fingerprint(desa))
    trust.pin_office(kabupaten_ctx, DESA_CODE, office_fingerprint(desa))
    out = export_bundle(desa, PASSPHRASE, tmp_path / "desa-2.scb")
    for receiver in (kecamatan, kabupaten_ctx):
        assert [r.status for r in import_files(receiver, list(out.paths))] == ["imported"]

    review_record(kecamatan, problems[0], REPAIR)
    review_record(kabupaten_ctx, problems[0], Decision("diterima"))
    carry_reviews(kecamatan, desa)
    carry_reviews(kabupaten_ctx, desa)

    notes = review_notes(desa, RecordKind.PROBLEM)[problems[0]]
    assert [n.reviewer for n in notes] == [KECAMATAN_CODE, KABUPATEN_CODE]
    assert results(desa)[problems[0]] == "diterima"
    record = service.get(RecordKind.PROBLEM, problems[0])
    banner = review_banner(
        desa, RecordKind.PROBLEM, problems[0], record.revision, record.sent_revision
    )
    assert banner is not None and not banner.needs_repair
    assert banner.lines[0].startswith("Diterima — Kabupaten Bekasi")
    assert banner.lines[1].startswith("Perlu perbaikan: Foto lokasi belum ada")


def _note(reviewer: str, state: str, revision: int) -> ReviewNote:
    return ReviewNote("r1", reviewer, reviewer, state, None, None, revision, datetime(2026, 12, 3))


def test_the_newest_revision_reviewed_decides_then_the_office_higher_up() -> None:
    kec_new = _note(KECAMATAN_CODE, "perlu_perbaikan", 2)
    kab_old = _note(KABUPATEN_CODE, "diterima", 1)
    assert deciding([kab_old, kec_new]) is kec_new
    kab_same = _note(KABUPATEN_CODE, "diterima", 2)
    assert deciding([kec_new, kab_same]) is kab_same
    assert deciding([]) is None
    assert result_code(kec_new, 2, 1) == "perlu_perbaikan"
    assert result_code(kec_new, 3, 2) == REVISED_UNSENT
    assert result_code(kec_new, 3, 3) == REVISED_SENT
    assert result_code(None, 3, 3) == NOT_REVIEWED


def test_filters_still_apply_with_the_result_column(
    reviewed: tuple[AppContext, AppContext, list[str]],
) -> None:
    desa, kecamatan, problems = reviewed
    review_record(kecamatan, problems[0], REPAIR)
    carry_reviews(kecamatan, desa)
    rows = RecordService(desa).table_rows(
        RecordKind.PROBLEM, [REVIEW_RESULT], ListFilter(status="draft")
    )
    assert rows == []


def test_short_date_in_indonesian_and_english() -> None:
    from smartcity_desktop.i18n import set_language

    assert short_date(datetime(2026, 12, 3, 9, 0)) == "3 Des 2026"
    set_language("en")
    assert short_date(datetime(2026, 8, 17)) == "17 Aug 2026"
