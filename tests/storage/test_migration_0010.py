"""Migration 0010 on an existing database: the analysis indexes arrive, no row changes, and
the downgrade takes them away again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from smartcity_desktop.storage import migrations

# SQLite only: an office file written before migration 0010 (offices on a server start at the head).

NEW = {
    "problem": {"ix_problem_live", "ix_problem_changes"},
    "potential": {"ix_potential_live", "ix_potential_changes"},
    "proposal": {"ix_proposal_live", "ix_proposal_changes"},
    "review": {"ix_review_changes"},
    "proposal_link": {"ix_proposal_link_answer"},
}


def _indexes(engine: object) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {t: {i["name"] for i in inspector.get_indexes(t)} for t in NEW}


def test_upgrade_from_0009_adds_the_analysis_indexes_and_keeps_the_rows(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'smartcity.sqlite'}")
    migrations.upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('analysis.bobot.reviu', '5')"))
    before = _indexes(engine)
    assert "ix_proposal_link_target" in before["proposal_link"]
    migrations.upgrade(engine, "0010")
    after = _indexes(engine)
    for table, names in NEW.items():
        assert names <= after[table], table
        assert not names & before[table]
    assert "ix_proposal_link_target" not in after["proposal_link"]  # superseded
    with engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT count(*), sum(revision), max(updated_at) "
                    "FROM proposal"
                )
            )
        )
        assert "COVERING INDEX ix_proposal_changes" in plan
        assert conn.execute(text("SELECT value FROM setting")).scalar() == "5"
    engine.dispose()


def test_downgrade_to_0009_restores_the_old_indexes(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'smartcity.sqlite'}")
    migrations.upgrade(engine, "0010")
    cfg = migrations.alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
        conn.commit()
    after = _indexes(engine)
    assert "ix_proposal_link_target" in after["proposal_link"]
    for table, names in NEW.items():
        assert not names & after[table], table
    engine.dispose()
