"""``review set``, ``review verify``, ``review list`` and ``completeness`` on real data folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.cli.test_cli import run
from tests.conftest import DESA_CODE
from tests.services.review_helpers import feedback, ids, send

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kec(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=3, potentials=1, proposals=2, seed=21))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa.scb")
    return kecamatan_ctx


def at(ctx: AppContext, *args: str) -> list[str]:
    return ["--data-dir", str(ctx.paths.root), *args]


def test_review_set_and_list_with_json(kec: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    problems = ids(kec, RecordKind.PROBLEM)
    proposal = ids(kec, RecordKind.PROPOSAL)[0]
    code, out, err = run(
        capsys,
        *at(kec, "review", "set", problems[0], "--state", "perlu_perbaikan"),
        "--reason",
        "Foto lokasi belum ada",
        "--comment",
        "Mohon foto titik banjir",
    )
    assert code == 0, err
    assert "1 catatan diubah" in out
    code, out, err = run(
        capsys, *at(kec, "review", "set", proposal, "--state", "diterima", "--priority", "1")
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        *at(kec, "review", "set", problems[1], problems[2], "--state", "dialihkan"),
        "--reason",
        "kewenangan_opd_lain",
        "--to-urusan",
        "1.03",
        "--to-level",
        "kabupaten",
        "--json",
    )
    assert code == 0, err
    both = json.loads(out)
    assert [r["target_id"] for r in both] == problems[1:3]
    assert {r["redirect_urusan"] for r in both} == {"1.03"}

    code, out, err = run(capsys, *at(kec, "review", "list", "--json"))
    assert code == 0, err
    reviews = json.loads(out)
    assert len(reviews) == 4
    first = next(r for r in reviews if r["target_id"] == problems[0])
    assert first["state"] == "perlu_perbaikan" and first["reason"] == "foto_belum_ada"
    assert first["reason_label"] == "Foto lokasi belum ada"
    assert first["comment"] == "Mohon foto titik banjir"
    assert first["reviewer"] == kec.office.code and first["record_office"] == DESA_CODE
    assert first["changed_since_review"] is False
    assert set(first) >= {
        "id",
        "revision",
        "content_hash",
        "target_kind",
        "target_revision",
        "target_hash",
        "priority",
        "merge_into",
        "redirect_opd",
        "fixed_after_return",
    }
    code, out, _err = run(capsys, *at(kec, "review", "list", "--state", "diterima", "--json"))
    assert [r["priority"] for r in json.loads(out)] == [1]
    code, out, _err = run(capsys, *at(kec, "review", "list", "--desa", "32.16.01.2002", "--json"))
    assert json.loads(out) == []
    code, out, _err = run(capsys, *at(kec, "review", "list", "--state", "dialihkan"))
    assert code == 0 and out.count("Dialihkan") == 2
    assert "Kewenangan OPD atau urusan lain" in out
    assert "oleh" not in out  # this office's own reviews


def test_review_set_refusals_exit_1_and_usage_errors_exit_2(
    kec: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = ids(kec, RecordKind.PROBLEM)[0]
    code, _out, err = run(capsys, *at(kec, "review", "set", problem, "--state", "ditolak"))
    assert code == 1 and "Alasan wajib dipilih" in err
    code, _out, err = run(
        capsys, *at(kec, "review", "set", problem, "--state", "diterima", "--priority", "2")
    )
    assert code == 1 and "hanya untuk usulan inovasi" in err
    code, _out, err = run(capsys, *at(kec, "review", "set", problem, "--state", "batal"))
    assert code == 2
    code, _out, err = run(
        capsys, *at(kec, "review", "set", problem, "--state", "diterima", "--priority", "0")
    )
    assert code == 2
    code, out, _err = run(capsys, *at(kec, "review", "list", "--json"))
    assert json.loads(out) == []


def test_a_desa_lists_the_reviews_of_its_records_and_cannot_review(
    kec: AppContext, desa_ctx: AppContext, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    problem = ids(kec, RecordKind.PROBLEM)[0]
    code, _out, err = run(
        capsys, *at(kec, "review", "set", problem, "--state", "ditolak", "--reason", "duplikat")
    )
    assert code == 0, err
    code, _out, err = run(capsys, *at(desa_ctx, "review", "set", problem, "--state", "diterima"))
    assert code == 1 and "Kantor desa tidak mereviu" in err
    feedback(kec, desa_ctx, tmp_path / "feedback")
    code, out, err = run(capsys, *at(desa_ctx, "review", "list", "--json"))
    assert code == 0, err
    [review] = json.loads(out)
    assert review["target_id"] == problem and review["reviewer"] == kec.office.code
    assert review["trust_level"] == "locally_trusted"
    code, out, _err = run(capsys, *at(desa_ctx, "review", "list"))
    assert "Ditolak" in out and "oleh 32.16.01" in out


def test_completeness_and_verify(kec: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *at(kec, "completeness", "--json"))
    assert code == 0, err
    report = json.loads(out)
    [group] = report["groups"]
    assert group["name"] == "Kecamatan Tarumajaya"
    assert len(group["villages"]) == 8
    sagara = next(v for v in group["villages"] if v["code"] == DESA_CODE)
    assert sagara["stage"] == "diterima" and sagara["progress"] == "0 dari 6"
    assert sagara["last_bundle"]["sequence"] == 1
    assert sagara["counts"] == {"problem": 3, "potential": 1, "proposal": 2}
    never = next(v for v in group["villages"] if v["code"] == "32.16.01.2002")
    assert never["stage"] == "belum_kirim" and never["last_bundle"] is None
    assert group["totals"]["sent"] == 1 and group["totals"]["sent_percent"] == 12.5

    code, _out, err = run(capsys, *at(kec, "review", "verify", DESA_CODE, "--state", "diterima"))
    assert code == 1 and "belum direviu" in err
    all_ids = [i for kind in RecordKind for i in ids(kec, kind)]
    code, _out, err = run(capsys, *at(kec, "review", "set", *all_ids, "--state", "diterima"))
    assert code == 0, err
    code, out, err = run(capsys, *at(kec, "review", "verify", DESA_CODE, "--state", "diterima"))
    assert code == 0, err

    code, out, err = run(capsys, *at(kec, "completeness", "--set-deadline", "2020-01-31"))
    assert code == 0, err
    assert "Tenggat pengiriman: 2020-01-31" in out
    assert "Kecamatan Tarumajaya: 1 dari 8 desa mengirim (12.5%)" in out
    assert "Diverifikasi kecamatan" in out and "6 dari 6" in out
    assert out.count("terlambat") == 7
    code, _out, err = run(capsys, *at(kec, "completeness", "--set-deadline", "kemarin"))
    assert code == 1 and "Tenggat tidak valid" in err
    code, out, _err = run(capsys, *at(kec, "completeness", "--clear-deadline", "--json"))
    assert json.loads(out)["deadline"] is None
