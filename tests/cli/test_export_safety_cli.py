"""``smartcity export`` after an interrupted export: the skipped number is said, on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.cli.main import main
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.exchange import export_journal
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE


def test_export_names_the_number_an_interrupted_export_burnt(
    desa_paths: DataPaths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMARTCITY_PASSPHRASE", PASSPHRASE)
    ctx = open_context(desa_paths)
    try:
        generate(ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=5))
        # As a kill would leave it: number 1 reserved, no export finished.
        export_journal.reserve(ctx, key_id="x", full=False, counts={}, folder=tmp_path)
    finally:
        ctx.close()
    args = ["--data-dir", str(desa_paths.root), "export", "--out", str(tmp_path)]

    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "Paket nomor 2 dibuat" in out
    assert "Nomor 1 tidak terpakai" in err
    assert "smartcity-32.16.01.2001-000002.scb" in out

    ctx = open_context(desa_paths)
    try:
        generate(ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=6))
    finally:
        ctx.close()
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "Paket nomor 3 dibuat" in out
    assert "tidak terpakai" not in err  # said once, with the bundle that follows the gap
