"""The records behind a number in a view, with where each came from.

A drill-down narrows the view's own filter (``Drill``), so it lists exactly the records the
number counted. The record view then shows the full provenance (``services.provenance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import TRUST_LEVELS, AnalysisFilter
from smartcity_desktop.services.analysis.result import Drill, Span
from smartcity_desktop.services.analysis.scope import KIND_TABLES, AnalysisRefused, resolve
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw

LIMIT = 5000


@dataclass(frozen=True)
class DrillRow:
    kind: str
    id: str
    title: str
    desa: str
    desa_name: str
    kecamatan_name: str
    dimension: str  # label
    trust: str  # label
    review_state: str | None  # the kecamatan's review of the record, if any
    revision: int
    source_bundle: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "desa": self.desa,
            "desa_name": self.desa_name,
            "kecamatan_name": self.kecamatan_name,
            "dimension": self.dimension,
            "trust": self.trust,
            "review_state": self.review_state,
            "revision": self.revision,
            "source_bundle": self.source_bundle,
        }


@dataclass(frozen=True)
class DrillResult:
    rows: tuple[DrillRow, ...]
    total: int  # how many records match (rows holds at most LIMIT of them)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _columns(table: str) -> set[str]:
    from smartcity_desktop.storage.models import Base

    return {c.name for c in inspect(Base.metadata.tables[table]).columns}


def drill_records(
    ctx: AppContext, flt: AnalysisFilter, drill: Drill, limit: int = LIMIT
) -> DrillResult:
    narrowed = flt.narrowed(
        kecamatan=drill.kecamatan or flt.kecamatan,
        desa=drill.desa or flt.desa,
        dimension=drill.dimension or flt.dimension,
    )
    scope = resolve(ctx, narrowed)
    found: list[tuple[Any, ...]] = []
    total = 0
    with ctx.db.session() as session:
        db = raw(session)
        for kind in drill.kinds:
            if kind not in KIND_TABLES:
                raise AnalysisRefused(_("Jenis catatan tidak dikenal: {kind}.").format(kind=kind))
            where, params = scope.where("r")
            # Without ANALYZE statistics SQLite may walk the index on ``deleted`` (one value for
            # nearly every row) or, for a kecamatan, the one on ``dimension`` instead of the one
            # on ``office_code``: 2.5 s or 170 ms instead of 30 ms in a kabupaten of 200,000
            # records. An expression on a column keeps it out of the index choice.
            where = where.replace("r.deleted = 0", "r.deleted + 0 = 0", 1)
            if narrowed.kecamatan or narrowed.desa:
                where = where.replace("r.dimension = :", "r.dimension || '' = :", 1)
            if drill.ids:
                # By primary key: otherwise SQLite walks the village index in the listing's
                # order and tests every row of the area against the ids (5,757 problems of an
                # issue: 900 ms instead of a few tens).
                where = where.replace("r.office_code IN (", "r.office_code || '' IN (", 1)
            allowed = _columns(kind)
            for n, (column, value) in enumerate(drill.where):
                if column not in allowed:
                    raise AnalysisRefused(
                        _("Kolom {column} tidak ada pada {kind}.").format(column=column, kind=kind)
                    )
                if value is None:
                    where += f" AND r.{column} IS NULL"
                elif isinstance(value, Span):
                    if value.start is not None:
                        where += f" AND r.{column} >= :w{n}a"
                        params[f"w{n}a"] = value.start
                    if value.end is not None:
                        where += f" AND r.{column} < :w{n}b"
                        params[f"w{n}b"] = value.end
                else:
                    where += f" AND r.{column} = :w{n}"
                    params[f"w{n}"] = value
            if drill.unlinked:
                where += " AND " + unlinked_condition(kind, "r")
            base = (
                "SELECT r.id, r.title, r.office_code, r.dimension, r.trust_level, r.revision, "
                f"r.source_bundle FROM {kind} r WHERE {where}"
            )
            # By village and title, ties by id; text by code point on any server (SQLite's order).
            order = db.bytewise("r.office_code", "r.title", "r.id")
            # The SQL runs on the driver itself (``raw_sql``): SQLAlchemy's work per statement and
            # per row was a third of a drill-down's time.
            if drill.ids:
                # At most one row per id, and the ids are in memory already: every row is read
                # and counted here, without a second pass of index probes to count them (an
                # issue of 5,757 problems). The ids are one bound list per part (20,000).
                every: list[Any] = []
                parts = list(db.chunks(drill.ids))
                for part in parts:
                    # In id order, the primary key's pages are read in order (10 % less).
                    among, binds = db.among("r.id", "ids", sorted(part))
                    every += db.execute(f"{base} AND {among} ORDER BY {order}", params | binds)
                if len(parts) > 1:
                    # Text by code point, as the SQL orders it.
                    every.sort(key=lambda r: (r[2], r[1], r[0]))
                total += len(every)
                found += [(kind, *row) for row in every[: max(limit - len(found), 0)]]
                continue
            # Counted in SQL and read up to the limit: a whole kabupaten's 200,000 records are
            # never brought into Python to show 5,000 of them.
            total += db.execute(f"SELECT count(*) FROM ({base}) counted", params).fetchone()[0]
            room = limit - len(found)
            if room > 0:
                listing = db.execute(
                    f"{base} ORDER BY {order} LIMIT :room", params | {"room": room}
                )
                found += [(kind, *row) for row in listing]
        states = _review_states(session, [(r[1], r[3]) for r in found])
    region_names = scope.area.names
    dimensions = ref_list("dimensions")
    # Labels once per distinct value, not once per listed record (5,000 of them).
    dimension_labels = {d: dimensions.label(d) for d in {r[4] for r in found} if d}
    trust_labels = {code: _(label) for code, label in TRUST_LEVELS.items()}
    own = _("Milik sendiri")
    rows = tuple(
        DrillRow(
            kind=kind,
            id=record_id,
            title=title,
            desa=desa,
            desa_name=region_names.get(desa, desa),
            kecamatan_name=region_names.get(scope.area.desa_kecamatan.get(desa, ""), ""),
            dimension=dimension_labels.get(dimension, "") if dimension else "",
            trust=trust_labels.get(trust, own),
            review_state=states.get(record_id),
            revision=revision,
            source_bundle=source,
        )
        for kind, record_id, title, desa, dimension, trust, revision, source in found
    )
    return DrillResult(rows, total)


def unlinked_condition(kind: str, alias: str) -> str:
    """SQL: the record of ``kind`` aliased ``alias`` has no link to a live record. A problem or
    potential is answered when a live proposal names it; a proposal is linked when it names a
    live problem or potential. Links of deleted records stay in ``proposal_link`` (a tombstone
    keeps its values), hence the exclusions, each evaluated once per query."""
    if kind == "proposal":
        return (
            "NOT EXISTS (SELECT 1 FROM proposal_link l WHERE l.proposal_id = "
            f"{alias}.id AND l.target_id NOT IN ("
            "SELECT d.id FROM problem d WHERE d.deleted = true "
            "UNION ALL SELECT d.id FROM potential d WHERE d.deleted = true))"
        )
    # Record ids are unique across kinds, so the target id alone names the record.
    return (
        f"NOT EXISTS (SELECT 1 FROM proposal_link l WHERE l.target_id = {alias}.id "
        "AND l.proposal_id NOT IN (SELECT d.id FROM proposal d WHERE d.deleted = true))"
    )


def linked_ids_sql(kind: str) -> str:
    """SQL: the ids of the records of ``kind`` that ``unlinked_condition`` says are linked, as one
    column (with repeats). Reading them once into a set is cheaper than the condition's index probe
    per record when every record of an area is checked (Kesenjangan masalah–usulan)."""
    if kind == "proposal":
        return (
            "SELECT l.proposal_id FROM proposal_link l WHERE l.target_id NOT IN ("
            "SELECT d.id FROM problem d WHERE d.deleted = true "
            "UNION ALL SELECT d.id FROM potential d WHERE d.deleted = true)"
        )
    return (
        "SELECT l.target_id FROM proposal_link l "
        "WHERE l.proposal_id NOT IN (SELECT d.id FROM proposal d WHERE d.deleted = true)"
    )


def _review_states(session: Any, records: list[tuple[str, str]]) -> dict[str, str]:
    """Each record's review by its village's kecamatan (the state code)."""
    from smartcity_desktop.domain.regions import parent_of

    parents: dict[str, str | None] = {}
    reviewer: dict[str, str | None] = {}
    for record_id, desa in records:
        if desa not in parents:
            parents[desa] = parent_of(desa)
        reviewer[record_id] = parents[desa]
    out: dict[str, str] = {}
    db = raw(session)
    ids = list(reviewer)
    # The ids as one bound list (``raw_sql.among``): 5,000 records are one statement.
    for part in db.chunks(ids):
        among, binds = db.among("target_id", "ids", part)
        for target_id, office, state in db.execute(
            f"SELECT target_id, office_code, state FROM review WHERE deleted = false AND {among}",
            binds,
        ):
            if office == reviewer[target_id]:
                out[target_id] = state
    return out
