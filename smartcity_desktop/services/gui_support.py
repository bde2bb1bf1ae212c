"""Plain-Python helpers the desktop screens need and no other service offered.

Nothing here imports Qt: the region index, number and fingerprint formatting and the backup list
are just as usable from the CLI or a test.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import ParamSpec, TypeVar

from smartcity_desktop.crypto.passphrase import MIN_PASSPHRASE_LENGTH, passphrase_strength
from smartcity_desktop.domain.regions import Region
from smartcity_desktop.i18n import current_language
from smartcity_desktop.services.backups import BackupEntry, backup_entries

__all__ = [
    "DEFAULT_KABUPATEN",
    "MIN_PASSPHRASE_LENGTH",
    "BackupEntry",
    "RegionIndex",
    "backup_entries",
    "fingerprint_lines",
    "format_count",
    "format_rupiah",
    "format_size",
    "passphrase_strength",
]

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_KABUPATEN = "32.16"  # Kabupaten Bekasi, where the product is first used


def fold(text: str) -> str:
    """Lower-case without accents, for forgiving name search ("cikarang" finds "Cikarang")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def region_code_typed(text: str) -> str | None:
    """The code in a search text made only of digits and dots (``32.16.01.2001``), else None."""
    cleaned = text.strip().strip(".")
    if cleaned and all(ch.isdigit() or ch == "." for ch in cleaned) and ".." not in cleaned:
        return cleaned
    return None


def code_matches(code: str, typed: str) -> bool:
    return (
        code == typed
        or code.endswith("." + typed)
        or ("." not in typed and code.rsplit(".", 1)[-1].startswith(typed))
    )


class RegionIndex:
    """The national region list arranged as a tree, for pickers (91,000 rows, built once)."""

    def __init__(self, regions: Iterable[Region]) -> None:
        self._by_code: dict[str, Region] = {}
        self._children: dict[str | None, list[Region]] = {}
        for region in regions:
            self._by_code[region.code] = region
            self._children.setdefault(region.parent_code, []).append(region)

    def get(self, code: str | None) -> Region | None:
        return self._by_code.get(code) if code else None

    def children(self, code: str | None) -> Sequence[Region]:
        return self._children.get(code, ())

    def provinces(self) -> Sequence[Region]:
        return self.children(None)

    def matching(self, parent: str | None, text: str) -> list[Region]:
        """Children of ``parent`` whose name contains every word typed, or whose code matches.

        A code may be typed whole (``32.16.01.2001``), as its end (``01.2001``) or as the start of
        its last part (``2001``, ``20``): officials often know their village by its code.
        """
        code = region_code_typed(text)
        if code is not None:
            return [r for r in self.children(parent) if code_matches(r.code, code)]
        words = fold(text).split()
        return [r for r in self.children(parent) if all(w in fold(r.name) for w in words)]

    def path(self, code: str) -> list[Region]:
        """The region and its ancestors, province first."""
        out: list[Region] = []
        region = self.get(code)
        while region is not None:
            out.append(region)
            region = self.get(region.parent_code)
        return out[::-1]

    def __len__(self) -> int:
        return len(self._by_code)


def format_count(n: int, language: str | None = None) -> str:
    """Thousands grouped the way the reader expects: 20.000 in Indonesian, 20,000 in English."""
    text = f"{n:,}"
    return text if (language or current_language()) == "en" else text.replace(",", ".")


def format_rupiah(amount: int | float, language: str | None = None) -> str:
    return "Rp " + format_count(round(amount), language)


def fingerprint_groups(fingerprint: str) -> list[str]:
    return [g for g in fingerprint.replace(" ", "-").split("-") if g]


def fingerprint_lines(fingerprint: str, per_line: int = 4) -> list[str]:
    """Two short lines of four groups: easy to copy onto paper and read aloud over the phone."""
    groups = fingerprint_groups(fingerprint)
    return ["  ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]


def format_size(n: int, language: str | None = None) -> str:
    units = ("B", "KB", "MB", "GB")
    value = float(n)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            text = f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
            return text if (language or current_language()) == "en" else text.replace(".", ",")
        value /= 1024
    return str(n)
