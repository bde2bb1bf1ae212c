"""Key words of a record's text, for finding records about the same thing. Plain Python, no ML.

A key word is a word of the title, description or causes after:
- Unicode normalisation (NFKC) and lower-casing;
- splitting on anything that is not a letter or digit (punctuation, hyphens: a reduplication such as
  "rusak-rusak" gives "rusak" once);
- dropping words shorter than three letters, numbers, and stop words: the Indonesian list of the
  ``stop-words`` package (BSD-3-Clause) plus ``resources/reference/kata_umum.json``, words found
  in nearly every village record ("desa", "warga", "tidak", ...).

Words are kept as typed, without stemming, so the reason shown to an operator ("kata kunci
bersama: banjir, rob, tambak") uses the village's own words. A stemmer (PySastrawi) was measured:
fast enough (about 7 µs a word) but it turns words into roots that read oddly or wrongly
("mengering" becomes "ering"), which an operator cannot check.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cache

from smartcity_desktop.resource_files import read_text

MIN_LENGTH = 3
_WORD = re.compile(r"[^\W_]+")


@cache
def stop_words() -> frozenset[str]:
    """Indonesian stop words: the maintained package list plus the project's own common words."""
    from stop_words import get_stop_words

    extra = json.loads(read_text("reference", "kata_umum.json"))["words"]
    return frozenset(get_stop_words("indonesian")) | frozenset(extra)


# Token -> the interned key word, or None for a dropped token. Texts repeat their words, so most
# tokens are decided once; capped so that a pathological input cannot grow it without end.
_decided: dict[str, str | None] = {}
_DECIDED_MAX = 500_000


def _decide(token: str) -> str | None:
    if len(token) < MIN_LENGTH or token.isdigit() or token in stop_words():
        return None
    return sys.intern(token)


def words_of(text: str | None) -> list[str]:
    """The key words of one text, in their order of first appearance, each once."""
    if not text:
        return []
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    decided = _decided
    seen: dict[str, None] = {}
    for token in _WORD.findall(text.lower()):
        try:
            word = decided[token]
        except KeyError:
            if len(decided) >= _DECIDED_MAX:
                decided.clear()
            word = decided[token] = _decide(token)
        if word is not None:
            seen[word] = None
    return list(seen)


def key_words(texts: Iterable[str | None], known: Iterable[str] = ()) -> tuple[str, ...]:
    """The key words of several texts together (a record's title, description and causes),
    sorted; interned, so that many records' words share their strings. ``known``: words already
    found (a title's), added as they are."""
    out: set[str] = set(known)
    for text in texts:
        out.update(words_of(text))
    return tuple(sorted(out))
