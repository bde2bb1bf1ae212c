"""What the speed work on the analysis views had to keep or fix: the XLSX names the office,
the kept rows follow every change of the data, a filter selects from them exactly as the scope's
SQL does, and an issue's drill-down lists its problems (tests/services/proposal_data.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, text

from smartcity_desktop.services.analysis import AnalysisFilter, drill_records, view
from smartcity_desktop.services.analysis.export_table import write_xlsx
from smartcity_desktop.services.analysis.kept_rows import in_scope
from smartcity_desktop.services.analysis.proposal_facts import kept_proposals
from smartcity_desktop.services.analysis.result import Drill
from smartcity_desktop.services.analysis.scope import resolve
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import BundleLedger, table_of
from tests.services.proposal_data import Known, proposals, proposals_template

__all__ = ["proposals", "proposals_template"]

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kab(proposals: Known) -> Iterator[AppContext]:
    ctx = proposals.open("kabupaten")
    yield ctx
    ctx.close()


def test_the_keterangan_sheet_names_the_kabupaten_not_its_code(
    kab: AppContext, tmp_path: Path
) -> None:
    result = view("peringkat-usulan").compute(kab, AnalysisFilter())
    out = tmp_path / "peringkat.xlsx"
    write_xlsx(result, out)
    notes = {r[0].value: r[1].value for r in load_workbook(out)["Keterangan"].iter_rows(min_row=2)}
    assert notes["Kantor"] == f"{kab.office.name} ({kab.office.code})"
    assert kab.office.name != kab.office.code


def _scope_ids(ctx: AppContext, flt: AnalysisFilter) -> set[str]:
    """The proposals the scope's own SQL selects: what the kept rows must reproduce."""
    scope = resolve(ctx, flt)
    where, params = scope.where("r")
    with ctx.db.session() as session:
        return set(
            session.execute(text(f"SELECT r.id FROM proposal r WHERE {where}"), params).scalars()
        )


def test_kept_rows_select_what_the_scope_selects(kab: AppContext) -> None:
    kept = kept_proposals(kab)
    with kab.db.session() as session:
        created = sorted(
            str(c)[:10] for c in session.execute(text("SELECT created_at FROM proposal")).scalars()
        )
    first = dt.date.fromisoformat(created[0])
    filters = [
        AnalysisFilter(),
        AnalysisFilter(kecamatan="32.16.01"),
        AnalysisFilter(dimension="living"),
        AnalysisFilter(trust="certified"),
        AnalysisFilter(date_from=first, date_to=first),
        AnalysisFilter(date_from=first + dt.timedelta(days=1)),
    ]
    for flt in filters:
        scope = resolve(kab, flt)
        assert {f.id for f in in_scope(kept.rows, kept.by_desa, scope)} == _scope_ids(kab, flt)


def test_kept_proposals_follow_a_deletion_and_a_new_review(
    proposals: Known, kab: AppContext
) -> None:
    before = view("peringkat-usulan").compute(kab, AnalysisFilter()).table("peringkat")
    assert len(before.rows) == 4
    u1 = proposals.ids["u1"]
    with kab.db.transaction() as session:
        session.execute(
            text("UPDATE proposal SET deleted = true, revision = revision + 1 WHERE id = :id"),
            {"id": u1},
        )
    after = view("peringkat-usulan").compute(kab, AnalysisFilter()).table("peringkat")
    assert u1 not in {r.drills["usulan"].ids[0] for r in after.rows}
    assert len(after.rows) == 3


def test_an_issue_drill_down_by_ids_lists_every_problem(proposals: Known, kab: AppContext) -> None:
    with kab.db.session() as session:
        ids = tuple(
            session.execute(text("SELECT id FROM problem WHERE NOT deleted ORDER BY id")).scalars()
        )
    found = drill_records(kab, AnalysisFilter(), Drill(("problem",), ids=ids))
    assert {r.id for r in found.rows} == set(ids)
    assert found.total == len(ids)


def test_kept_proposals_follow_a_trust_level_raised_in_place_by_an_import(
    kab: AppContext,
) -> None:
    # An import of the same content with a certificate raises the trust level without a new
    # revision (services/exchange/rows.py); the import's ledger row tells the kept rows.
    certified = AnalysisFilter(trust="certified")
    local = AnalysisFilter(trust="locally_trusted")
    with kab.db.transaction() as session:
        session.execute(text("UPDATE proposal SET trust_level = 'locally_trusted'"))
    before = kept_proposals(kab)
    every = len(before.rows)
    assert len(in_scope(before.rows, before.by_desa, resolve(kab, local))) == every
    with kab.db.transaction() as session:
        session.execute(text("UPDATE proposal SET trust_level = 'certified'"))
        session.execute(
            insert(table_of(BundleLedger)),
            [
                {
                    "content_hash": "ab" * 32,
                    "sender_office": "32.16.01.2001",
                    "sender_role": "desa",
                    "sender_key_id": "0" * 16,
                    "sequence": 99,
                    "bundle_created_at": dt.datetime(2026, 12, 1, 8, 0),
                    "imported_at": dt.datetime(2026, 12, 1, 9, 0),
                    "trust_level": "certified",
                    "file_name": "x.scb",
                    "size": 1,
                    "outcome": "{}",
                    "forwarded_by": None,
                }
            ],
        )
    kept = kept_proposals(kab)
    assert len(in_scope(kept.rows, kept.by_desa, resolve(kab, certified))) == every
    assert not in_scope(kept.rows, kept.by_desa, resolve(kab, local))
