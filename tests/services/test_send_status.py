"""The send status says what is true: unpacked changes, drafts, the last bundle, and receipt only
once the kecamatan has answered about this village's data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import Decision, review_record
from smartcity_desktop.services.send_status import describe_send_status, send_status
from tests.conftest import PASSPHRASE
from tests.services.review_helpers import carry_reviews, ids, send

pytestmark = pytest.mark.postgres_ready


PROBLEM: dict[str, Any] = {
    "title": "Banjir rob di RW 02",
    "description": "Air laut masuk ke permukiman setiap bulan purnama.",
    "dimension": "environment",
    "sub_element": "proteksi_lingkungan",
    "severity": "berat",
}


def text_of(ctx: AppContext) -> str:
    return describe_send_status(send_status(ctx), ctx.office.role)


def test_a_new_office_has_nothing_to_send_and_never_claims_sent(desa_ctx: AppContext) -> None:
    assert text_of(desa_ctx) == "Belum ada data final untuk dikirim"
    assert "dikirim" not in text_of(desa_ctx).replace("untuk dikirim", "")


def test_a_waiting_draft_is_named(desa_ctx: AppContext) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=False)
    assert text_of(desa_ctx) == "Draf menunggu: 1"


def test_final_changes_are_counted_until_packed(desa_ctx: AppContext) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=False)
    assert text_of(desa_ctx) == (
        "Belum masuk paket: 1 perubahan · Draf menunggu: 1 · belum pernah membuat paket"
    )


def test_a_made_bundle_is_not_yet_received(desa_ctx: AppContext, tmp_path: Path) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    export_bundle(desa_ctx, PASSPHRASE, tmp_path / "desa.scb")
    status = send_status(desa_ctx)
    assert status.unsent == 0 and status.last_sequence == 1 and not status.received
    text = text_of(desa_ctx)
    assert text.startswith("Paket 1 dibuat ")
    assert text.endswith(", belum ada tanda diterima kantor kecamatan")
    assert "diterima kantor kecamatan" not in text.replace("tanda diterima", "")


def test_feedback_from_the_kecamatan_means_received(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    review_record(kecamatan_ctx, ids(kecamatan_ctx, RecordKind.PROBLEM)[0], Decision("diterima"))
    assert not send_status(desa_ctx).received
    carry_reviews(kecamatan_ctx, desa_ctx)
    assert send_status(desa_ctx).received
    assert text_of(desa_ctx).startswith("Paket 1 (")
    assert text_of(desa_ctx).endswith(") diterima kantor kecamatan")
    # A newer change after that is again only waiting to be packed.
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    assert text_of(desa_ctx).startswith("Belum masuk paket: 1 perubahan · Paket 1 (")


def test_a_later_bundle_waits_for_its_own_answer(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    review_record(kecamatan_ctx, ids(kecamatan_ctx, RecordKind.PROBLEM)[0], Decision("diterima"))
    carry_reviews(kecamatan_ctx, desa_ctx)
    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    export_bundle(desa_ctx, PASSPHRASE, tmp_path / "desa-2.scb")
    assert "Paket 2 dibuat" in text_of(desa_ctx)
    assert not send_status(desa_ctx).received


def test_the_kabupaten_has_nobody_above_it_and_no_send_status(
    kabupaten_ctx: AppContext,
) -> None:
    from smartcity_desktop.services.send_status import send_status_tooltip

    assert text_of(kabupaten_ctx) == ""
    assert send_status_tooltip("kabupaten") == ""


def test_a_kecamatan_counts_its_reviews_and_the_village_bundles_to_forward(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.exchange.forward import forward_bundle

    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    assert text_of(kecamatan_ctx) == "Paket desa belum diteruskan: 1 · belum pernah membuat paket"
    review_record(kecamatan_ctx, ids(kecamatan_ctx, RecordKind.PROBLEM)[0], Decision("diterima"))
    assert text_of(kecamatan_ctx) == (
        "Belum masuk paket: 1 perubahan · Paket desa belum diteruskan: 1 · "
        "belum pernah membuat paket"
    )
    forward_bundle(kecamatan_ctx, PASSPHRASE, tmp_path / "forward.scb")
    status = send_status(kecamatan_ctx)
    assert (status.unsent, status.unforwarded, status.last_sequence) == (0, 0, 1)
    assert text_of(kecamatan_ctx).startswith("Paket 1 dibuat ")


def test_feedback_sent_down_is_not_taken_for_the_bundle_sent_up(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.exchange.feedback import feedback_bundles
    from smartcity_desktop.services.exchange.forward import forward_bundle

    RecordService(desa_ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    review_record(kecamatan_ctx, ids(kecamatan_ctx, RecordKind.PROBLEM)[0], Decision("diterima"))
    forward_bundle(kecamatan_ctx, PASSPHRASE, tmp_path / "forward.scb")
    before = text_of(kecamatan_ctx)
    (tmp_path / "hasil").mkdir()
    written = feedback_bundles(kecamatan_ctx, PASSPHRASE, tmp_path / "hasil")
    assert written, "the kecamatan wrote feedback for its desa"
    status = send_status(kecamatan_ctx)
    # The feedback took number 2; what went up to the kabupaten is still bundle 1.
    assert status.last_sequence == 1
    assert text_of(kecamatan_ctx) == before
