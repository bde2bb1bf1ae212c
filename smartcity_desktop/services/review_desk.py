"""What the review queue and Kelengkapan screens read besides reviews and completeness themselves.

- ``record_details``: a village record as label/text pairs for a read-only display beside the
  review form (every field of its kind, in form order, values spelt out from the reference lists);
- ``merge_candidates``: the records of the same kind and village that a record can be merged into;
- ``bundles_received``: whether this office has imported anything yet (which page to start on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from smartcity_desktop.domain.fields import FIELDS, FieldSpec, FieldType, RecordKind
from smartcity_desktop.domain.reference import ref_list, sub_elements
from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_date_long
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.gui_support import format_count, format_rupiah
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review.targets import load_targets, region_names

EMPTY = "–"


@dataclass(frozen=True)
class RecordDetails:
    kind: str
    id: str
    title: str
    office_code: str
    office_name: str
    revision: int
    updated_at: dt.datetime
    fields: tuple[tuple[str, str], ...]  # (label, text), every field of the kind in form order


def record_details(ctx: AppContext, kind: str, record_id: str) -> RecordDetails:
    record = RecordService(ctx).get(RecordKind(kind), record_id)
    values = record.values
    linked = [
        i
        for spec in FIELDS[record.kind]
        if spec.type is FieldType.LINKS
        for i in values.get(spec.name) or []
    ]
    with ctx.db.session() as session:
        titles = {i: t.title for i, t in load_targets(session, linked).items()} if linked else {}
        office_name = region_names(session, [record.office_code]).get(
            record.office_code, record.office_code
        )
    fields = tuple(
        (_(spec.label), value_text(spec, values.get(spec.name), values, titles))
        for spec in FIELDS[record.kind]
    )
    return RecordDetails(
        record.kind.value,
        record.id,
        record.title,
        record.office_code,
        office_name,
        record.revision,
        record.updated_at,
        fields,
    )


def value_text(
    spec: FieldSpec, value: Any, values: dict[str, Any], titles: dict[str, str] | None = None
) -> str:
    """One field's value as a reader sees it: labels instead of codes, grouped numbers, dates."""
    if value is None or value == "" or value == []:
        return EMPTY
    if spec.type is FieldType.CHOICE and spec.ref:
        if spec.name == "sub_element":
            found = next(
                (i for i in sub_elements(values.get("dimension")) if i.code == value), None
            )
            return found.label() if found else str(value)
        return ref_list(spec.ref).label(str(value))
    if spec.type is FieldType.MULTICHOICE and spec.ref:
        return ", ".join(ref_list(spec.ref).label(str(v)) for v in value)
    if spec.type is FieldType.MONEY:
        return format_rupiah(value)
    if spec.type is FieldType.INTEGER:
        return format_count(int(value))
    if spec.type is FieldType.DATE:
        try:
            return format_date_long(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if spec.type is FieldType.LINKS:
        names = [(titles or {}).get(i) or i for i in value]
        return "; ".join(names)
    return str(value)


@dataclass(frozen=True)
class MergeCandidate:
    id: str
    title: str


def merge_candidates(ctx: AppContext, kind: str, desa: str, exclude: str) -> list[MergeCandidate]:
    """Live records of the same kind and village, by title, that ``exclude`` may be merged into."""
    RecordKind(kind)  # refuses an unknown kind before it reaches the SQL text
    with ctx.db.session() as session:
        # lower() folds A-Z as SQLite's NOCASE does, and PostgreSQL has it too.
        conn = raw(session)
        rows = conn.execute(
            f"SELECT id, title FROM {kind} WHERE office_code = :desa AND deleted = false "
            f"AND id != :exclude ORDER BY {conn.bytewise('lower(title)', 'id')}",
            {"desa": desa, "exclude": exclude},
        )
        return [MergeCandidate(row[0], row[1] or "") for row in rows]


def bundles_received(ctx: AppContext) -> int:
    """How many bundles this office has imported (0: nothing has arrived yet)."""
    with ctx.db.session() as session:
        row = raw(session).execute("SELECT count(*) FROM bundle_ledger").fetchone()
        return int(row[0])
