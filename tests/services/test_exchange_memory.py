"""Big bundles: verify and import hold one chunk of rows at a time, whatever the bundle's size.

The chunk and the listed outcomes are made small here so that a few thousand rows show what
200,000 would (benchmarks/bench_big_bundle.py measures those through the CLI)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from smartcity_desktop.services import import_report
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files, verify_files
from smartcity_desktop.services.exchange import rows as exchange_rows
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.blobs import BlobStore
from tests.services.test_exchange import export, one, pin, state

pytestmark = pytest.mark.postgres_ready

SMALL = SampleRequest(problems=80, potentials=40, proposals=80, seed=11)
BIG = SampleRequest(problems=800, potentials=400, proposals=800, seed=12)


def _rows(req: SampleRequest) -> int:
    return req.problems + req.potentials + req.proposals


def _peak(work: Callable[[], Any]) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = work()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange_rows, "CHUNK_ROWS", 100, raising=False)
    monkeypatch.setattr(import_report, "LISTED_OUTCOMES", 50, raising=False)


def test_verify_and_import_memory_does_not_grow_with_the_rows(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, small_chunks: None
) -> None:
    pin(kecamatan_ctx, desa_ctx)
    peaks: dict[str, list[int]] = {"verify": [], "import": []}
    for number, req in enumerate((SMALL, BIG), start=1):
        generate(desa_ctx, req)
        bundle = export(desa_ctx, tmp_path, f"{number}.scb")
        peak, reports = _peak(lambda b=bundle: verify_files(kecamatan_ctx, [b]))
        assert one(reports).status == "verified"
        peaks["verify"].append(peak)
        peak, reports = _peak(lambda b=bundle: import_files(kecamatan_ctx, [b], receipts=False))
        report = one(reports)
        assert report.status == "imported"
        assert report.action_counts()["new"] == _rows(req)
        peaks["import"].append(peak)
    extra_rows = _rows(BIG) - _rows(SMALL)
    for command, (small, big) in peaks.items():
        # Holding every row cost about 3.5 KB a row here. What still grows: the ids kept for the
        # whole-bundle checks (under 200 bytes a row) and, up to its 1 MiB chunk, the reader's
        # buffer, which a bundle this small has not filled yet.
        per_row = (big - small) / extra_rows
        assert per_row < 2_000, f"{command}: {per_row:.0f} bytes more per row ({small}, {big})"
        assert big < 2 * small, f"{command}: peak {big} for {_rows(BIG)} rows, {small} for fewer"


def _content(ctx: AppContext) -> dict[str, list[tuple[Any, ...]]]:
    with ctx.db.session() as s:
        return {
            "records": [
                *s.execute(text("SELECT id, office_code, revision, content_hash FROM problem")),
                *s.execute(text("SELECT id, office_code, revision, content_hash FROM potential")),
                *s.execute(text("SELECT id, office_code, revision, content_hash FROM proposal")),
            ],
            "links": sorted(s.execute(text("SELECT * FROM proposal_link"))),
            "photos": sorted(s.execute(text("SELECT id, record_id, sha256 FROM attachment"))),
            "search": sorted(s.execute(text("SELECT kind, record_id FROM search_doc"))),
        }


def test_rows_in_many_chunks_arrive_whole(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proposals linking records of earlier chunks and photos of records of earlier chunks arrive
    as the sender has them."""
    generate(desa_ctx, SampleRequest(problems=5, potentials=3, proposals=6, photos=3, seed=5))
    bundle = export(desa_ctx, tmp_path, "1.scb")
    pin(kecamatan_ctx, desa_ctx)
    monkeypatch.setattr(exchange_rows, "CHUNK_ROWS", 2)
    report = one(import_files(kecamatan_ctx, [bundle], receipts=False))
    assert report.status == "imported" and report.action_counts()["new"] == 17
    sent, received = _content(desa_ctx), _content(kecamatan_ctx)
    assert {k: sorted(v) for k, v in received.items()} == {k: sorted(v) for k, v in sent.items()}
    assert len(sent["links"]) > 0 and len(sent["photos"]) == 3
    for _id, _record, sha in received["photos"]:
        assert kecamatan_ctx.blobs.exists(sha)


def test_a_refusal_in_a_later_chunk_leaves_nothing_behind(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Earlier chunks are already written (rows and photo files) when a later one is refused:
    the transaction and the photos written for it go, as if nothing had been read."""
    from smartcity_desktop.bundles.writer import AttachmentFile
    from tests.services.test_exchange import _exported_rows
    from tests.services.test_exchange_hostile import _forge_with

    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=1, photos=3, seed=7))
    rows = _exported_rows(desa_ctx, tmp_path)
    photos = {r["sha256"]: desa_ctx.blobs.path_for(r["sha256"]) for r in rows["attachment"]}
    rows["attachment"].append(dict(rows["attachment"][0]))  # the same id again, in the last chunk
    files = tuple(AttachmentFile(sha, path) for sha, path in photos.items())
    bundle = _forge_with(desa_ctx, tmp_path, rows, sequence=2, attachments=files)
    pin(kecamatan_ctx, desa_ctx)
    monkeypatch.setattr(exchange_rows, "CHUNK_ROWS", 1)
    written: list[str] = []
    store_class = type(kecamatan_ctx.blobs)  # the folder's, or the database's on PostgreSQL
    put_stream = store_class.put_stream

    def spy(store: BlobStore, *args: Any, **kwargs: Any) -> tuple[str, bool]:
        sha, new = put_stream(store, *args, **kwargs)
        written.append(sha)
        return sha, new

    monkeypatch.setattr(store_class, "put_stream", spy)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert [f.code for f in report.findings] == ["record.duplicate_id"]
    assert state(kecamatan_ctx) == before  # no row, no photo file, no ledger entry
    assert written, "the photos of the earlier chunks were written before the refusal"
