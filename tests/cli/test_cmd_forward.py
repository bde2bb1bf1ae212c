"""``forward``, ``feedback`` and the dry run of a forward bundle, on real data folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.cli.test_cli import run
from tests.conftest import DESA_CODE, KECAMATAN_CODE, PASSPHRASE
from tests.services.forwarding_helpers import pin
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


def at(ctx: AppContext, *args: str) -> list[str]:
    return ["--data-dir", str(ctx.paths.root), *args]


def test_forward_then_import_and_feedback_from_the_command_line(
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    kabupaten_ctx: AppContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)
    desa, kec, kab = desa_ctx, kecamatan_ctx, kabupaten_ctx
    generate(desa, SampleRequest(problems=2, potentials=0, proposals=0, photos=0, seed=4))
    send(desa, kec, tmp_path / "up", "desa.scb")
    problem = ids(kec, RecordKind.PROBLEM)[0]
    code, _out, err = run(
        capsys,
        *at(kec, "review", "set", problem, "--state", "perlu_perbaikan", "--reason",
            "foto_belum_ada", "--comment", "foto lokasi belum ada"),
    )  # fmt: skip
    assert code == 0, err

    code, out, err = run(capsys, *at(kec, "forward", "--out", str(tmp_path / "fwd.scb")))
    assert code == 0, err
    assert "1 paket desa diteruskan, 1 reviu" in out
    pin(kab, kec, desa)
    code, out, err = run(capsys, *at(kab, "import", "--dry-run", str(tmp_path / "fwd.scb")))
    assert code == 0, err
    assert f"Paket teruskan dari {DESA_CODE}, nomor 1: RENCANA" in out
    code, out, err = run(capsys, *at(kab, "import", "--json", str(tmp_path / "fwd.scb")))
    assert code == 0, err
    [report] = json.loads(out)
    assert report["sender"]["office"] == KECAMATAN_CODE
    assert [(n["sender"]["office"], n["status"]) for n in report["forwarded"]] == [
        (DESA_CODE, "imported")
    ]
    code, _out, err = run(capsys, *at(kec, "forward", "--out", str(tmp_path / "again.scb")))
    assert code == 1 and "Tidak ada paket desa yang belum diteruskan" in err
    code, _out, err = run(
        capsys, *at(kec, "forward", "--out", str(tmp_path / "x.scb"), "--desa", "32.16.02.2001")
    )
    assert code == 1 and "tidak berada di bawah" in err

    (tmp_path / "down").mkdir()
    code, out, err = run(capsys, *at(kec, "feedback", "--out", str(tmp_path / "down")))
    assert code == 0, err
    assert f"Desa {DESA_CODE}: paket nomor" in out
    [bundle] = list((tmp_path / "down").iterdir())
    pin(desa, kec)
    code, out, err = run(capsys, *at(desa, "import", str(bundle)))
    assert code == 0, err
    code, out, err = run(capsys, *at(desa, "review", "list", "--json"))
    [review] = json.loads(out)
    assert review["state"] == "perlu_perbaikan" and review["comment"] == "foto lokasi belum ada"
    code, _out, err = run(capsys, *at(desa, "forward", "--out", str(tmp_path / "d.scb")))
    assert code == 1 and "Hanya kecamatan" in err
