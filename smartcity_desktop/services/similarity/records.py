"""The records an analysis looks at, with their key words (computed once per record revision).

Key words depend only on a record's text, and the text only changes with a new revision (a new
content hash). They are stored beside the record (``stored_words``, table ``record_words``) and
read with it, so a new process does not split every text again; a record without valid stored
words has them computed (kept in memory keyed by content hash) and stored for the next process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import text

from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services import stored_words
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.stored_words import TEXT_FIELDS, Stored

KINDS = ("problem", "potential", "proposal")
_TICK = 5000
_CHUNK = 500


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
        hit = stored_words.compute(texts)
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
    missing: list[int] = []  # positions in rows of records without valid stored words
    villages: dict[str, str | None] = {}  # desa -> its kecamatan; None: not a village
    with ctx.db.session() as session:
        conn = raw(session)
        stored = stored_words.read(session, kind)
        # Not LIKE: on SQLite a range, which uses the office_code index.
        below, params = conn.below("office_code", "area", code)
        sql = (
            f"SELECT id, office_code, content_hash, dimension, sub_element, urusan, {extra}, "
            f"title FROM {kind} WHERE deleted = false AND {below}"
        )
        if area.dimension:
            sql += " AND dimension = :dimension"
            params["dimension"] = area.dimension
        decoded: dict[str, tuple[str, ...]] = {}  # equal stored texts decoded once

        def decode(value: str) -> tuple[str, ...]:
            words = decoded.get(value)
            if words is None:
                words = decoded[value] = stored_words.decode(value)
            return words

        for r in conn.execute(sql, params):
            desa = r[1]
            if desa in villages:
                kecamatan = villages[desa]
            else:
                village = level_of_code(desa) == "desa_kelurahan"
                kecamatan = villages[desa] = (parent_of(desa) or "") if village else None
            if kecamatan is None:
                continue  # a kecamatan's own records are not a village's
            if tick is not None and not len(rows) % _TICK:
                tick(len(rows))
            found = stored.get(r[0])
            if found is not None and found[0] == r[2]:
                title_words, words = decode(found[1]), decode(found[2])
            else:
                title_words, words = (), ()
                missing.append(len(rows))
            rows.append(
                Row(
                    kind,
                    r[0],
                    desa,
                    kecamatan,
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
        computed = _fill(session, kind, rows, missing)
    stored_words.store_quietly(ctx.db, kind, computed)
    # In id order, as SQLite compares text (code points; PostgreSQL's "C" collation alike):
    # sorted here, not by the query, which would sort 80,000 rows on disk.
    rows.sort(key=_by_id)
    return rows


def words_of(ctx: AppContext, kind: str, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The key words (``Row.words``) of the records ``ids``, as ``load_rows`` reads them: the
    stored ones where they match the record's content hash, else computed from its texts (and
    stored). For the few thousand records of a cluster a decision changed, instead of reading
    every record of the area again."""
    if kind not in KINDS:
        raise SimilarityRefused(_("Jenis catatan tidak dikenal: {kind}.").format(kind=kind))
    out: dict[str, tuple[str, ...]] = {}
    computed: list[Stored] = []
    with ctx.db.session() as session:
        conn = raw(session)
        missing: list[str] = []
        for part in conn.chunks(list(dict.fromkeys(ids))):
            among, params = conn.among("r.id", "ids", part)
            params.update(kind=kind, rules=stored_words.rules())
            sql = (
                f"SELECT r.id, r.content_hash, w.content_hash, w.words FROM {kind} r "
                f"LEFT JOIN {stored_words.TABLE} w ON w.record_id = r.id AND w.kind = :kind "
                f"AND w.rules = :rules WHERE {among}"
            )
            for record_id, digest, stored_digest, words in conn.execute(sql, params):
                if stored_digest is not None and stored_digest == digest:
                    out[record_id] = tuple(words.split())
                else:
                    missing.append(record_id)
        fields = TEXT_FIELDS[kind]
        for part in conn.chunks(missing):
            among, params = conn.among("id", "ids", part)
            sql = f"SELECT id, content_hash, {', '.join(fields)} FROM {kind} WHERE {among}"
            for record_id, digest, *texts in conn.execute(sql, params):
                found = _words(digest, texts)
                out[record_id] = found[1]
                computed.append((record_id, digest, found))
    stored_words.store_quietly(ctx.db, kind, computed)
    return out


def _by_id(row: Row) -> str:
    return row.id


def _fill(session: Any, kind: str, rows: list[Row], missing: list[int]) -> list[Stored]:
    """Key words of the rows at ``missing`` from their texts (read by id), put in place."""
    fields = TEXT_FIELDS[kind]
    computed: list[Stored] = []
    digests = {rows[n].id: n for n in missing}
    ids = list(digests)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        params = {f"i{n}": v for n, v in enumerate(part)}
        sql = (
            f"SELECT id, content_hash, {', '.join(fields)} FROM {kind} "
            f"WHERE id IN ({', '.join(':' + k for k in params)})"
        )
        for record_id, digest, *texts in session.execute(text(sql), params):
            n = digests[record_id]
            title_words, words = _words(digest, texts)
            rows[n] = rows[n]._replace(title_words=title_words, words=words)
            computed.append((record_id, digest, (title_words, words)))
    return computed


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
