from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.stats import office_stats
from smartcity_desktop.storage.errors import DiskFullError
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.postgres_ready


def test_sample_data_is_valid_final_and_deterministic(
    desa_ctx: AppContext, kecamatan_ctx: AppContext
) -> None:
    req = SampleRequest(problems=30, potentials=10, proposals=20, seed=7)
    generate(desa_ctx, req)
    generate(kecamatan_ctx, req)
    a = RecordService(desa_ctx).records(RecordKind.PROBLEM)
    b = RecordService(kecamatan_ctx).records(RecordKind.PROBLEM)
    assert sorted(map(repr, (r.values for r in a))) == sorted(map(repr, (r.values for r in b)))
    # the same seed never gives two offices the same record ids
    assert not {r.id for r in a} & {r.id for r in b}
    a = RecordService(desa_ctx).records(RecordKind.PROPOSAL)
    assert all(r.is_final and r.revision == 1 for r in a)
    assert any(r.values["problem_ids"] for r in a)
    titles = {r.title for r in RecordService(desa_ctx).records(RecordKind.PROBLEM)}
    assert len(titles) > 10


def test_sample_photos_are_realistic_jpegs(desa_ctx: AppContext) -> None:
    generate(desa_ctx, SampleRequest(problems=4, potentials=2, proposals=2, photos=3))
    blobs = [p for p in desa_ctx.paths.attachments.rglob("*") if p.is_file()]
    assert len(blobs) == 3
    assert all(100_000 < p.stat().st_size < 1_000_000 for p in blobs)


def test_stats_count_live_records_by_office_and_unsent_changes(desa_ctx: AppContext) -> None:
    generate(desa_ctx, SampleRequest(problems=5, potentials=3, proposals=4, photos=1))
    service = RecordService(desa_ctx)
    victim = service.records(RecordKind.PROBLEM)[0].id
    service.delete(RecordKind.PROBLEM, victim)
    service.create(RecordKind.PROBLEM, {"title": "draf"})
    stats = office_stats(desa_ctx)
    assert stats["office"] == "32.16.01.2001" and stats["role"] == "desa"
    assert stats["records"] == {"problem": 5, "potential": 3, "proposal": 4}
    assert stats["attachments"] == 1
    assert stats["by_office"] == {"32.16.01.2001": 12}
    assert stats["drafts"] == 1
    assert stats["unsent_changes"] == 5 + 3 + 4 + 1  # final rows incl. the tombstone, not the draft
    assert len(service.records(RecordKind.PROBLEM, ListFilter(include_deleted=True))) == 6


def test_a_full_disk_during_sample_generation_rolls_back(
    desa_paths: DataPaths, small_disk: Path
) -> None:
    target = small_disk / "desa"
    shutil.copytree(desa_paths.root, target)
    ctx = open_context(DataPaths(target))
    try:
        with pytest.raises(DiskFullError) as err:
            generate(ctx, SampleRequest(problems=40000, potentials=0, proposals=0))
        assert "penuh" in str(err.value)
        assert RecordService(ctx).counts() == {"problem": 0, "potential": 0, "proposal": 0}
    finally:
        ctx.close()


def test_the_same_seed_twice_is_refused_plainly(desa_ctx: AppContext) -> None:
    from smartcity_desktop.errors import UserError

    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=9))
    with pytest.raises(UserError) as err:
        generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=9))
    assert err.value.code == "sample.seed_used" and "--seed" in str(err.value)
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, seed=10))
    assert RecordService(desa_ctx).counts()["problem"] == 4


def test_bulk_written_records_are_searchable_and_triggers_resume(desa_ctx: AppContext) -> None:
    from sqlalchemy import text

    from tests.services.test_records import PROBLEM

    generate(desa_ctx, SampleRequest(problems=40, potentials=10, proposals=20, seed=4))
    service = RecordService(desa_ctx)
    titles = {r.title for r in service.records(RecordKind.PROBLEM)}
    word = next(iter(titles)).split()[0]
    assert service.search(word, RecordKind.PROBLEM)
    with desa_ctx.db.session() as s:
        indexed = s.execute(text("SELECT count(*) FROM search_doc")).scalar()
        assert indexed == 70
        assert s.execute(text("SELECT count(*) FROM search_suspended")).scalar() == 0
    new_id = service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Jembatan gantung putus"}).ids[
        0
    ]
    assert service.search("jembatan") == [("problem", new_id)]
