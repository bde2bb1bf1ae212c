"""``completeness`` at the kabupaten: the whole regency, stage deadlines, routes and filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.cli.test_cli import run
from tests.conftest import DESA_CODE, KECAMATAN_CODE
from tests.services.forwarding_helpers import accept_everything
from tests.services.review_helpers import forward, send

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kab(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> AppContext:
    """Sagara Makmur's bundle (3 + 1 + 2 records), verified by Tarumajaya, nested in its
    forward."""
    generate(desa_ctx, SampleRequest(problems=3, potentials=1, proposals=2, seed=31))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa.scb")
    accept_everything(kecamatan_ctx, DESA_CODE)
    trust.pin_office(kabupaten_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    forward(kecamatan_ctx, kabupaten_ctx, tmp_path / "forward")
    return kabupaten_ctx


def at(ctx: AppContext, *args: str) -> list[str]:
    return ["--data-dir", str(ctx.paths.root), *args]


def test_completeness_json_covers_the_regency(
    kab: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        *at(kab, "completeness", "--stage-deadline", "terkirim", "2020-01-15"),
        "--stage-deadline",
        "diverifikasi_kecamatan",
        "2020-01-31",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["role"] == "kabupaten"
    assert len(report["groups"]) == 23
    assert sum(len(g["villages"]) for g in report["groups"]) == 187
    assert report["deadline"] == "2020-01-15"
    assert report["deadlines"]["terkirim"]["passed"] is True
    assert report["deadlines"]["diterima_kabupaten"]["date"] is None
    tarumajaya = report["groups"][0]
    assert tarumajaya["code"] == KECAMATAN_CODE
    assert tarumajaya["totals"]["sent"] == 1 and tarumajaya["totals"]["sent_percent"] == 12.5
    assert tarumajaya["totals"]["verified_percent"] == 12.5
    assert tarumajaya["totals"]["late"]["terkirim"] == 7
    sagara = next(v for v in tarumajaya["villages"] if v["code"] == DESA_CODE)
    assert sagara["stage"] == "diverifikasi_kecamatan"
    assert sagara["counts"] == {"problem": 3, "potential": 1, "proposal": 2}
    assert sagara["last_bundle"]["via"] == {"code": KECAMATAN_CODE, "name": "Kecamatan Tarumajaya"}
    assert sagara["last_bundle"]["direct"] is False
    assert sagara["overdue"] is False and sagara["late_stages"] == []
    never = next(v for v in tarumajaya["villages"] if v["code"] == "32.16.01.2002")
    assert never["late_stages"] == ["terkirim", "diverifikasi_kecamatan"]
    totals = report["totals"]
    assert totals["villages"] == 187 and totals["sent"] == 1 and totals["overdue"] == 186
    assert totals["records"] == 6

    # Filters narrow the villages listed; the totals stay those of the whole area.
    code, out, err = run(capsys, *at(kab, "completeness", "--late", "--kecamatan", KECAMATAN_CODE))
    assert code == 0, err
    code, out, err = run(
        capsys, *at(kab, "completeness", "--json", "--kecamatan", KECAMATAN_CODE, "--late")
    )
    narrowed = json.loads(out)
    [group] = narrowed["groups"]
    assert len(group["villages"]) == 7 and group["totals"]["villages"] == 8
    assert narrowed["filter"] == {"kecamatan": KECAMATAN_CODE, "stage": None, "late": True}
    assert narrowed["totals"]["villages"] == 187


def test_completeness_text_and_deadline_errors(
    kab: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, *at(kab, "completeness", "--set-deadline", "2020-01-15"), "--stage", "belum_kirim"
    )
    assert code == 0, err
    assert "Tenggat Terkirim: 2020-01-15 (sudah lewat)" in out
    assert "Kecamatan Tarumajaya: 1 dari 8 desa mengirim (12.5%)" in out
    assert DESA_CODE not in out  # it sent: filtered out
    assert "32.16.01.2002" in out and "terlambat: terkirim" in out
    assert out.rstrip().splitlines()[-1].startswith("Total kabupaten: 1 dari 187 desa mengirim")

    code, out, err = run(capsys, *at(kab, "completeness", "--kecamatan", KECAMATAN_CODE))
    assert "paket #1" in out and "(lewat Kecamatan Tarumajaya)" in out

    # Out of order: refused with the reason, nothing changed.
    code, _out, err = run(
        capsys, *at(kab, "completeness", "--stage-deadline", "diterima_kabupaten", "2020-01-01")
    )
    assert code == 1 and "lebih awal dari tenggat Terkirim" in err
    code, _out, err = run(
        capsys, *at(kab, "completeness", "--stage-deadline", "disetujui", "2020-02-01")
    )
    assert code == 1 and "Tahap tenggat tidak dikenal" in err
    code, out, _err = run(
        capsys,
        *at(kab, "completeness", "--clear-deadline", "--clear-deadline", "terkirim", "--json"),
    )
    data = json.loads(out)
    assert data["deadline"] is None
    assert data["deadlines"]["diterima_kabupaten"]["date"] is None
    assert data["totals"]["overdue"] == 0
