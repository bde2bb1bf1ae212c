"""What a review can be about, read straight from the record tables (driver level: thousands of
rows per bulk review or completeness page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.raw_sql import raw

KIND_ORDER: tuple[str, ...] = tuple(k.value for k in RecordKind)


@dataclass(frozen=True, slots=True)
class Target:
    kind: str
    id: str
    office_code: str
    revision: int
    content_hash: str
    deleted: bool
    title: str


def load_targets(session: Session, ids: Iterable[str]) -> dict[str, Target]:
    """Records by id, whatever their kind (ids are UUIDs, unique across the three tables)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Target] = {}
    conn = raw(session)
    for kind in KIND_ORDER:
        for part in conn.chunks(wanted):
            where, binds = conn.among("id", "id", part)
            for row in conn.execute(
                f"SELECT id, office_code, revision, content_hash, deleted, title FROM {kind} "
                f"WHERE {where}",
                binds,
            ):
                found[row[0]] = Target(kind, row[0], row[1], row[2], row[3], bool(row[4]), row[5])
    return found


def village_rows(session: Session, offices: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    """(kind, id, revision, deleted) of every record of each office, tombstones included."""
    out: dict[str, list[tuple[Any, ...]]] = {code: [] for code in offices}
    conn = raw(session)
    for kind in KIND_ORDER:
        for part in conn.chunks(list(offices)):
            where, binds = conn.among("office_code", "office", part)
            for row in conn.execute(
                f"SELECT office_code, id, revision, deleted FROM {kind} WHERE {where}", binds
            ):
                out[row[0]].append((kind, row[1], row[2], bool(row[3])))
    return out


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Display names ("Desa Sagara Makmur", "Kecamatan Tarumajaya") from the region list."""
    from smartcity_desktop.domain.regions import Region

    wanted = list(dict.fromkeys(codes))
    names: dict[str, str] = {}
    conn = raw(session)
    for part in conn.chunks(wanted):
        where, binds = conn.among("code", "code", part)
        for row in conn.execute(
            f"SELECT code, name, level, kind, parent_code FROM region WHERE {where}", binds
        ):
            names[row[0]] = Region(*row).display_name
    return names
