"""Full-text search over titles and descriptions, on SQLite (FTS5) and PostgreSQL (tsvector).

Both find a record when every typed word (up to 12) starts a word of its title or description,
diacritics folded, and rank title matches well above description matches: FTS5's bm25 with the
title column weighted 10 to 1, and on PostgreSQL ``ts_rank`` with weight 'A' (title) at 1.0 and
'D' (description) at 0.1 (see migration 0012 for the index itself).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ARRAY, TextClause, bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from smartcity_desktop.services.raw_sql import POSTGRESQL, dialect_of

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


def search_words(user_text: str) -> list[str]:
    return _TOKEN.findall(user_text)[:MAX_WORDS]


def fts_query(user_text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix."""
    return " ".join(f'"{t}"*' for t in search_words(user_text))


def _words_param(words: list[str]) -> Any:
    return bindparam("words", words, type_=ARRAY(String))


def matching_ids(dialect: str, user_text: str) -> TextClause | None:
    """A subquery of the ids of the records that match, or None when nothing was typed."""
    words = search_words(user_text)
    if not words:
        return None
    if dialect == POSTGRESQL:
        return text(
            "SELECT record_id FROM search_doc WHERE document @@ smartcity_search_query(:words)"
        ).bindparams(_words_param(words))
    return text(
        "SELECT d.record_id FROM record_search JOIN search_doc d "
        "ON d.rowid = record_search.rowid WHERE record_search MATCH :q"
    ).bindparams(q=fts_query(user_text))


def search(
    session: Session, user_text: str, kind: str | None = None, limit: int | None = None
) -> list[tuple[str, str]]:
    """(kind, id) of the matching records, best match first."""
    words = search_words(user_text)
    if not words:
        return []
    params: dict[str, Any] = {}
    if dialect_of(session) == POSTGRESQL:
        sql = (
            "SELECT d.kind, d.record_id FROM search_doc d, smartcity_search_query(:words) q "
            "WHERE d.document @@ q"
        )
    else:
        sql = (
            "SELECT d.kind, d.record_id FROM record_search JOIN search_doc d "
            "ON d.rowid = record_search.rowid WHERE record_search MATCH :q"
        )
        params["q"] = fts_query(user_text)
    if kind is not None:
        sql += " AND d.kind = :kind"
        params["kind"] = kind
    if dialect_of(session) == POSTGRESQL:
        # Weights are {D, C, B, A}; normalisation 1 divides by 1 + log(length), as bm25 favours
        # the shorter of two texts with the same words.
        sql += " ORDER BY ts_rank('{0.1, 0, 0, 1.0}', d.document, q, 1) DESC, d.rowid"
    else:
        sql += " ORDER BY bm25(record_search, 10.0, 1.0)"
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    statement = text(sql)
    if dialect_of(session) == POSTGRESQL:
        statement = statement.bindparams(_words_param(words))
    return [(r[0], r[1]) for r in session.execute(statement, params)]
