"""The services' hand-written SQL gives the same answers on PostgreSQL as on SQLite.

A kecamatan office is built on SQLite through the real services (a village's signed bundle
imported, some records reviewed), then copied row by row into a new PostgreSQL database whose
schema is the models plus what migration 0012 adds there; the same reads are made on both.
An import straight into PostgreSQL is compared with the same import into SQLite.

Needs a server: ``SMARTCITY_TEST_POSTGRES_URL`` (an admin URL); skipped without it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.annex import _record_counts
from smartcity_desktop.services.completeness import completeness
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.kecamatan_reports import _dimension_counts, _priorities
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import (
    Decision,
    QueueFilter,
    ReviewFilter,
    list_reviews,
    own_review,
    queue_step,
    review_queue,
    review_records,
)
from smartcity_desktop.services.review_desk import bundles_received, merge_candidates
from smartcity_desktop.services.review_results import kecamatan_notes, result_codes
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.similarity.records import AreaFilter, load_rows
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.models import Base
from smartcity_desktop.storage.paths import DataPaths
from tests import postgres_support
from tests.conftest import DESA_CODE, PASSPHRASE, copy_office
from tests.services.review_helpers import feedback, forward, ids

ADMIN_URL = os.environ.get("SMARTCITY_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not ADMIN_URL, reason="SMARTCITY_TEST_POSTGRES_URL is not set")

MIGRATION = (
    Path(__file__).parents[2]
    / "smartcity_desktop/storage/migrations/versions/0012_search_on_postgresql.py"
)
NOT_COPIED = {"search_doc", "search_suspended"}  # the index is rebuilt by PostgreSQL's triggers


def _apply_0012(engine: Engine, step: str = "upgrade") -> None:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    spec = importlib.util.spec_from_file_location("migration_0012", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        getattr(module, step)()


@pytest.fixture
def postgres() -> Iterator[Callable[..., Engine]]:
    """Makes scratch databases (SMARTCITY_TEST_POSTGRES_PREFIX, see tests/postgres_support.py) with
    the schema; drops them afterwards."""
    assert ADMIN_URL is not None
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    made: list[tuple[str, Engine]] = []

    def make(locale: str = "") -> Engine:
        name = f"{postgres_support.prefix()}_parity_{secrets.token_hex(4)}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} {locale}"))
        engine = create_engine(make_url(ADMIN_URL).set(database=name))
        made.append((name, engine))
        Base.metadata.create_all(engine)
        _apply_0012(engine)
        return engine

    yield make
    for name, engine in made:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def on_postgresql(ctx: AppContext, engine: Engine, folder: Path) -> AppContext:
    """The office's data folder copied to ``folder``, its database rows copied into ``engine``."""
    shutil.copytree(ctx.paths.root, folder)
    with ctx.db.engine.connect() as source, engine.begin() as target:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_COPIED:
                continue
            rows = [dict(r._mapping) for r in source.execute(select(table))]
            if rows:
                target.execute(table.insert(), rows)
    db = Database(folder / "smartcity.sqlite", engine)
    db._checked = True  # the page check is SQLite's
    return AppContext(paths=DataPaths(folder), db=db, clock=ctx.clock)


def _send(desa: AppContext, receivers: list[AppContext], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    result = export_bundle(desa, PASSPHRASE, folder / "desa.zip")
    for receiver in receivers:
        reports = import_files(receiver, list(result.paths))
        assert [r.status for r in reports] == ["imported"], [r.findings for r in reports]


@pytest.fixture
def offices(
    desa_ctx: AppContext,
    office_templates: dict[str, Path],
    tmp_path: Path,
    postgres: Callable[..., Engine],
) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """(desa, kecamatan on SQLite, the same kecamatan on PostgreSQL), both having imported the
    same bundle of the desa; a PostgreSQL office made before the import imports it itself."""
    generate(desa_ctx, SampleRequest(problems=30, potentials=15, proposals=30, seed=7))
    RecordService(desa_ctx).create(
        RecordKind.PROBLEM,
        {
            "title": "Kerusakán jalan desa",
            "description": "Jalan berlubang sepanjang 2 km, air menggenang.",
            "dimension": "living",
            "sub_element": "kesehatan",
            "severity": "berat",
        },
        finalise=True,
    )
    kec = open_context(copy_office(office_templates, "kecamatan", tmp_path / "kec"))
    trust.pin_office(kec, DESA_CODE, office_fingerprint(desa_ctx))
    pg = on_postgresql(kec, postgres(), tmp_path / "kec-pg")
    _send(desa_ctx, [kec, pg], tmp_path / "bundles")
    yield desa_ctx, kec, pg
    kec.close()
    pg.close()


def test_an_import_into_postgresql_stores_what_sqlite_stores(
    offices: tuple[AppContext, AppContext, AppContext],
) -> None:
    _desa, kec, pg = offices
    for kind in RecordKind:
        lite = RecordService(kec).records(kind)
        there = RecordService(pg).records(kind)
        assert [(r.id, r.revision, r.values) for r in lite] == [
            (r.id, r.revision, r.values) for r in there
        ]
    assert bundles_received(pg) == bundles_received(kec) == 1
    assert trust.load_trust_state(pg) == trust.load_trust_state(kec)
    # The same bundle again is already in the ledger.
    assert RecordService(pg).counts() == RecordService(kec).counts()


def test_search_finds_and_ranks_alike(offices: tuple[AppContext, AppContext, AppContext]) -> None:
    """Every record FTS5 finds (each word a prefix of a word as written, diacritics folded) is
    found on PostgreSQL too, best first alike; the ``indonesian`` configuration also finds word
    forms of the same stem ("kerusakan", "rusak")."""
    _desa, kec, pg = offices
    lite, there = RecordService(kec), RecordService(pg)
    for words in ("jalan", "kerusakan", "KERUS", "air menggenang", "jal des", "tidakada"):
        found = set(lite.search(words))
        assert found <= set(there.search(words)), words
        for kind in RecordKind:
            rows = ListFilter(search=words)
            assert {r.id for r in lite.table_rows(kind, ["title"], rows)} <= {
                r.id for r in there.table_rows(kind, ["title"], rows)
            }, words
    assert there.search("kerusakán")[0] == lite.search("kerusakan")[0]
    assert there.search("rusak")[0] == lite.search("kerusakan")[0]
    assert there.search("") == [] and there.search("tidakada") == []
    assert there.link_choices(RecordKind.PROBLEM) == lite.link_choices(RecordKind.PROBLEM)


def test_title_matches_rank_above_description_matches(
    kecamatan_ctx: AppContext, tmp_path: Path, postgres: Callable[..., Engine]
) -> None:
    for ctx in (kecamatan_ctx, on_postgresql(kecamatan_ctx, postgres(), tmp_path / "pg")):
        service = RecordService(ctx)
        base = {"dimension": "living", "sub_element": "kesehatan", "severity": "berat"}
        described = service.create(
            RecordKind.PROBLEM,
            {**base, "title": "Lampu jalan padam", "description": "Sampah menumpuk di pasar."},
        ).ids[0]
        titled = service.create(
            RecordKind.PROBLEM,
            {**base, "title": "Sampah pasar", "description": "Bau di sekitar los ikan."},
        ).ids[0]
        assert service.search("sampah") == [("problem", titled), ("problem", described)]
        assert service.search("samp pas", RecordKind.PROBLEM, 1) == [("problem", titled)]
        service.update(RecordKind.PROBLEM, titled, {**base, "title": "Genangan air"})
        assert service.search("sampah") == [("problem", described)]
        service.delete(RecordKind.PROBLEM, described)
        assert service.search("sampah") == []


def _review_some(kec: AppContext, _other: AppContext) -> None:
    problems = ids(kec, RecordKind.PROBLEM)
    proposals = ids(kec, RecordKind.PROPOSAL)
    review_records(kec, problems[:10], Decision("diterima"))
    review_records(kec, proposals[:5], Decision("diterima", priority=2))
    review_records(kec, problems[10:14], Decision("perlu_perbaikan", reason="data_belum_lengkap"))


def test_review_reads_agree(
    offices: tuple[AppContext, AppContext, AppContext],
    tmp_path: Path,
    postgres: Callable[..., Engine],
) -> None:
    _desa, kec, _pg = offices
    _review_some(kec, _pg)
    pg = on_postgresql(kec, postgres(), tmp_path / "reviewed-pg")
    try:
        for flt in (
            None,
            ReviewFilter(desa=DESA_CODE),
            ReviewFilter(state="diterima"),
            ReviewFilter(kind="proposal"),
            ReviewFilter(reviewer=kec.office.code),
            ReviewFilter(changed_only=True),
        ):
            assert _views(list_reviews(pg, flt)) == _views(list_reviews(kec, flt)), flt
        for qflt in (
            QueueFilter(),
            QueueFilter(unreviewed=True),
            QueueFilter(state="diterima"),
            QueueFilter(kind="proposal"),
        ):
            queue = review_queue(kec, DESA_CODE, qflt)
            assert review_queue(pg, DESA_CODE, qflt) == queue
            current = None
            for backwards in (False, True):
                for _ in range(4):
                    step = queue_step(kec, DESA_CODE, current, qflt, backwards=backwards)
                    assert queue_step(pg, DESA_CODE, current, qflt, backwards=backwards) == step
                    current = step.id if step else None
        first = ids(kec, RecordKind.PROBLEM)[0]
        assert _views([own_review(pg, first)]) == _views([own_review(kec, first)])
        assert merge_candidates(pg, "problem", DESA_CODE, first) == merge_candidates(
            kec, "problem", DESA_CODE, first
        )
        today = kec.clock().date()
        assert _plain(completeness(pg, today)) == _plain(completeness(kec, today))
        records = [(i, DESA_CODE, 1, None) for i in ids(kec, RecordKind.PROBLEM)]
        assert result_codes(pg, RecordKind.PROBLEM, records) == result_codes(
            kec, RecordKind.PROBLEM, records
        )
        assert kecamatan_notes(pg, DESA_CODE) == kecamatan_notes(kec, DESA_CODE)
        assert _dimension_counts(pg) == _dimension_counts(kec)
        names = {DESA_CODE: "Desa Uji"}
        assert _priorities(pg, names) == _priorities(kec, names)
        assert _record_counts(pg) == _record_counts(kec)
        for kind in ("problem", "proposal"):
            for area in (AreaFilter(), AreaFilter(dimension="living")):
                assert load_rows(pg, kind, area) == load_rows(kec, kind, area)
    finally:
        pg.close()


def test_reviews_written_on_postgresql_read_back_as_on_sqlite(
    offices: tuple[AppContext, AppContext, AppContext],
) -> None:
    _desa, kec, pg = offices
    _review_some(kec, pg)
    _review_some(pg, kec)
    review_records(
        pg, ids(pg, RecordKind.PROBLEM)[:3], Decision("ditolak", reason="data_belum_lengkap")
    )
    review_records(
        kec, ids(kec, RecordKind.PROBLEM)[:3], Decision("ditolak", reason="data_belum_lengkap")
    )

    def seen(ctx: AppContext) -> list[Any]:
        return sorted(
            (v.values["target_id"], v.state, v.values["reason"], v.revision)
            for v in list_reviews(ctx)
        )

    assert seen(pg) == seen(kec)
    assert [(e.id, e.state) for e in review_queue(pg, DESA_CODE)] == [
        (e.id, e.state) for e in review_queue(kec, DESA_CODE)
    ]
    today = kec.clock().date()
    lite, there = completeness(kec, today), completeness(pg, today)
    assert [
        (v.code, v.status.reviewed, v.status.states) for g in there.groups for v in g.villages
    ] == [(v.code, v.status.reviewed, v.status.states) for g in lite.groups for v in g.villages]


def _views(views: list[Any]) -> list[Any]:
    return [None if v is None else v.as_dict() for v in views]


def _plain(value: Any) -> Any:
    return repr(value)


def test_a_kecamatan_on_postgresql_forwards_and_sends_feedback(
    offices: tuple[AppContext, AppContext, AppContext], kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    desa, _kec, pg = offices
    _review_some(pg, pg)
    trust.pin_office(kabupaten_ctx, DESA_CODE, office_fingerprint(desa))
    forward(pg, kabupaten_ctx, tmp_path / "forward")
    assert RecordService(kabupaten_ctx).counts() == RecordService(pg).counts()
    assert len(list_reviews(kabupaten_ctx)) == len(list_reviews(pg)) == 19
    feedback(pg, desa, tmp_path / "feedback")
    assert len(list_reviews(desa)) == 19


def test_sample_data_written_on_postgresql_matches_sqlite(
    kecamatan_ctx: AppContext, tmp_path: Path, postgres: Callable[..., Engine]
) -> None:
    moment = kecamatan_ctx.clock()
    lite = dataclasses.replace(kecamatan_ctx, clock=lambda: moment)
    there = dataclasses.replace(
        on_postgresql(kecamatan_ctx, postgres(), tmp_path / "pg"), clock=lambda: moment
    )
    request = SampleRequest(problems=40, potentials=20, proposals=40, photos=3, seed=11)
    for ctx in (lite, there):
        generate(ctx, request)
    for kind in RecordKind:
        assert _records(there, kind) == _records(lite, kind)
    for words in ("air", "jalan", "sekolah"):
        assert set(RecordService(lite).search(words)) <= set(RecordService(there).search(words))


def _records(ctx: AppContext, kind: RecordKind) -> list[Any]:
    return [(r.id, r.revision, r.status, r.values) for r in RecordService(ctx).records(kind)]


def test_migration_0012_records_its_choice_and_goes_back(postgres: Callable[..., Engine]) -> None:
    engine = postgres()
    with engine.connect() as conn:
        has_indonesian = conn.execute(
            text("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'indonesian'")
        ).scalar()
        setting = conn.execute(text("SELECT config, folds_accents FROM search_setting")).one()
        assert setting[0] == ("indonesian" if has_indonesian else "simple")
        folded = conn.execute(
            text("SELECT smartcity_search_document('Kerusakán', '') @@ smartcity_search_query(:w)"),
            {"w": ["kerusakan"]},
        ).scalar()
        assert folded is setting[1]
    _apply_0012(engine, "downgrade")
    with engine.connect() as conn:
        left = (
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_proc WHERE proname LIKE 'smartcity_search%' UNION ALL "
                    "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_search' UNION ALL "
                    "SELECT count(*) FROM information_schema.columns WHERE table_name = 'search_doc' "
                    "AND column_name = 'document' "
                    "UNION ALL SELECT count(*) FROM information_schema.tables "
                    "WHERE table_name = 'search_setting'"
                )
            )
            .scalars()
            .all()
        )
    assert left == [0, 0, 0, 0]


def test_text_is_ordered_as_on_sqlite_whatever_the_server_collation(
    kecamatan_ctx: AppContext, tmp_path: Path, postgres: Callable[..., Engine]
) -> None:
    """An ICU collation sorts "a-c" before "ab" and "b" before "B"; SQLite sorts by code point."""
    icu = "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C.UTF-8' TEMPLATE template0"
    base = {"dimension": "living", "sub_element": "kesehatan", "severity": "berat"}
    service = RecordService(kecamatan_ctx)
    made = [
        service.create(RecordKind.PROBLEM, {**base, "title": title}).ids[0]
        for title in ("b sungai", "B jalan", "a-c listrik", "ab sampah", "A sekolah", "Éra baru")
    ]
    pg = on_postgresql(kecamatan_ctx, postgres(icu), tmp_path / "pg")
    try:
        assert RecordService(pg).link_choices(RecordKind.PROBLEM) == service.link_choices(
            RecordKind.PROBLEM
        )
        own = kecamatan_ctx.office.code
        assert merge_candidates(pg, "problem", own, made[0]) == merge_candidates(
            kecamatan_ctx, "problem", own, made[0]
        )
    finally:
        pg.close()
