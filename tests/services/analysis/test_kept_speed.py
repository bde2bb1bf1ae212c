"""The faster paths of the kept reads give what the plain ones gave: the data mark in one
statement has the values of its per-table queries, kept rows stored as columns come back as the
same rows, rows grouped per village in runs equal the row-by-row grouping, and the ranking's
column sums and partial rounding list what a row-by-row loop with every score rounded listed."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from sqlalchemy import text

from smartcity_desktop.services.analysis import AnalysisFilter
from smartcity_desktop.services.analysis.kept_rows import (
    MARKED_TABLES,
    by_desa,
    data_mark,
    forget_kept,
    from_columns,
    to_columns,
)
from smartcity_desktop.services.analysis.proposal_facts import (
    EXCLUDED_STATES,
    REVIEW_POINTS,
    kept_proposals,
    severity_max,
)
from smartcity_desktop.services.analysis.ranking import quick_win_points, ranked
from smartcity_desktop.services.analysis.scope import resolve
from smartcity_desktop.services.analysis.view_settings import WEIGHTS, ranking_weights
from smartcity_desktop.services.context import AppContext
from tests.services.analysis.views_data import (
    ViewsData,
    kab,
    views_data,
    views_shared,
    views_template,
)

__all__ = ["kab", "views_data", "views_shared", "views_template"]

pytestmark = pytest.mark.postgres_ready


def _mark_by_table(session: Any, tables: tuple[str, ...]) -> tuple[Any, ...]:
    """The data mark as it was first written: one query per table."""
    out: list[Any] = []
    for table in tables:
        out += session.execute(
            text(f"SELECT count(*), sum(revision), max(updated_at) FROM {table}")
        ).one()
    out.append(session.execute(text("SELECT count(*) FROM proposal_link")).scalar_one())
    out += session.execute(text("SELECT count(*), max(imported_at) FROM bundle_ledger")).one()
    return tuple(out)


def test_the_mark_in_one_statement_has_the_values_of_the_queries_per_table(
    views_data: ViewsData,
) -> None:
    ctx = views_data.open("kabupaten")
    changes = (
        "UPDATE problem SET revision = revision + 1 WHERE id = (SELECT min(id) FROM problem)",
        "UPDATE proposal SET updated_at = '2031-01-01 00:00:00' "
        "WHERE id = (SELECT min(id) FROM proposal)",
        "UPDATE potential SET revision = revision + 2 WHERE id = (SELECT max(id) FROM potential)",
        "DELETE FROM proposal_link WHERE proposal_id = (SELECT min(proposal_id) FROM "
        "proposal_link)",
        "UPDATE proposal SET deleted = true, revision = revision + 1 "
        "WHERE id = (SELECT max(id) FROM proposal)",
    )
    try:
        seen = []
        for change in (None, *changes):
            if change is not None:
                with ctx.db.transaction() as session:
                    session.execute(text(change))
            with ctx.db.session() as session:
                for tables in (MARKED_TABLES, ("problem", "proposal")):
                    mark = data_mark(session, tables)
                    assert mark == _mark_by_table(session, tables)
                    assert repr(mark) == repr(_mark_by_table(session, tables))
                seen.append(data_mark(session))
        # Every change changed the mark.
        assert len(set(seen)) == len(seen)
    finally:
        ctx.close()


class _Row(NamedTuple):
    desa: str
    n: int
    note: str | None


def test_rows_kept_as_columns_come_back_as_the_same_rows() -> None:
    rows = (_Row("a", 1, None), _Row("b", 2, "x"), _Row("a", 3, "y"))
    back = from_columns(_Row, 3, to_columns(rows))
    assert back == rows
    assert all(type(r) is _Row for r in back)
    assert back[2].note == "y"
    assert from_columns(_Row, 3, to_columns(())) == ()
    # Columns that do not fit the rows (a file changed by hand) are refused, never half read.
    for bad in (
        [["a"], [1]],  # a field missing
        [["a", "b"], [1], [None, None]],  # a column short
        (["a"], [1], [None]),  # not a list
        [["a"], [1], "x"],
        {"desa": ["a"]},
    ):
        with pytest.raises(ValueError):
            from_columns(_Row, 3, bad)


def test_rows_per_village_are_grouped_the_same_in_runs_or_scattered() -> None:
    def reference(rows: tuple[_Row, ...]) -> dict[str, tuple[_Row, ...]]:
        out: dict[str, list[_Row]] = {}
        for row in rows:
            out.setdefault(row.desa, []).append(row)
        return {d: tuple(rs) for d, rs in out.items()}

    runs = tuple(_Row(d, n, None) for n, d in enumerate("aaabbc"))
    scattered = tuple(_Row(d, n, None) for n, d in enumerate("abacba"))
    for rows in (runs, scattered, ()):
        grouped = by_desa(rows)
        assert grouped == reference(rows)
        assert list(grouped) == list(reference(rows))


def _scores_row_by_row(ctx: AppContext, weights: dict[str, float]) -> dict[str, float]:
    """Every ranked proposal's score as the loop over rows computed it."""
    kept = kept_proposals(ctx)
    candidates = [f for f in kept.rows if f.review_state not in EXCLUDED_STATES]
    total = sum(weights.values())
    w = {k: 100 * weights[k] / total for k in WEIGHTS}
    sev_max = float(severity_max())
    qw = quick_win_points()
    cph_of = [
        f.cost * 1.0 / f.heads if f.cost is not None and f.heads > 0 else None for f in candidates
    ]
    max_reach = max((f.reach for f in candidates), default=0)
    max_heads = max((f.heads for f in candidates), default=0)
    cheapest = min((c for c in cph_of if c is not None and c > 0), default=None)
    out = {}
    for f, cph in zip(candidates, cph_of, strict=True):
        score = w["jangkauan"] * f.reach / max_reach if max_reach > 0 else 0.0
        score += w["keparahan"] * f.worst_severity / sev_max
        if max_heads > 0:
            score += w["penerima"] * f.heads / max_heads
        if cph is not None:
            cost = w["biaya_per_penerima"]
            score += cost if cph == 0 else cost * (cheapest or 0.0) / cph
        if f.priority is not None and f.priority >= 1:
            depth = kept.depth.get(f.reviewer or "", 0)
            if depth >= f.priority:
                score += w["prioritas"] * (depth - f.priority + 1) / depth
        score += w["reviu"] * REVIEW_POINTS.get(f.review_state, 0.0)
        score += w["quick_win"] * qw.get(f.quick_win, 0.0)
        out[f.id] = score
    return out


@pytest.mark.parametrize(
    "weights",
    (
        None,  # the stored (default) weights
        {"jangkauan": 1.0, "keparahan": 0.0, "penerima": 0.0, "biaya_per_penerima": 0.0,
         "prioritas": 0.0, "reviu": 0.0, "quick_win": 0.0},  # many equal scores
        {"jangkauan": 3.0, "keparahan": 7.0, "penerima": 1.0, "biaya_per_penerima": 13.0,
         "prioritas": 5.0, "reviu": 11.0, "quick_win": 2.0},
    ),
)  # fmt: skip
def test_the_ranking_lists_what_every_score_rounded_and_sorted_lists(
    kab: AppContext, weights: dict[str, float] | None
) -> None:
    forget_kept()
    weights = weights or ranking_weights(kab)
    scope = resolve(kab, AnalysisFilter())
    expected = _scores_row_by_row(kab, weights)
    kept = {f.id: f for f in kept_proposals(kab).rows}
    order = sorted(
        expected,
        key=lambda i: (-round(expected[i], 2), kept[i].desa, kept[i].title, kept[i].id),
    )
    assert len(order) > 3
    for limit in (*range(1, len(order) + 2), 500):
        shown, count, _excluded = ranked(kab, scope, weights, limit)
        assert count == len(order)
        assert [s.facts.id for s in shown] == order[:limit]
        # The very same floats, not only the same order.
        assert [s.score for s in shown] == [expected[i] for i in order[:limit]]
