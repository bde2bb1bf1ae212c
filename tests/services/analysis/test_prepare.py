"""Preparing the analysis views where new data comes in (services/analysis/prepare.py): after an
import, a new process computes every view from what was prepared and builds nothing; a cancel
only leaves the rest to the first view; an office without analysis views does nothing."""

from __future__ import annotations

import importlib
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import kept_files
from smartcity_desktop.services.analysis import (
    VIEWS,
    AnalysisFilter,
    gaps,
    proposal_facts,
    scope,
    view,
)
from smartcity_desktop.services.analysis.kept_rows import forget_kept
from smartcity_desktop.services.analysis.prepare import STEPS, prepare_reads
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review import stages
from smartcity_desktop.services.similarity import forget_models
from tests.conftest import PASSPHRASE
from tests.services.analysis.views_data import ViewsData, views_data, views_template
from tests.services.similarity_data import D

__all__ = ["views_data", "views_template"]

pytestmark = pytest.mark.postgres_ready

# The module, not the function the package exports under the same name.
kept_model_module = importlib.import_module("smartcity_desktop.services.similarity.kept_model")

KEPT = ("proposals", "gaps", "isu-strategis")  # the reads kept in files of cache/analysis


def new_process() -> None:
    """What a new process starts with: nothing kept in memory (the files stay)."""
    forget_kept()
    forget_models()
    with scope._stage_lock:
        scope._stage_cache.clear()
    with stages._KEPT_LOCK:
        stages._KEPT.clear()


def written(root: Path) -> dict[str, int]:
    """Each prepared file of the data folder ``root`` and when it was last written."""
    out = {}
    for name in KEPT:
        path = kept_files.path_of(root, name)
        if path.exists():
            out[name] = path.stat().st_mtime_ns
    cache = stages.cache_file(root)
    if cache.exists():
        out["kelengkapan"] = cache.stat().st_mtime_ns
    return out


@pytest.fixture
def bundle(views_template: ViewsData, tmp_path: Path) -> list[Path]:
    folder = tmp_path / "desa-d"
    shutil.copytree(views_template.root / D, folder, ignore=shutil.ignore_patterns("backups"))
    ctx = open_context_at(folder)
    try:
        service = RecordService(ctx)
        problem = service.create(
            RecordKind.PROBLEM,
            {
                "title": "Saluran irigasi tersumbat lumpur",
                "description": "Saluran irigasi tersumbat sejak musim hujan.",
                "causes": "Endapan lumpur tidak dikeruk.",
                "dimension": "environment",
                "sub_element": "proteksi_lingkungan",
                "urusan": "2.11",
                "severity": "berat",
            },
            finalise=True,
        ).ids[0]
        service.create(
            RecordKind.PROPOSAL,
            {
                "title": "Normalisasi saluran irigasi",
                "description": "Gagasan: normalisasi saluran irigasi.",
                "dimension": "environment",
                "sub_element": "proteksi_lingkungan",
                "problem_ids": [problem],
            },
            finalise=True,
        )
        (tmp_path / "bundles").mkdir()
        result = export_bundle(ctx, PASSPHRASE, tmp_path / "bundles" / "d-2.scb")
    finally:
        ctx.close()
    return list(result.paths)


def open_context_at(folder: Path) -> AppContext:
    from smartcity_desktop.storage.paths import DataPaths

    return open_context(DataPaths(folder))


@pytest.fixture
def kab_office(views_data: ViewsData) -> Iterator[AppContext]:
    ctx = views_data.open("kabupaten")
    yield ctx
    ctx.close()


class Builds:
    """Counts the calls of each kept read's build (the real function runs): a view that reads
    a prepared file calls none of them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self._count(monkeypatch, proposal_facts, "_read_proposals", "proposals")
        self._count(monkeypatch, gaps, "_read", "gaps")
        # Forming the clusters reads every problem (a kept file gives the groups without it).
        self._count(monkeypatch, kept_model_module, "load_rows", "isu-strategis")
        self._count(monkeypatch, stages, "_record_parts", "stages")

    def _count(self, monkeypatch: pytest.MonkeyPatch, module: Any, attr: str, name: str) -> None:
        real: Callable[..., Any] = getattr(module, attr)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, attr, counted)


def every_view(ctx: AppContext) -> dict[str, Any]:
    out = {}
    for name in VIEWS:
        for flt in (AnalysisFilter(), AnalysisFilter(stage="diterima")):
            result = view(name).compute(ctx, flt).as_dict()
            result.pop("computed_at")  # the clock's, not the data's
            out[f"{name} {flt.stage or ''}"] = result
    return out


def imported(ctx: AppContext, paths: list[Path]) -> None:
    reports = import_files(ctx, paths)
    assert [r.status for r in reports] == ["imported"], [r.findings for r in reports]


def test_after_an_import_a_new_process_builds_nothing(
    kab_office: AppContext, bundle: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kab = kab_office
    before = every_view(kab)  # everything kept before the import, as on a working PC
    imported(kab, bundle)
    ticks: list[tuple[int, int, str]] = []
    prepared = prepare_reads(kab, lambda *t: ticks.append(t))
    assert prepared.done == [name for name, _label, _step in STEPS] and not prepared.cancelled
    assert ticks[-1][0] == ticks[-1][1] and all(
        a <= b for (a, _, _), (b, _, _) in itertools.pairwise(ticks)
    )
    files = written(kab.paths.root)
    assert set(files) == {*KEPT, "kelengkapan"}

    new_process()
    builds = Builds(monkeypatch)
    fresh = open_context(kab.paths)
    try:
        results = every_view(fresh)
    finally:
        fresh.close()
    assert builds.calls == []  # every view read what was prepared
    assert written(kab.paths.root) == files  # and wrote nothing again
    # What was read holds the new records, and is what a build gives now (below).
    assert results["isu-strategis "]["records"] == before["isu-strategis "]["records"] + 1
    for path in (kept_files.path_of(kab.paths.root, name) for name in KEPT):
        path.unlink()
    stages.cache_file(kab.paths.root).unlink()
    new_process()
    assert every_view(kab) == results
    # The count is honest: without the prepared files the same views build each read.
    assert set(builds.calls) == {"proposals", "gaps", "isu-strategis", "stages"}


def test_without_preparing_the_first_view_after_an_import_builds(
    kab_office: AppContext, bundle: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    every_view(kab_office)
    imported(kab_office, bundle)
    new_process()
    builds = Builds(monkeypatch)
    view("peringkat-usulan").compute(kab_office, AnalysisFilter())
    assert builds.calls == ["proposals"]


def test_a_cancel_skips_the_rest_and_leaves_the_import(
    kab_office: AppContext, bundle: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kab = kab_office
    clustered = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()["records"]
    imported(kab, bundle)
    with kab.db.session() as session:
        before = session.execute(text("SELECT count(*) FROM problem WHERE NOT deleted")).scalar()
        ledger = session.execute(text("SELECT count(*) FROM bundle_ledger")).scalar()
    messages: list[str] = []
    prepared = prepare_reads(
        kab, lambda _d, _t, message: messages.append(message), lambda: "usulan" in messages
    )
    assert prepared.cancelled and prepared.done == ["proposals"]
    # Cancelled at once: nothing is prepared.
    new_process()
    assert prepare_reads(kab, cancelled=lambda: True).done == []
    with kab.db.session() as session:
        assert (
            session.execute(text("SELECT count(*) FROM problem WHERE NOT deleted")).scalar()
            == before
        )
        assert session.execute(text("SELECT count(*) FROM bundle_ledger")).scalar() == ledger
    # The first view builds what was skipped, with the imported records.
    new_process()
    builds = Builds(monkeypatch)
    result = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()
    assert builds.calls == ["isu-strategis"] and result["records"] == clustered + 1


def test_a_cancel_during_the_clusters_stops_them(
    kab_office: AppContext, bundle: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from smartcity_desktop.services.similarity import records

    monkeypatch.setattr(records, "_TICK", 1)  # progress every row, as every few thousand
    imported(kab_office, bundle)
    new_process()
    steps: list[str] = []
    prepared = prepare_reads(
        kab_office,
        lambda _d, _t, message: steps.append(message),
        lambda: steps.count("isu strategis") > 1,  # the clusters' own progress has begun
    )
    assert prepared.cancelled and prepared.done == ["proposals", "gaps"]
    assert not kept_files.path_of(kab_office.paths.root, "isu-strategis").exists()


def test_an_office_without_analysis_views_does_nothing(desa_ctx: AppContext) -> None:
    RecordService(desa_ctx).create(
        RecordKind.PROBLEM,
        {
            "title": "Jalan desa berlubang",
            "description": "Jalan utama desa berlubang.",
            "causes": "Drainase buruk.",
            "dimension": "living",
            "sub_element": "transportasi",
            "urusan": "2.11",
            "severity": "sedang",
        },
        finalise=True,
    )
    ticks: list[Any] = []
    prepared = prepare_reads(desa_ctx, lambda *t: ticks.append(t))
    assert prepared.done == [] and not prepared.cancelled and ticks == []
    assert not (desa_ctx.paths.root / "cache" / kept_files.FOLDER).exists()
    assert not stages.cache_file(desa_ctx.paths.root).exists()
