"""A known data set for the analysis views: problems, potentials and proposals of four villages in
two kecamatan, written through the record service and sent as signed bundles to the kabupaten
(and, for Tarumajaya's two villages, to their kecamatan).

The problems are those of ``tests/services/similarity_data.py`` (labels a1..d1). Potentials and
proposals are added here; proposals carry costs, funding sources, scales, end dates, OPDs and
links. Proposal pc3 is sent, then deleted and sent again: the kabupaten holds its tombstone, and
the link it had to c2 must not count. The tests' expectations are written by hand from the tables
below, never computed by a view's query.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.analysis import (
    AnalysisFilter,
    ColumnType,
    Drill,
    Table,
    ViewResult,
    drill_records,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import (
    KABUPATEN_CODE,
    KECAMATAN_CODE,
    known_database_url,
    known_office_on_backend,
)
from tests.services.review_helpers import new_office, send
from tests.services.similarity_data import PROBLEMS, A, B, C, D

__all__ = ["PROBLEMS", "A", "B", "C", "D"]

TARUMAJAYA = "32.16.01"  # A, B
BABELAN = "32.16.02"  # C, D


def _potential(kind: str, title: str, dimension: str = "economy") -> dict[str, object]:
    return {
        "title": title,
        "description": f"{title} yang dikelola warga.",
        "potential_type": kind,
        "dimension": dimension,
    }


# label -> (desa, values)
POTENTIALS: dict[str, tuple[str, dict[str, object]]] = {
    "ta1": (A, _potential("wisata", "Pantai wisata mangrove", "branding")),
    "ta2": (A, _potential("wisata", "Festival perahu nelayan", "branding")),
    "ta3": (A, _potential("wisata", "Kuliner ikan bakar")),
    "ta4": (A, _potential("alam", "Hutan mangrove", "environment")),
    "tb1": (B, _potential("wisata", "Makam keramat", "branding")),
    "tb2": (B, _potential("ekonomi", "Kerupuk udang")),
    "tc1": (C, _potential("alam", "Tambak bandeng", "environment")),
    "tc2": (C, _potential("alam", "Sawah irigasi teknis", "environment")),
    "tc3": (C, _potential("alam", "Muara sungai", "environment")),
    "tc4": (C, _potential("ekonomi", "Pasar ikan")),
    "td1": (D, _potential("alam", "Lahan tidur", "environment")),
    "td2": (D, _potential("sdm", "Karang taruna aktif", "society")),
}


def _proposal(
    title: str,
    dimension: str,
    sub: str,
    *,
    problems: tuple[str, ...] = (),
    potentials: tuple[str, ...] = (),
    opd: str | None = None,
    cost: int | None = None,
    funding: str | None = None,
    scale: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, object]:
    # problem_ids/potential_ids hold labels here; build() swaps them for record ids.
    return {
        "title": title,
        "description": f"Gagasan: {title.lower()}.",
        "dimension": dimension,
        "sub_element": sub,
        "problem_ids": list(problems),
        "potential_ids": list(potentials),
        "opd": opd,
        "estimated_cost": cost,
        "funding_source": funding,
        "scale": scale,
        "start_date": start,
        "end_date": end,
    }


DLH = "Dinas Lingkungan Hidup"
DISHUB = "Dinas Perhubungan"
DISPAR = "Dinas Pariwisata"
KOMINFO = "Dinas Komunikasi, Informatika, Persandian dan Statistik"
M = 1_000_000

PROPOSALS: dict[str, tuple[str, dict[str, object]]] = {
    "pa1": (
        A,
        _proposal(
            "Tanggul pantai dan pompa tambak",
            "environment",
            "proteksi_lingkungan",
            problems=("a1",),
            opd=DLH,
            cost=500 * M,
            funding="apbd_kab",
            scale="kabupaten",
            start="2026-07-01",
            end="2027-06-30",
        ),
    ),
    "pa2": (
        A,
        _proposal(
            "Betonisasi jalan desa",
            "living",
            "transportasi",
            problems=("a2",),
            opd=DISHUB,
            cost=150 * M,
            funding="apbdes",
            scale="desa",
            start="2028-01-01",
            end="2029-12-31",
        ),
    ),
    "pa3": (
        A,
        _proposal(
            "Paket wisata mangrove",
            "branding",
            "ekosistem_pariwisata",
            potentials=("ta1",),
            opd=DISPAR,
            funding="csr",
            scale="kecamatan",
        ),
    ),
    "pb1": (
        B,
        _proposal(
            "Sabuk pantai dan jalan sekolah",
            "environment",
            "proteksi_lingkungan",
            problems=("b1", "b2"),
            opd=DLH,
            cost=1200 * M,
            funding="apbn",
            scale="kabupaten",
            start="2029-01-01",
            end="2033-03-31",
        ),
    ),
    "pb2": (
        B,
        _proposal(
            "Posyandu keliling",
            "living",
            "kesehatan",
            cost=25 * M,
            funding="apbdes",
            scale="desa",
            start="2026-07-01",
            end="2026-09-30",
        ),
    ),
    "pc1": (
        C,
        _proposal(
            "Rehabilitasi mangrove",
            "environment",
            "proteksi_lingkungan",
            problems=("c1",),
            opd=DLH,
            cost=750 * M,
            funding="apbd_kab",
            scale="kabupaten",
            start="2027-01-01",
            end="2028-12-31",
        ),
    ),
    "pc2": (
        C,
        _proposal(
            "Aplikasi layanan surat desa",
            "governance",
            "pelayanan_publik",
            opd=KOMINFO,
            start="2027-01-01",
        ),
    ),
    "pc3": (
        C,
        _proposal(
            "Bank sampah",
            "environment",
            "sampah_limbah",
            problems=("c2",),
            cost=60 * M,
            funding="apbdes",
            scale="desa",
            start="2026-08-01",
            end="2027-01-31",
        ),
    ),
    "pd1": (
        D,
        _proposal(
            "Terminal angkutan desa",
            "living",
            "transportasi",
            opd=DISHUB,
            cost=90 * M,
            funding="swadaya",
            scale="desa",
            start="2035-01-01",
            end="2037-01-31",
        ),
    ),
    "pd2": (
        D,
        _proposal(
            "Perbaikan jembatan dusun",
            "living",
            "transportasi",
            problems=("d1",),
            opd=DISHUB,
            cost=40 * M,
            funding="apbdes",
            scale="desa",
            start="2025-01-01",
            end="2025-12-31",
        ),
    ),
}
DELETED = "pc3"


@dataclass
class ViewsData:
    root: Path
    ids: dict[str, str]  # label -> record id

    def paths(self, office: str) -> DataPaths:
        return DataPaths(self.root / office)

    def open(self, office: str) -> AppContext:
        return open_context(self.paths(office))

    def label_of(self, record_id: str) -> str:
        return {v: k for k, v in self.ids.items()}[record_id]

    def labels(self, record_ids: object) -> list[str]:
        return sorted(self.label_of(i) for i in record_ids)  # type: ignore[attr-defined]


def build(root: Path) -> ViewsData:
    root.mkdir(parents=True)
    kec = open_context(new_office(root / "kecamatan", "kecamatan", KECAMATAN_CODE))
    kab = open_context(new_office(root / "kabupaten", "kabupaten", KABUPATEN_CODE))
    ids: dict[str, str] = {}
    try:
        for desa in (A, B, C, D):
            ctx = open_context(new_office(root / desa, "desa", desa))
            try:
                service = RecordService(ctx)
                for kind, table in (
                    (RecordKind.PROBLEM, PROBLEMS),
                    (RecordKind.POTENTIAL, POTENTIALS),
                    (RecordKind.PROPOSAL, PROPOSALS),
                ):
                    for label, (owner, values) in table.items():
                        if owner != desa:
                            continue
                        raw = dict(values)
                        for field in ("problem_ids", "potential_ids"):
                            if field in raw:
                                raw[field] = [ids[x] for x in raw[field]]  # type: ignore[attr-defined]
                        ids[label] = service.create(kind, raw, finalise=True).ids[0]
                out = root / "bundles" / desa
                send(ctx, kab, out, "1.scb")
                if desa == C:
                    service.delete(RecordKind.PROPOSAL, ids[DELETED])
                    send(ctx, kab, out, "2.scb")
                if desa in (A, B):
                    from smartcity_desktop.services import trust
                    from smartcity_desktop.services.exchange import import_files
                    from smartcity_desktop.services.office import office_fingerprint

                    trust.pin_office(kec, desa, office_fingerprint(ctx))
                    reports = import_files(kec, [out / "1.scb"])
                    assert [r.status for r in reports] == ["imported"]
            finally:
                ctx.close()
    finally:
        kec.close()
        kab.close()
    (root / "ids.json").write_text(json.dumps(ids))
    return ViewsData(root, ids)


@pytest.fixture(scope="session")
def views_template(tmp_path_factory: pytest.TempPathFactory) -> ViewsData:
    return build(tmp_path_factory.mktemp("views") / "known")


def _copy_kabupaten(template: ViewsData, target: Path) -> ViewsData:
    # The views are computed at the kabupaten: its folder is all a test needs, without the
    # copies of the database taken before each import.
    def backups(folder: str, names: list[str]) -> list[str]:
        return names if Path(folder).name == "backups" else []

    shutil.copytree(template.root / "kabupaten", target / "kabupaten", ignore=backups)
    return ViewsData(target, dict(template.ids))


@pytest.fixture
def views_data(
    views_template: ViewsData, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> ViewsData:
    """A private copy of the known kabupaten, free to change, on the test's backend."""
    data = _copy_kabupaten(views_template, tmp_path / "known")
    known_office_on_backend(
        request, backend, views_template.root / "kabupaten", data.root / "kabupaten"
    )
    return data


@pytest.fixture(scope="module")
def views_shared(views_template: ViewsData, tmp_path_factory: pytest.TempPathFactory) -> ViewsData:
    """One copy of the known kabupaten for a module's tests that only read."""
    return _copy_kabupaten(views_template, tmp_path_factory.mktemp("views-shared") / "known")


FIRST_YEAR = 2026


def fixed_clock(year: int = FIRST_YEAR) -> Callable[[], dt.datetime]:
    return lambda: dt.datetime(year, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def kab(
    views_template: ViewsData,
    views_shared: ViewsData,
    request: pytest.FixtureRequest,
    backend: str,
) -> Iterator[AppContext]:
    """The kabupaten of the known set (shared: read only), its clock in June of ``FIRST_YEAR``;
    on PostgreSQL a fresh database holding the same."""
    url = known_database_url(request, backend, views_template.root / "kabupaten")
    ctx = open_context(views_shared.paths("kabupaten"), url)
    ctx.clock = fixed_clock()
    yield ctx
    ctx.close()


def cell(table: Table, first: str, column: str) -> object:
    """The value in the row whose first column reads ``first``."""
    row = next(r for r in table.rows if r.values[0] == first)
    return row.values[table.column_index(column)]


def drilled(data: ViewsData, ctx: AppContext, flt: AnalysisFilter, drill: Drill) -> list[str]:
    """The labels of the records behind a number."""
    return data.labels(r.id for r in drill_records(ctx, flt, drill).rows)


def counts_match_their_drills(
    ctx: AppContext, result: ViewResult, tables: dict[str, set[str]]
) -> None:
    """Every non-zero count in the named tables (column keys listed are not counts) lists exactly
    that many records when drilled."""
    for key, not_counts in tables.items():
        table = result.table(key)
        for row in (*table.rows, *((table.totals,) if table.totals else ())):
            for column, value in zip(table.columns, row.values, strict=True):
                if column.type is not ColumnType.INT or column.key in not_counts or not value:
                    continue
                drill = row.drills[column.key]
                total = drill_records(ctx, result.filter, drill).total
                assert total == value, (key, row.values[0], column.key)
