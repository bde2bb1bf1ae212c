"""What a view reads of every record once, kept per office database until the data changes.

A filter change on the analysis page must refresh a view within 300 ms over 200,000 records.
Views whose figures need a lookup per record (a proposal's linked problems, whether a problem is
answered) read every live record of the office's area once, with those lookups done, and keep
the rows here; a filter change then selects from the kept rows in Python with the scope's own
rules (``Scope.where``: the filter's villages, dimension, trust level and creation date).

``data_mark`` tells whether anything changed: every change of an owned row raises its revision
or adds a row, and the ``ix_<table>_changes (updated_at, revision)`` indexes (migration 0010)
answer it without reading the rows.

A read given a ``Plain`` (its conversion to plain data and back) is also kept in a file of the
data folder under the same mark (``kept_files``): a new process with unchanged data reads the
file instead of the database.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby, repeat
from operator import attrgetter
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from smartcity_desktop.services import kept_files
from smartcity_desktop.services.analysis.scope import Scope
from smartcity_desktop.services.context import AppContext

MARKED_TABLES = ("proposal", "problem", "potential", "review")


class Located(Protocol):
    @property
    def desa(self) -> str: ...
    @property
    def dimension(self) -> str | None: ...
    @property
    def trust(self) -> str | None: ...
    @property
    def created(self) -> str: ...


T = TypeVar("T")
R = TypeVar("R", bound=Located)

_kept: dict[tuple[str, str, str], tuple[tuple[Any, ...], Any]] = {}
_lock = threading.Lock()
_building: dict[tuple[str, str, str], threading.Lock] = {}


def data_mark(session: Session, tables: Sequence[str] = MARKED_TABLES) -> tuple[Any, ...]:
    """Changes whenever a row of ``tables`` or a link is added, changed or deleted, and with
    every import."""
    # One statement, one round trip (a query per table cost a server six): each derived table
    # is one aggregate row, joined side by side (SQLite and PostgreSQL alike).
    parts = [
        f"(SELECT count(*), sum(revision), max(updated_at) FROM {table}) m{n}"
        for n, table in enumerate(tables)
    ]
    parts.append("(SELECT count(*) FROM proposal_link) links")
    # An import can raise received rows' trust level in place (the same content, now with a
    # certificate) without a new revision; every import adds a ledger row.
    parts.append("(SELECT count(*), max(imported_at) FROM bundle_ledger) ledger")
    return tuple(session.execute(text(f"SELECT * FROM {' CROSS JOIN '.join(parts)}")).one())


@dataclass(frozen=True)
class Plain(Generic[T]):
    """How a kept read becomes plain data for its file (``kept_files``) and back. ``version``:
    raise it when the read's shape or meaning changes, so that older files are built again."""

    to_plain: Callable[[T], Any]
    from_plain: Callable[[Any], T]
    version: int = 1


def kept(
    ctx: AppContext,
    name: str,
    build: Callable[[Session, str], T],
    plain: Plain[T] | None = None,
    tables: Sequence[str] = MARKED_TABLES,
) -> T:
    """``build(session, office_code)``, kept under ``name`` until ``data_mark`` of the tables
    it reads changes: in this process, and with ``plain`` also in a file for the next one."""
    key = (ctx.db.describe(), ctx.office.code, name)
    with ctx.db.session() as session:
        mark = data_mark(session, tables)
        found = _hit(key, mark)
        if found:
            return found[0]  # type: ignore[no-any-return]
        # One build per read at a time: a view opened while the background preparation builds
        # the same read waits for it and takes its result, instead of building it a second time.
        with _builder(key):
            found = _hit(key, mark)
            if found:
                return found[0]  # type: ignore[no-any-return]
            kept_files.into_gc()
            with kept_files.gc_paused():
                built, changed = _read_or_build(ctx, session, key, mark, build, plain, tables)
            # When another writer committed while the build read (each statement sees the latest
            # commits), the read may hold data newer than ``mark``: it is used once and kept
            # under no mark, so the next call builds it again under the mark it then finds.
            if not changed:
                with _lock:
                    _kept[key] = (mark, built)
    kept_files.out_of_gc()
    return built


def _hit(key: tuple[str, str, str], mark: tuple[Any, ...]) -> tuple[Any] | tuple[()]:
    with _lock:
        hit = _kept.get(key)
    return (hit[1],) if hit is not None and hit[0] == mark else ()


def _builder(key: tuple[str, str, str]) -> threading.Lock:
    with _lock:
        return _building.setdefault(key, threading.Lock())


def _read_or_build(
    ctx: AppContext,
    session: Session,
    key: tuple[str, str, str],
    mark: tuple[Any, ...],
    build: Callable[[Session, str], T],
    plain: Plain[T] | None,
    tables: Sequence[str],
) -> tuple[T, bool]:
    """The read from its file, else built (and written to its file when the data did not
    change meanwhile); and whether the data changed while it was built."""
    if plain is None:
        built = build(session, ctx.office.code)
        return built, data_mark(session, tables) != mark
    path = kept_files.path_of(ctx.paths.root, key[2])
    stamp = kept_files.stamp(key[2], plain.version, *key, mark)
    found = _from_file(plain, kept_files.load(path, stamp))
    if found:
        return found[0], False
    built = build(session, ctx.office.code)
    changed = data_mark(session, tables) != mark
    if not changed:
        kept_files.save(path, stamp, plain.to_plain(built))
    return built, changed


def _from_file(plain: Plain[T], stored: Any) -> tuple[T] | tuple[()]:
    """The read back from its file's plain data; nothing when there is no file or its data does
    not fit (a file of the right stamp changed by hand)."""
    if stored is None:
        return ()
    try:
        return (plain.from_plain(stored),)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return ()


def forget_kept() -> None:
    """Drop every kept read (tests and benchmarks measure a first computation)."""
    with _lock:
        _kept.clear()


def created_day(value: Any) -> str:
    """A creation time as YYYY-MM-DD: SQLite gives the stored text ("2026-03-01 08:00:00"),
    PostgreSQL a datetime. Compared as text exactly as ``Scope.where`` compares it."""
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return ""


def sharing() -> Callable[[Any, Any], Any]:
    """``share(value, value)`` returns one shared copy of each equal value: kept rows repeat
    their village codes, dimensions, dates and the like tens of thousands of times, and the
    database driver makes a new string for each. A dict's own ``setdefault``: a Python function
    around it doubled the time of reading 160,000 rows."""
    shared: dict[Any, Any] = {}
    return shared.setdefault


def to_columns(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    """Rows (named tuples) as one list per field, for a kept file: unpickling a few long lists
    is cheaper than one tuple per row, and ``from_columns`` makes the rows from them at C speed.
    """
    return [list(column) for column in zip(*rows, strict=True)]


def from_columns(make: type[T], width: int, columns: Any) -> tuple[T, ...]:
    """The rows ``to_columns`` took apart, as ``make`` (a named tuple class of ``width`` fields)
    again. Raises ValueError when the columns do not fit (a kept file changed by hand)."""
    if not isinstance(columns, list) or not all(isinstance(c, list) for c in columns):
        raise ValueError("not columns")
    if not columns:
        return ()
    if len(columns) != width:
        raise ValueError("columns of another shape")
    # tuple.__new__ through map: no Python frame per row, unlike the class's own _make.
    return tuple(map(tuple.__new__, repeat(make), zip(*columns, strict=True)))  # type: ignore[arg-type]


def by_desa(rows: Sequence[R]) -> dict[str, tuple[R, ...]]:
    """The rows per village, each village's in the rows' order (the villages in the order they
    first appear)."""
    # Kept reads are sorted by village: each village is then one run, grouped at C speed.
    desa = attrgetter("desa")
    runs = [d for d, _rs in groupby(rows, desa)]
    if len(runs) == len(set(runs)):
        return {d: tuple(rs) for d, rs in groupby(rows, desa)}
    out: dict[str, list[R]] = {}
    for row in rows:
        out.setdefault(row.desa, []).append(row)
    return {d: tuple(rs) for d, rs in out.items()}


def in_scope(rows: Sequence[R], per_desa: dict[str, tuple[R, ...]], scope: Scope) -> Sequence[R]:
    """The rows ``Scope.where`` selects, by village (for the whole area: ``rows`` itself)."""
    flt = scope.filter
    wanted = set(scope.area.desa)
    selected: Sequence[R]
    if wanted.issuperset(per_desa):
        selected = rows
    else:
        selected = [r for d in scope.area.desa for r in per_desa.get(d, ())]
    if flt.dimension:
        selected = [r for r in selected if r.dimension == flt.dimension]
    if flt.trust:
        selected = [r for r in selected if r.trust == flt.trust]
    if flt.date_from:
        start = flt.date_from.isoformat()
        selected = [r for r in selected if r.created >= start]
    if flt.date_to:
        end = (flt.date_to + dt.timedelta(days=1)).isoformat()
        selected = [r for r in selected if r.created < end]
    return selected
