"""Migration 0007 on an existing database: review rows written under the old columns survive."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from smartcity_desktop.domain.review import review_hash, values_of
from smartcity_desktop.storage import migrations
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.models import Review

# SQLite only: an office file written before migration 0007 (offices on a server start at the head).

OLD_ROWS = [
    # id, verification, notes, recommendation
    ("11111111-1111-4111-8111-111111111111", "diterima", "Sudah dicek di lapangan", None),
    ("22222222-2222-4222-8222-222222222222", "batal", None, "Gabungkan dengan usulan RW 03"),
]


def old_database(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, "0006")
    now = datetime(2026, 11, 20, 9, 30)
    with engine.begin() as conn:
        for review_id, verification, notes, recommendation in OLD_ROWS:
            conn.execute(
                text(
                    "INSERT INTO review (id, office_code, revision, status, deleted, content_hash, "
                    "created_at, updated_at, author, target_kind, target_id, verification, notes, "
                    "recommendation, priority) VALUES (:id, '32.16.01', 1, 'final', 0, 'old', "
                    ":now, :now, 'Operator', 'proposal', "
                    "'33333333-3333-4333-8333-333333333333', :v, :n, :r, 2)"
                ),
                {"id": review_id, "now": now, "v": verification, "n": notes, "r": recommendation},
            )
    engine.dispose()


def test_existing_reviews_survive_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "smartcity.sqlite"
    old_database(path)
    db = Database.open(path, tmp_path / "backups")
    try:
        with db.session() as s:
            known = s.get(Review, OLD_ROWS[0][0])
            odd = s.get(Review, OLD_ROWS[1][0])
            assert known is not None and odd is not None
            assert (known.state, known.comment, known.priority) == (
                "diterima",
                "Sudah dicek di lapangan",
                2,
            )
            # text that is not a state is kept in the comment, with the recommendation
            assert odd.state is None
            assert odd.comment == (
                "Hasil verifikasi: batal\n\nRekomendasi: Gabungkan dengan usulan RW 03"
            )
            for row in (known, odd):
                assert row.revision == 1 and row.target_revision is None
                assert row.content_hash == review_hash(
                    row.id, row.office_code, row.revision, row.deleted, values_of(row)
                )
        inspector = inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("review")}
        assert {"verification", "notes", "recommendation"}.isdisjoint(columns)
        indexes = {i["name"] for i in inspector.get_indexes("review")}
        assert {"ix_review_office_target", "ix_review_office_state"} <= indexes
        assert "ix_proposal_queue" in {i["name"] for i in inspector.get_indexes("proposal")}
    finally:
        db.close()


def test_downgrade_gives_the_old_columns_back(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "smartcity.sqlite"
    old_database(path)
    engine = create_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    cfg = migrations.alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0006")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, verification, notes FROM review ORDER BY id")).all()
    engine.dispose()
    assert rows[0] == (OLD_ROWS[0][0], "diterima", "Sudah dicek di lapangan")
    assert rows[1][1] is None and "Rekomendasi" in rows[1][2]
