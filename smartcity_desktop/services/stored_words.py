"""Each record's key words, stored in ``record_words`` (migration 0016) so that a new process
reads them instead of splitting every text again.

Splitting the title, description and causes of 80,000 problems into key words took most of the
first computation of Isu strategis (seconds of CPU in every ``smartcity analysis`` process). The
words depend only on a record's texts and on the word rules, so a stored row is valid while both
are unchanged: it names the record's content hash (every edit and every imported revision makes a
new one) and a digest of the rules (``rules()``). A reader joins on both; a record without a
valid row gets its words computed and stored (``store``): after a migration, after a record
written by a path that does not store them, after a change of the stop words.

The save and import paths call ``store_for`` with the rows they wrote, so that the next analysis
finds every record's words ready.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from smartcity_desktop.domain.keywords import MIN_LENGTH, key_words, stop_words, words_of

log = logging.getLogger(__name__)

# Raise when the way words are split or chosen changes (keywords.py): every stored row is then
# computed again on its next read.
RULES_VERSION = 1
TABLE = "record_words"
# The texts key words are taken from, per kind: the title first.
TEXT_FIELDS = {
    "problem": ("title", "description", "causes"),
    "potential": ("title", "description", "magnitude"),
    "proposal": ("title", "description", "beneficiaries"),
}

Words = tuple[tuple[str, ...], tuple[str, ...]]  # the title's key words (in order), all (sorted)
Stored = tuple[str, str, Words]  # record id, content hash, words

_UPSERT = (
    f"INSERT INTO {TABLE} (record_id, kind, content_hash, rules, title_words, words) "
    "VALUES (:record_id, :kind, :content_hash, :rules, :title_words, :words) "
    "ON CONFLICT (record_id) DO UPDATE SET kind = excluded.kind, "
    "content_hash = excluded.content_hash, "
    "rules = excluded.rules, title_words = excluded.title_words, words = excluded.words"
)


@cache
def rules() -> str:
    """A digest of the word rules: the stop words, the shortest word kept and RULES_VERSION."""
    digest = hashlib.sha256(f"{RULES_VERSION}|{MIN_LENGTH}|".encode())
    digest.update("\n".join(sorted(stop_words())).encode())
    return digest.hexdigest()[:16]


def compute(texts: Sequence[str | None]) -> Words:
    """The words of a record's texts, the title first (as ``similarity.records`` always made
    them)."""
    title = tuple(words_of(texts[0]))
    return title, key_words(texts[1:], title)


def encode(words: Iterable[str]) -> str:
    return " ".join(words)


def decode(value: str) -> tuple[str, ...]:
    """Stored words as interned strings: 200,000 records share a few thousand words."""
    return tuple(map(sys.intern, value.split())) if value else ()


def read(connection: Any, kind: str) -> dict[str, tuple[str, str, str]]:
    """record id -> (content hash, title words, words) of the stored rows of ``kind`` made
    under the current rules, still encoded (``decode`` those whose hash matches the record's).
    One pass over the table: joining it to 80,000 records cost SQLite twice as much."""
    return {
        record_id: (digest, title, words)
        for record_id, digest, title, words in connection.execute(
            text(
                f"SELECT record_id, content_hash, title_words, words FROM {TABLE} "
                "WHERE kind = :kind AND rules = :rules"
            ),
            {"kind": kind, "rules": rules()},
        )
    }


def store(connection: Any, kind: str, rows: Sequence[Stored]) -> None:
    """Insert or replace the stored words of ``rows`` (on the caller's connection or session,
    inside its transaction)."""
    if not rows:
        return
    version = rules()
    connection.execute(
        text(_UPSERT),
        [
            {
                "record_id": record_id,
                "kind": kind,
                "content_hash": digest,
                "rules": version,
                "title_words": encode(words[0]),
                "words": encode(words[1]),
            }
            for record_id, digest, words in rows
        ],
    )


def store_for(connection: Any, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Store the words of records just written: ``rows`` are column dicts (id, content_hash and
    the kind's text fields), as the save and import paths write them."""
    fields = TEXT_FIELDS.get(kind)
    if fields is None:
        return
    store(
        connection,
        kind,
        [
            (row["id"], row["content_hash"], compute([row.get(f) for f in fields]))
            for row in rows
            if not row.get("deleted")
        ],
    )


def store_quietly(db: Any, kind: str, rows: Sequence[Stored]) -> None:
    """``store`` in a transaction of its own, for a reader that found rows without words: the
    words are already in hand, so a database that refuses the write (read-only, busy, a server
    account without the right) only costs the next process the same work again."""
    if not rows:
        return
    try:
        with db.transaction() as session:
            store(session, kind, rows)
    except SQLAlchemyError as exc:
        log.warning("key words of %d records not stored: %s", len(rows), exc)
