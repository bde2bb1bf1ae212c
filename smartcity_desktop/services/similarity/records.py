"""The records an analysis looks at, with their key words (computed once per record revision).

Key words depend only on a record's text, and the text only changes with a new revision (a new
content hash). They are kept in memory keyed by (id, content hash), so a filter change or a second
computation in the same process reads the rows and reuses the words: on 200,000 problems that is
the difference between a few seconds and a few hundred milliseconds (benchmarks/README.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from smartcity_desktop.domain.keywords import key_words, words_of
from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw

KINDS = ("problem", "potential", "proposal")
_TICK = 5000
_TEXT_COLUMNS = {
    "problem": "title, description, causes",
    "potential": "title, description, magnitude",
    "proposal": "title, description, beneficiaries",
}


class SimilarityRefused(UserError):
    code = "similar.refused"


@dataclass(frozen=True, slots=True)
class AreaFilter:
    """Which records: an area inside this office's (a kecamatan code) and a dimension."""

    kecamatan: str | None = None
    dimension: str | None = None


class Row(NamedTuple):
    """One record as the analyses need it (a named tuple: 200,000 are read per computation)."""

    kind: str
    id: str
    desa: str
    kecamatan: str
    title: str
    dimension: str | None
    sub_element: str | None
    urusan: str | None
    severity: str | None
    affected_count: int | None
    affected_unit: str | None
    title_words: tuple[str, ...]
    words: tuple[str, ...]


_Words = tuple[tuple[str, ...], tuple[str, ...]]
# Keyed by content hash alone: it covers the record's id and revision (domain.records).
_cache: dict[str, _Words] = {}
_cache_lock = threading.Lock()


def _words(digest: str, texts: Sequence[str | None]) -> _Words:
    hit = _cache.get(digest)
    if hit is None:
        title = tuple(words_of(texts[0]))
        hit = (title, key_words(texts[1:], title))
        with _cache_lock:
            _cache[digest] = hit
    return hit


def forget_words() -> None:
    """Empty the key-word cache (tests and benchmarks measure a cold start with it)."""
    with _cache_lock:
        _cache.clear()


def check_area(ctx: AppContext, kecamatan: str | None) -> str:
    """The area code to read; refuses a desa and a kecamatan outside this office's area."""
    office = ctx.office
    if office.role == "desa":
        raise SimilarityRefused(
            _(
                "Analisis antar desa tersedia di kantor kecamatan dan kabupaten; kantor desa hanya "
                "melihat catatannya sendiri."
            ),
            code="similar.desa",
        )
    if kecamatan is None:
        return office.code
    if level_of_code(kecamatan) != "kecamatan" or not (
        kecamatan == office.code or kecamatan.startswith(office.code + ".")
    ):
        raise SimilarityRefused(
            _("Kecamatan {code} tidak berada di wilayah {name}.").format(
                code=kecamatan, name=office.name
            ),
            code="similar.outside_area",
        )
    return kecamatan


def load_rows(
    ctx: AppContext, kind: str, area: AreaFilter, tick: Callable[[int], None] | None = None
) -> list[Row]:
    """Live records of ``kind`` owned by the villages of the area, in id order. ``tick`` hears
    the number read every few thousand rows (the desktop's progress; it may raise to cancel)."""
    if kind not in KINDS:
        raise SimilarityRefused(_("Jenis catatan tidak dikenal: {kind}.").format(kind=kind))
    code = check_area(ctx, area.kecamatan)
    problem = kind == "problem"
    extra = "severity, affected_count, affected_unit" if problem else "NULL, NULL, NULL"
    rows: list[Row] = []
    villages: dict[str, bool] = {}
    with ctx.db.session() as session:
        conn = raw(session)
        # Not LIKE: on SQLite a range, which uses the office_code index.
        below, params = conn.below("office_code", "area", code)
        sql = (
            f"SELECT id, office_code, content_hash, dimension, sub_element, urusan, {extra}, "
            f"{_TEXT_COLUMNS[kind]} FROM {kind} WHERE deleted = false AND {below}"
        )
        if area.dimension:
            sql += " AND dimension = :dimension"
            params["dimension"] = area.dimension
        sql += f" ORDER BY {conn.bytewise('id')}"
        for r in conn.execute(sql, params):
            desa = r[1]
            village = villages.get(desa)
            if village is None:
                village = villages[desa] = level_of_code(desa) == "desa_kelurahan"
            if not village:
                continue  # a kecamatan's own records are not a village's
            if tick is not None and not len(rows) % _TICK:
                tick(len(rows))
            title_words, words = _words(r[2], (r[9], r[10], r[11]))
            rows.append(
                Row(
                    kind,
                    r[0],
                    desa,
                    parent_of(desa) or "",
                    r[9],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    title_words,
                    words,
                )
            )
    return rows


def region_names(ctx: AppContext, codes: Sequence[str]) -> dict[str, str]:
    """Display names of the given region codes; an unknown code shows as itself."""
    from sqlalchemy import select

    from smartcity_desktop.domain.regions import Region
    from smartcity_desktop.storage.models import Region as RegionRow

    wanted = list(dict.fromkeys(codes))
    out = {code: code for code in wanted}
    with ctx.db.session() as session:
        for start in range(0, len(wanted), 900):
            part = wanted[start : start + 900]
            for r in session.scalars(select(RegionRow).where(RegionRow.code.in_(part))):
                out[r.code] = Region(r.code, r.name, r.level, r.kind, r.parent_code).display_name
    return out
