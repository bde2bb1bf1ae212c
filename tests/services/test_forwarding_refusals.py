"""Forwarding refusals: all or nothing per outer bundle, each with a clear message, nothing
written (the database and the data folder's files compared before and after)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.exchange.kept import kept_path
from smartcity_desktop.services.import_report import BundleReport
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE, PASSPHRASE
from tests.services.forwarding_helpers import (
    database_state,
    files_state,
    pin,
    review_row,
    signed_bundle,
)
from tests.services.review_helpers import ids, new_office, send

pytestmark = pytest.mark.postgres_ready

OTHER_KECAMATAN_DESA = "32.16.02.2001"


@pytest.fixture
def chain(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> tuple[AppContext, AppContext, AppContext]:
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, photos=1, seed=5))
    send(desa_ctx, kecamatan_ctx, tmp_path / "sent", "desa-1.scb")
    pin(kabupaten_ctx, kecamatan_ctx, desa_ctx)
    return desa_ctx, kecamatan_ctx, kabupaten_ctx


def refused_without_a_trace(receiver: AppContext, files: list[Path]) -> BundleReport:
    before = (database_state(receiver), files_state(receiver))
    [report] = import_files(receiver, files)
    assert report.status == "refused"
    assert (database_state(receiver), files_state(receiver)) == before
    return report


def the_kept_bundle(kec: AppContext) -> Path:
    [kept] = [p for p in kec.paths.received_bundles.iterdir()]
    assert kept == kept_path(kec.paths, kept.stem)
    return kept


def test_one_changed_byte_of_a_nested_bundle_refuses_the_whole(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    original = the_kept_bundle(kec).read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    (tmp_path / "changed.scb").write_bytes(bytes(changed))
    # the kecamatan's own signature over the changed copy: only the village's signature is left
    outer = signed_bundle(kec, tmp_path / "outer.scb", forwarded=[tmp_path / "changed.scb"])
    report = refused_without_a_trace(kab, [outer])
    [finding] = report.findings
    assert finding.code == "manifest.hash_mismatch"
    # the village's bundle is damaged before its header can be read: the message names it by its
    # place in the forward bundle, says why its sender is unknown, and what is wrong
    name = f"data/forwarded/{hashlib.sha256(bytes(changed)).hexdigest()}.scb"
    assert finding.message.startswith(f"Paket teruskan {name} (pengirimnya tidak terbaca")
    assert "?" not in finding.message and "tidak cocok dengan daftar isi" in finding.message
    [nested] = report.forwarded
    assert nested.status == "refused" and nested.member == name


def test_a_changed_byte_in_the_outer_file_is_refused(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    from smartcity_desktop.services.exchange.forward import forward_bundle

    result = forward_bundle(kec, PASSPHRASE, tmp_path / "forward.scb")
    data = bytearray(result.paths[0].read_bytes())
    nested = the_kept_bundle(kec).read_bytes()
    at = bytes(data).index(nested[:4096]) + 2048  # inside the village's bundle
    data[at] ^= 0x01
    result.paths[0].write_bytes(bytes(data))
    report = refused_without_a_trace(kab, list(result.paths))
    assert report.findings


def test_a_desa_of_another_kecamatan_cannot_be_forwarded(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    other = open_context(new_office(tmp_path / "other", "desa", OTHER_KECAMATAN_DESA))
    try:
        generate(other, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=9))
        pin(kab, other)
        from smartcity_desktop.services.exchange import export_bundle

        foreign = export_bundle(other, PASSPHRASE, tmp_path / "foreign.scb").paths[0]
    finally:
        other.close()
    outer = signed_bundle(kec, tmp_path / "outer.scb", forwarded=[the_kept_bundle(kec), foreign])
    report = refused_without_a_trace(kab, [outer])
    assert "forwarded.not_allowed" in [f.code for f in report.findings]
    assert any(OTHER_KECAMATAN_DESA in f.message for f in report.findings)


def test_a_desa_sending_reviews_is_refused(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    desa, kec, _kab = chain
    problem = ids(desa, RecordKind.PROBLEM)[0]
    bundle = signed_bundle(
        desa,
        tmp_path / "desa-reviews.scb",
        records={"review": [review_row(desa.office.code, "problem", problem)]},
    )
    report = refused_without_a_trace(kec, [bundle])
    [finding] = report.findings
    assert finding.code == "record.review_not_allowed"
    assert "hanya kecamatan dan kabupaten yang mereviu" in finding.message


def test_a_desa_bundle_with_reviews_forwarded_refuses_the_whole_forward(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    desa, kec, kab = chain
    problem = ids(desa, RecordKind.PROBLEM)[0]
    with_reviews = signed_bundle(
        desa,
        tmp_path / "desa-reviews.scb",
        records={"review": [review_row(desa.office.code, "problem", problem)]},
    )
    outer = signed_bundle(
        kec, tmp_path / "outer.scb", forwarded=[the_kept_bundle(kec), with_reviews]
    )
    report = refused_without_a_trace(kab, [outer])
    [finding] = report.findings
    assert finding.code == "record.review_not_allowed"
    assert finding.message.startswith(f"Paket teruskan dari {DESA_CODE} nomor 50:")
    assert "hanya kecamatan dan kabupaten yang mereviu" in finding.message


def test_a_review_of_a_record_outside_the_reviewers_area_is_refused(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    other = open_context(new_office(tmp_path / "other", "desa", OTHER_KECAMATAN_DESA))
    try:
        generate(other, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=9))
        send(other, kab, tmp_path / "other-sent", "other.scb")
        foreign = ids(other, RecordKind.PROBLEM)[0]
    finally:
        other.close()
    outer = signed_bundle(
        kec,
        tmp_path / "outer.scb",
        records={"review": [review_row(kec.office.code, "problem", foreign, "ditolak")]},
    )
    report = refused_without_a_trace(kab, [outer])
    [finding] = report.findings
    assert finding.code == "record.review_outside_area"
    assert OTHER_KECAMATAN_DESA in finding.message


def test_a_review_of_a_village_outside_the_area_is_refused(
    chain: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    _desa, kec, kab = chain
    outer = signed_bundle(
        kec,
        tmp_path / "outer.scb",
        records={"review": [review_row(kec.office.code, "desa", OTHER_KECAMATAN_DESA)]},
    )
    report = refused_without_a_trace(kab, [outer])
    assert [f.code for f in report.findings] == ["record.review_outside_area"]
