"""What a review can be about, read straight from the record tables (driver level: thousands of
rows per bulk review or completeness page)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from smartcity_desktop.domain.fields import RecordKind

KIND_ORDER: tuple[str, ...] = tuple(k.value for k in RecordKind)
# SQLite's default limit on bound parameters is 32766 nowadays, 999 on old builds.
CHUNK = 900


@dataclass(frozen=True, slots=True)
class Target:
    kind: str
    id: str
    office_code: str
    revision: int
    content_hash: str
    deleted: bool
    title: str


def driver(session: Session) -> Any:
    """The sqlite3 connection under a session (inside the session's transaction)."""
    conn = session.connection().connection.driver_connection
    assert conn is not None
    return conn


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def placeholders(items: Sequence[Any]) -> str:
    return ",".join("?" for _i in items)


def load_targets(session: Session, ids: Iterable[str]) -> dict[str, Target]:
    """Records by id, whatever their kind (ids are UUIDs, unique across the three tables)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Target] = {}
    conn = driver(session)
    for kind in KIND_ORDER:
        for part in chunks(wanted):
            for row in conn.execute(
                f"SELECT id, office_code, revision, content_hash, deleted, title FROM {kind} "
                f"WHERE id IN ({placeholders(part)})",
                tuple(part),
            ):
                found[row[0]] = Target(kind, row[0], row[1], row[2], row[3], bool(row[4]), row[5])
    return found


def village_rows(session: Session, offices: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    """(kind, id, revision, deleted) of every record of each office, tombstones included."""
    out: dict[str, list[tuple[Any, ...]]] = {code: [] for code in offices}
    conn = driver(session)
    for kind in KIND_ORDER:
        for part in chunks(list(offices)):
            for row in conn.execute(
                f"SELECT office_code, id, revision, deleted FROM {kind} "
                f"WHERE office_code IN ({placeholders(part)})",
                tuple(part),
            ):
                out[row[0]].append((kind, row[1], row[2], bool(row[3])))
    return out


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Display names ("Desa Sagara Makmur", "Kecamatan Tarumajaya") from the region list."""
    from smartcity_desktop.domain.regions import Region

    wanted = list(dict.fromkeys(codes))
    names: dict[str, str] = {}
    conn = driver(session)
    for part in chunks(wanted):
        for row in conn.execute(
            "SELECT code, name, level, kind, parent_code FROM region "
            f"WHERE code IN ({placeholders(part)})",
            tuple(part),
        ):
            names[row[0]] = Region(*row).display_name
    return names
