"""Two imports running at once on one office database (two analyst PCs, or the desktop and a
scheduled CLI run): one bundle is imported exactly once, a reused number is still refused.

The second import is started while the first is between writing its rows and writing its ledger
entry (the progress callback after a chunk of rows), and runs in its own thread with its own
connection, as another PC would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.exchange.importer import rows_written_hook
from smartcity_desktop.services.import_report import BundleReport
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import BundleLedger
from tests.services.test_exchange import export, pin, state
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def other_pc(kecamatan_ctx: AppContext) -> Iterator[AppContext]:
    other = open_context(kecamatan_ctx.paths)
    try:
        yield other
    finally:
        other.close()


def race(
    first: AppContext, second: AppContext, first_files: list[Path], second_files: list[Path]
) -> tuple[BundleReport, BundleReport]:
    """``first`` imports; once its rows are written (before its ledger entry), ``second`` starts
    on another thread; the first waits a moment (the second is then past its ledger check, or
    waiting for its turn) and commits."""
    out: dict[str, list[BundleReport] | BaseException] = {}

    def run_second() -> None:
        try:
            out["second"] = import_files(second, second_files, receipts=False)
        except BaseException as exc:
            out["second"] = exc

    thread = threading.Thread(target=run_second)

    def start_second(_content_hash: str) -> None:
        if threading.current_thread() is not thread and not thread.is_alive():
            thread.start()
            time.sleep(1.0)

    with rows_written_hook(start_second):
        reports = import_files(first, first_files, receipts=False)
    thread.join(60)
    second_result = out["second"]
    assert not isinstance(second_result, BaseException), repr(second_result)
    assert len(reports) == len(second_result) == 1
    return reports[0], second_result[0]


def ledger_rows(ctx: AppContext) -> list[tuple[str, int]]:
    with ctx.db.session() as s:
        return [
            (r.sender_office, r.sequence)
            for r in s.scalars(select(BundleLedger).order_by(BundleLedger.sequence))
        ]


def test_the_same_bundle_imported_twice_at_once_is_imported_exactly_once(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, other_pc: AppContext, tmp_path: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=5, potentials=2, proposals=3, photos=0, seed=3))
    bundle = export(desa_ctx, tmp_path, "1.scb")
    pin(kecamatan_ctx, desa_ctx)

    first, second = race(kecamatan_ctx, other_pc, [bundle], [bundle])

    assert first.status == "imported"
    assert second.status == "already", second.findings
    assert [f.code for f in second.findings] == ["ledger.already_imported"]
    assert "sudah pernah diimpor" in second.findings[0].message
    assert ledger_rows(kecamatan_ctx) == [(desa_ctx.office.code, 1)]
    with kecamatan_ctx.db.session() as s:
        counts = [
            s.scalar(text(f"SELECT count(*) FROM {k}"))
            for k in ("problem", "potential", "proposal")
        ]
    assert counts == [5, 2, 3]


def test_a_reused_number_imported_at_the_same_time_is_still_refused(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, other_pc: AppContext, tmp_path: Path
) -> None:
    service = RecordService(desa_ctx)
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    first = export(desa_ctx, tmp_path, "1.scb")
    with desa_ctx.db.transaction() as s:  # as if someone else signed with the same key
        s.execute(text("DELETE FROM bundle_export"))
    (desa_ctx.paths.root / "bundle-numbers.json").unlink()
    service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Lain"}, finalise=True)
    forged = export(desa_ctx, tmp_path, "1b.scb")
    pin(kecamatan_ctx, desa_ctx)

    honest, reused = race(kecamatan_ctx, other_pc, [first], [forged])

    assert honest.status == "imported"
    assert reused.status == "refused"
    assert [f.code for f in reused.findings] == ["ledger.sequence_reused"]
    assert ledger_rows(kecamatan_ctx) == [(desa_ctx.office.code, 1)]
    with kecamatan_ctx.db.session() as s:
        titles = s.scalars(text("SELECT title FROM problem")).all()
    assert titles == [PROBLEM["title"]]  # nothing of the forged bundle


def test_the_ledger_refuses_a_second_entry_for_one_number(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    """The database's own key, for any writer that does not take its turn."""
    from sqlalchemy.exc import IntegrityError

    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=3))
    pin(kecamatan_ctx, desa_ctx)
    import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "1.scb")], receipts=False)
    before = state(kecamatan_ctx)
    with pytest.raises(IntegrityError), kecamatan_ctx.db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO bundle_ledger (content_hash, sender_office, sender_role, "
                "sender_key_id, sequence, bundle_created_at, imported_at, trust_level, "
                "file_name, size, outcome) SELECT 'other', sender_office, sender_role, "
                "sender_key_id, sequence, bundle_created_at, imported_at, trust_level, "
                "file_name, size, outcome FROM bundle_ledger"
            )
        )
    assert state(kecamatan_ctx) == before
    with kecamatan_ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BundleLedger)) == 1
