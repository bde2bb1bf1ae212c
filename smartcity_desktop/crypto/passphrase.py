"""Passphrase rules, kept apart from the key code so that screens can use them without loading
the cryptography library (the desktop's start-up does not need it)."""

from __future__ import annotations

import re

MIN_PASSPHRASE_LENGTH = 10

__all__ = ["MIN_PASSPHRASE_LENGTH", "passphrase_strength"]


def passphrase_strength(passphrase: str) -> int:
    """A rough 0..4 score for the strength hint shown while typing; not a security guarantee."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return 0
    classes = sum(
        bool(re.search(pattern, passphrase))
        for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    score = 1 + (len(passphrase) >= 14) + (len(passphrase) >= 20) + (classes >= 3)
    if len(set(passphrase)) <= 3:
        score = 1
    return min(score, 4)
