"""Two importing and two reviewing processes on one office database at once (analysts' PCs on a
shared server; on SQLite, the desktop and scheduled CLI runs): nothing lost, nothing twice.

The importers are the real CLI (``smartcity import``) on the same bundles in opposite orders,
among them a second bundle under a number already used by the same village (a reused number).
The reviewers (tests/services/concurrency_reviewer.py) save reviews of the same records over and
over, each save naming the revision it loaded. Then: every bundle is in the ledger once or was
refused by both, the records are those of the imported bundles, and each review's revision counts
exactly the saves that went through (a lost update would leave it lower).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import BundleLedger, Review
from tests.services.review_helpers import ids, new_office
from tests.services.test_exchange import export, pin

pytestmark = pytest.mark.postgres_ready


ROOT = Path(__file__).resolve().parents[2]
OTHER_DESA = "32.16.01.2002"
ROUNDS = 3


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    assert "Traceback" not in err, err
    return process.returncode, out, err


def _bundles(desa: AppContext, other: AppContext, folder: Path) -> dict[str, Path]:
    """Three bundles of one village, two of another, and a forged second number of the first."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for n in (1, 2, 3):
        generate(desa, SampleRequest(problems=3, potentials=1, proposals=2, photos=0, seed=n))
        made[f"a{n}"] = export(desa, folder, f"a{n}.scb")
    for n in (1, 2):
        generate(other, SampleRequest(problems=2, potentials=2, proposals=1, photos=0, seed=n))
        made[f"b{n}"] = export(other, folder, f"b{n}.scb")
    # someone else signing as the first village, reusing its number 2
    with desa.db.transaction() as s:
        s.execute(text("DELETE FROM bundle_export WHERE sequence >= 2"))
    (desa.paths.root / "bundle-numbers.json").write_text('{"highest_sequence": 1}\n')
    generate(desa, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=99))
    made["forged2"] = export(desa, folder, "forged2.scb")
    return made


def test_two_importers_and_two_reviewers_lose_and_duplicate_nothing(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    other = open_context(new_office(tmp_path / "desa2", "desa", OTHER_DESA))
    try:
        bundles = _bundles(desa_ctx, other, tmp_path / "out")
        pin(kecamatan_ctx, desa_ctx)
        pin(kecamatan_ctx, other)
    finally:
        other.close()
    kec = kecamatan_ctx
    # the first bundle is in before the analysts start reviewing its records
    assert [r.status for r in import_files(kec, [bundles["a1"]], receipts=False)] == ["imported"]
    reviewed = ids(kec, RecordKind.PROBLEM) + ids(kec, RecordKind.PROPOSAL)
    data_dir = str(kec.paths.root)

    order = [bundles[k] for k in ("a2", "forged2", "a3", "b1", "b2", "a1")]
    cli = ("-m", "smartcity_desktop.cli.main", "--data-dir", data_dir, "import", "--json")
    importers = [
        _start(*cli, *map(str, order)),
        _start(*cli, *map(str, reversed(order))),
    ]
    reviewer = ("-m", "tests.services.concurrency_reviewer", data_dir)
    reviewers = [
        _start(*reviewer, "ani@PC-1", str(ROUNDS), *reviewed),
        _start(*reviewer, "budi@PC-2", str(ROUNDS), *reviewed),
    ]
    imports = [json.loads(_finish(p)[1]) for p in importers]
    reviews = [json.loads(_finish(p)[1]) for p in reviewers]

    # --- the ledger: every bundle once, the reused number refused ----------------------------
    by_file: dict[str, list[dict[str, Any]]] = {}
    for reports in imports:
        for report in reports:
            by_file.setdefault(Path(report["files"][0]).stem, []).append(report)
    statuses = {name: sorted(r["status"] for r in reports) for name, reports in by_file.items()}
    assert statuses["a1"] == ["already", "already"]
    for name in ("a3", "b1", "b2"):
        assert statuses[name] == ["already", "imported"], by_file[name]
    # whichever of the two second numbers came first is in; the other is refused by both
    winner, loser = ("a2", "forged2") if "imported" in statuses["a2"] else ("forged2", "a2")
    assert statuses[winner] == ["already", "imported"]
    assert statuses[loser] == ["refused", "refused"]
    for report in by_file[loser]:
        assert [p["code"] for p in report["problems"]] == ["ledger.sequence_reused"]
    with kec.db.session() as s:
        ledger = sorted(
            (r.sender_office, r.sequence, r.content_hash) for r in s.scalars(select(BundleLedger))
        )
        assert [(o, n) for o, n, _h in ledger] == [
            ("32.16.01.2001", 1),
            ("32.16.01.2001", 2),
            ("32.16.01.2001", 3),
            (OTHER_DESA, 1),
            (OTHER_DESA, 2),
        ]
        imported_hashes = {r["content_hash"] for rs in by_file.values() for r in rs}
        assert {h for _o, _n, h in ledger} <= imported_hashes
        # --- the records: exactly those of the bundles in the ledger --------------------------
        expected = {"problem": 0, "potential": 0, "proposal": 0}
        for name in ("a1", winner, "a3", "b1", "b2"):
            for kind in expected:
                expected[kind] += by_file[name][0]["record_counts"].get(kind, 0)
        stored = {k: s.scalar(text(f"SELECT count(*) FROM {k}")) for k in expected}
        assert stored == expected
        # --- the reviews: one per record, every save counted, none lost -----------------------
        rows = s.scalars(select(Review).where(Review.office_code == kec.office.code)).all()
        assert sorted(r.target_id for r in rows) == sorted(reviewed)
        for row in rows:
            saves = sum(r["saved"][row.target_id] for r in reviews)
            assert saves == 2 * ROUNDS
            assert row.revision == saves, (row.target_id, row.revision, saves)
            assert row.comment in {f"{p} putaran {ROUNDS - 1}" for p in ("ani@PC-1", "budi@PC-2")}
        assert s.scalar(select(func.count()).select_from(Review)) == len(reviewed)
