"""The ten analysis views give the same results on PostgreSQL as on SQLite over the same data.

A kabupaten on SQLite receives the signed bundles of seven villages in three kecamatan (a few
hundred sample records, entered over several months, proposals linked to problems, costs past
2^31 rupiah, titles differing only in case or accents); the kecamatan of three of them reviews,
verifies (one village accepted, one returned) and forwards, the kabupaten accepts a verification
and reviews records itself (accepted, returned, priorities).
The product's own ``db copy`` then moves a copy of that office to PostgreSQL, and every view is
computed on both under a set of filters: the whole results must be equal (tables, rows, totals,
drill-downs, notes, data cut-off), all but the moment of computation; the records behind the
numbers (drill-downs) are listed alike too.

Needs a server: ``SMARTCITY_TEST_POSTGRES_URL`` (an admin URL); skipped without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter, ViewResult, drill_records
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review.decide import Decision, review_records, verify_village
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import Region
from smartcity_desktop.storage.paths import DataPaths
from tests import postgres_support
from tests.conftest import KABUPATEN_CODE, KnownOnPostgres
from tests.services.review_helpers import forward, ids, new_office, send

pytestmark = pytest.mark.skipif(
    postgres_support.admin_url() is None, reason="SMARTCITY_TEST_POSTGRES_URL is not set"
)

KECAMATAN = ("32.16.01", "32.16.02", "32.16.04")
MOMENT = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def _clock(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


@dataclasses.dataclass
class Offices:
    lite: AppContext
    there: AppContext
    villages: dict[str, list[str]]  # kecamatan -> its villages that sent


def _villages(kab: AppContext) -> dict[str, list[str]]:
    with kab.db.session() as session:
        found = {
            kec: sorted(session.scalars(select(Region.code).where(Region.parent_code == kec)).all())
            for kec in KECAMATAN
        }
    # Three villages in the first kecamatan, two in each other: seven in all.
    return {kec: codes[: 3 if n == 0 else 2] for n, (kec, codes) in enumerate(found.items())}


def build(root: Path) -> dict[str, list[str]]:
    """The villages of the first kecamatan send to it, the others straight to the kabupaten; the
    kecamatan reviews and verifies (one village accepted, one returned) and forwards everything,
    and the kabupaten accepts the accepted village's verification and reviews records itself."""
    root.mkdir(parents=True)
    kab = open_context(new_office(root / "kabupaten", "kabupaten", KABUPATEN_CODE))
    kec = open_context(new_office(root / "kecamatan", "kecamatan", KECAMATAN[0]))
    try:
        villages = _villages(kab)
        n = 0
        for kecamatan, codes in villages.items():
            for code in codes:
                n += 1
                desa = open_context(new_office(root / code, "desa", code))
                try:
                    # Each village enters its data in another month (the period filter).
                    desa.clock = _clock(dt.datetime(2026, n, 10 + n, 8, 30, tzinfo=dt.UTC))
                    generate(
                        desa,
                        SampleRequest(problems=24 + n, potentials=8, proposals=16 + n, seed=n),
                    )
                    _own_records(desa, n)
                    receiver = kec if kecamatan == KECAMATAN[0] else kab
                    trust.pin_office(kab, code, office_fingerprint(desa))
                    send(desa, receiver, root / "bundles" / code, "1.scb")
                finally:
                    desa.close()
        kec.clock = kab.clock = _clock(MOMENT)
        _review(kec, kab, villages, root / "bundles" / "forward")
    finally:
        kec.close()
        kab.close()
    return villages


def _own_records(desa: AppContext, n: int) -> None:
    """A few records written through the form's service: ties in titles and costs, a cost past
    2^31 rupiah, names differing only in case and accents (sorting)."""
    service = RecordService(desa)
    base = {"dimension": "living", "sub_element": "transportasi", "urusan": "1.03"}
    problem = service.create(
        RecordKind.PROBLEM,
        {
            **base,
            "title": "jalan rusak" if n % 2 else "Jalan rusak",
            "description": "Jalan berlubang.",
            "severity": ("ringan", "sedang", "berat")[n % 3],
            "affected_count": 100 * n,
            "affected_unit": "jiwa",
        },
        finalise=True,
    ).ids[0]
    service.create(
        RecordKind.PROPOSAL,
        {
            **base,
            "title": "Perbaikan jalan" if n % 2 else "Perbaikán jalan",
            "description": "Betonisasi.",
            "problem_ids": [problem],
            "estimated_cost": 50_000_000_000 if n == 1 else 150_000_000,
            "funding_source": "apbd_kab",
            "scale": "desa",
            "opd": "Dinas Perhubungan",
            "start_date": f"202{6 + n % 3}-01-01",
            "end_date": f"202{7 + n % 3}-12-31",
        },
        finalise=True,
    )


def _review(kec: AppContext, kab: AppContext, villages: dict[str, list[str]], folder: Path) -> None:
    """Stages of every kind: diterima kabupaten, dikembalikan, diterima; reviews accepted,
    returned and ranked, at the kecamatan and at the kabupaten."""
    first, returned, partly = villages[KECAMATAN[0]]
    for code in (first, returned):
        for kind in RecordKind:
            review_records(kec, ids(kec, kind, code), Decision("diterima"))
    for rank, record in enumerate(ids(kec, RecordKind.PROPOSAL, first)[:5], start=1):
        review_records(kec, [record], Decision("diterima", priority=rank))
    problems = ids(kec, RecordKind.PROBLEM, partly)[:6]
    review_records(kec, problems, Decision("perlu_perbaikan", reason="data_belum_lengkap"))
    verify_village(kec, first, "diterima")
    verify_village(kec, returned, "perlu_perbaikan", reason="data_belum_lengkap")
    forward(kec, kab, folder)
    verify_village(kab, first, "diterima")
    others = [code for kecamatan in KECAMATAN[1:] for code in villages[kecamatan]]
    for kind in RecordKind:
        review_records(kab, ids(kab, kind, others[0]), Decision("diterima"))
    problems = ids(kab, RecordKind.PROBLEM, others[1])
    review_records(kab, problems, Decision("perlu_perbaikan", reason="data_belum_lengkap"))
    for rank, record in enumerate(ids(kab, RecordKind.PROPOSAL, others[2])[:5], start=1):
        review_records(kab, [record], Decision("diterima", priority=rank))


@pytest.fixture(scope="module")
def parity_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("analysis-parity") / "known"
    return root, build(root)


@pytest.fixture(scope="module")
def offices(
    parity_template: tuple[Path, dict[str, list[str]]],
    known_on_postgres: KnownOnPostgres,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Offices]:
    root, villages = parity_template
    url = postgres_support.database_url(known_on_postgres.clone(root / "kabupaten"))
    folder = tmp_path_factory.mktemp("analysis-parity-pg") / "kabupaten"
    shutil.copytree(root / "kabupaten", folder, ignore=shutil.ignore_patterns("backups"))
    lite = open_context(DataPaths(root / "kabupaten"))
    there = open_context(DataPaths(folder), url)
    lite.clock = there.clock = _clock(MOMENT)
    try:
        assert there.db.engine.dialect.name == "postgresql"
        yield Offices(lite, there, villages)
    finally:
        lite.close()
        there.close()


def _filters(villages: dict[str, list[str]]) -> list[AnalysisFilter]:
    first, second, _third = villages
    return [
        AnalysisFilter(),
        AnalysisFilter(kecamatan=first),
        AnalysisFilter(kecamatan=second, desa=villages[second][0]),
        AnalysisFilter(dimension="living"),
        AnalysisFilter(dimension="environment", kecamatan=first),
        AnalysisFilter(stage="diterima_kabupaten"),
        AnalysisFilter(stage="dikembalikan"),
        AnalysisFilter(stage="diterima"),
        AnalysisFilter(trust="locally_trusted"),
        AnalysisFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 4, 30)),
        AnalysisFilter(date_from=dt.date(2026, 3, 13), dimension="economy"),
    ]


FIRST_ROWS = 8  # rows whose every number is drilled, unfiltered


def _comparable(result: ViewResult) -> ViewResult:
    return dataclasses.replace(result, computed_at=None)


def _drilled(ctx: AppContext, result: ViewResult, everything: bool) -> list[Any]:
    """The records behind the totals (and, with ``everything``, behind every number of the first
    rows too: all of them would take minutes and find nothing the first rows do not)."""
    listed: list[Any] = []
    for table in result.tables:
        rows = [*table.rows, *((table.totals,) if table.totals else ())]
        rows = [*rows[:FIRST_ROWS], *rows[-1:]] if everything else rows[-1:]
        for row in rows:
            for key, drill in sorted(row.drills.items()):
                found = drill_records(ctx, result.filter, drill)
                listed.append((table.key, key, found.total, [r.id for r in found.rows]))
    return listed


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_gives_the_same_result_on_both(offices: Offices, name: str) -> None:
    spec = VIEWS[name]
    for n, flt in enumerate(_filters(offices.villages)):
        lite = spec.compute(offices.lite, flt)
        there = spec.compute(offices.there, flt)
        assert _comparable(there) == _comparable(lite), (name, flt)
        assert there.as_dict() | {"computed_at": None} == lite.as_dict() | {"computed_at": None}
        every = n == 0
        assert _drilled(offices.there, there, every) == _drilled(offices.lite, lite, every), (
            name,
            flt,
        )


def test_the_known_data_is_varied_enough(offices: Offices) -> None:
    """The comparison above is only worth as much as the data: several kecamatan, several
    hundred records, and every filter (each stage among them) selecting some problems."""
    counts = RecordService(offices.lite).counts()
    assert sum(counts.values()) >= 300, counts
    matrix = VIEWS["matriks-permasalahan"]
    for flt in _filters(offices.villages):
        counted = matrix.compute(offices.lite, flt).tables[0].totals
        assert counted is not None and counted.values[-1], flt
