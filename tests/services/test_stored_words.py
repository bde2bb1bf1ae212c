"""Stored key words (``record_words``, migration 0016): written by the save and import paths,
filled on first read, replaced after an edit and after a newer revision is imported, ignored when
stale; Isu strategis gives the same clusters with and without them. The kecamatan and the kabupaten
of the known data set run on both backends; the villages that author the records stay on SQLite."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import stored_words
from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.analysis.issues_view import forget_models
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.similarity.records import AreaFilter, forget_words, load_rows
from smartcity_desktop.storage import migrations
from tests.services.review_helpers import send
from tests.services.similarity_data import PROBLEMS, A, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


def _stored(ctx: AppContext) -> dict[str, tuple[str, str, str, str]]:
    with ctx.db.session() as session:
        return {
            r[0]: tuple(r[1:])
            for r in session.execute(
                text("SELECT record_id, content_hash, rules, title_words, words FROM record_words")
            )
        }


def _problems(ctx: AppContext) -> dict[str, tuple[str, tuple[str | None, ...]]]:
    """id -> (content hash, texts) of the live problems."""
    with ctx.db.session() as session:
        return {
            r[0]: (r[1], (r[2], r[3], r[4]))
            for r in session.execute(
                text(
                    "SELECT id, content_hash, title, description, causes FROM problem WHERE NOT deleted"
                )
            )
        }


def _assert_valid(ctx: AppContext) -> None:
    """Every live problem has a stored row for its revision, with the words of its texts."""
    stored = _stored(ctx)
    for record_id, (digest, texts) in _problems(ctx).items():
        title, words = stored_words.compute(texts)
        assert stored[record_id] == (
            digest,
            stored_words.rules(),
            stored_words.encode(title),
            stored_words.encode(words),
        ), record_id


def _fresh_process(root: Path | None = None) -> None:
    """A new process; with ``root``, one that finds no kept analysis files in that data folder
    either (as after a change of the problems), so the clusters are formed from the words."""
    forget_words()
    forget_models()
    if root is not None:
        shutil.rmtree(root / "cache" / "analysis", ignore_errors=True)


@pytest.mark.sqlite_only("a village authors the records and keeps them in SQLite")
def test_saved_records_store_their_words_and_an_edit_replaces_them(known: Known) -> None:
    desa = known.open(A)
    try:
        _saves_store_the_words(desa, known.ids["a1"])
    finally:
        desa.close()


def test_a_save_on_the_office_database_stores_the_words(known: Known) -> None:
    """The save path's upsert runs on the kabupaten's own database too (a server on
    PostgreSQL)."""
    kab = known.open("kabupaten")
    try:
        values = dict(PROBLEMS["a1"][1])
        record_id = RecordService(kab).create(RecordKind.PROBLEM, values, finalise=True).ids[0]
        _saves_store_the_words(kab, record_id)
    finally:
        kab.close()


def _saves_store_the_words(ctx: AppContext, record_id: str) -> None:
    _assert_valid(ctx)  # written by RecordService.create
    service = RecordService(ctx)
    values = {**service.get(RecordKind.PROBLEM, record_id).values}
    values["description"] = "Gelombang pasang merusak tanggul dan kolam bandeng."
    service.update(RecordKind.PROBLEM, record_id, values)
    _assert_valid(ctx)
    words = stored_words.decode(_stored(ctx)[record_id][3])
    assert "bandeng" in words and "laut" not in words


def test_import_stores_the_words_and_a_newer_revision_replaces_them(known: Known) -> None:
    kab = known.open("kabupaten")
    desa = known.open(A)
    try:
        _assert_valid(kab)  # written by the import
        record_id = known.ids["a1"]
        before = _stored(kab)[record_id]
        service = RecordService(desa)
        values = {**service.get(RecordKind.PROBLEM, record_id).values}
        values["causes"] = "Hutan bakau ditebang untuk kolam."
        service.update(RecordKind.PROBLEM, record_id, values)
        send(desa, kab, known.root / "bundles" / "again", "2.scb")
        after = _stored(kab)[record_id]
        assert after[0] != before[0]
        assert "bakau" in stored_words.decode(after[3])
        _assert_valid(kab)
    finally:
        desa.close()
        kab.close()


def test_missing_or_stale_words_are_computed_and_stored_on_read(known: Known) -> None:
    kab = known.open("kabupaten")
    try:
        expected = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()
        with kab.db.transaction() as session:
            session.execute(
                text("DELETE FROM record_words WHERE record_id = :i"), {"i": known.ids["a1"]}
            )
            # A row of an older revision and one made under other word rules: both ignored.
            session.execute(
                text("UPDATE record_words SET content_hash = 'old' WHERE record_id = :i"),
                {"i": known.ids["b1"]},
            )
            session.execute(
                text("UPDATE record_words SET rules = 'other', words = 'x' WHERE record_id = :i"),
                {"i": known.ids["c1"]},
            )
        _fresh_process(kab.paths.root)
        again = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()
        expected.pop("computed_at", None)
        again.pop("computed_at", None)
        assert again == expected
        _assert_valid(kab)
    finally:
        kab.close()


def test_the_stored_words_are_what_the_clusters_read(known: Known) -> None:
    kab = known.open("kabupaten")
    try:
        record_id = known.ids["d1"]
        with kab.db.transaction() as session:
            session.execute(
                text(
                    "UPDATE record_words SET title_words = 'zebra', words = 'zebra' "
                    "WHERE record_id = :i"
                ),
                {"i": record_id},
            )
        _fresh_process()
        rows = {r.id: r for r in load_rows(kab, "problem", AreaFilter())}
        assert rows[record_id].title_words == ("zebra",) and rows[record_id].words == ("zebra",)
        assert list(rows) == sorted(rows)  # still in id order
    finally:
        kab.close()


def test_a_read_only_database_still_gives_the_words(
    known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    kab = known.open("kabupaten")
    try:
        with kab.db.transaction() as session:
            session.execute(text("DELETE FROM record_words"))
        _fresh_process()

        def refused(*_a: object, **_k: object) -> None:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

        monkeypatch.setattr(stored_words, "store", refused)
        rows = load_rows(kab, "problem", AreaFilter())
        assert all(r.words for r in rows)
        assert _stored(kab) == {}
    finally:
        kab.close()


def _engine_of(ctx: AppContext) -> Engine:
    """A separate engine on ``ctx``'s database (the file, or the server's database)."""
    if ctx.db.url is None:
        return create_engine(f"sqlite:///{ctx.db.path}", poolclass=NullPool)
    return create_engine(ctx.db.url, poolclass=NullPool)


def test_migration_0016_adds_an_empty_table_and_the_first_read_fills_it(known: Known) -> None:
    kab = known.open("kabupaten")
    try:
        expected = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()
        engine = _engine_of(kab)
        root = kab.paths.root
    finally:
        kab.close()
    # The database as it was before 0016, with its records.
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE record_words"))
        conn.execute(text("DROP INDEX ix_problem_link_facts"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    assert "record_words" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM record_words")).scalar() == 0
    engine.dispose()
    _fresh_process(root)
    kab = known.open("kabupaten")
    try:
        again = view("isu-strategis").compute(kab, AnalysisFilter()).as_dict()
        expected.pop("computed_at", None)
        again.pop("computed_at", None)
        assert again == expected
        _assert_valid(kab)
    finally:
        kab.close()


@contextmanager
def _empty_database(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty database: a SQLite file, or a scratch database on the server."""
    if backend == "postgresql":
        from tests.pg_scratch import scratch_database

        with scratch_database() as url:
            engine = create_engine(url, poolclass=NullPool)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    engine = create_engine(f"sqlite:///{tmp_path / 'smartcity.sqlite'}")
    try:
        yield engine
    finally:
        engine.dispose()


def test_downgrade_drops_the_table(backend: str, tmp_path: Path) -> None:
    from alembic import command

    with _empty_database(backend, tmp_path) as engine:
        migrations.upgrade(engine)
        assert "record_words" in inspect(engine).get_table_names()
        assert "ix_problem_link_facts" in {
            i["name"] for i in inspect(engine).get_indexes("problem")
        }
        cfg = migrations.alembic_config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0015")
            conn.commit()
        assert "record_words" not in inspect(engine).get_table_names()
        assert "ix_problem_link_facts" not in {
            i["name"] for i in inspect(engine).get_indexes("problem")
        }


def test_a_server_account_that_may_only_read_still_gives_the_words(
    backend: str, known: Known
) -> None:
    """On a server the refusal is real: the database only accepts read-only transactions."""
    if backend != "postgresql":
        pytest.skip("a read-only server database; SQLite's refusal is faked above")
    from tests.pg_scratch import admin_url

    kab = known.open("kabupaten")
    try:
        with kab.db.transaction() as session:
            session.execute(text("DELETE FROM record_words"))
        url = kab.db.url
    finally:
        kab.close()
    assert url is not None
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(
            text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        )
    admin.dispose()
    _fresh_process()
    kab = known.open("kabupaten")
    try:
        rows = load_rows(kab, "problem", AreaFilter())
        assert rows and all(r.words for r in rows)
        assert _stored(kab) == {}
    finally:
        kab.close()
