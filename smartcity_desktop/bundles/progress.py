"""Progress and cancellation for long bundle work, in plain Python (the GUI adapts it to Qt)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def report(self, done: int, total: int, message: str) -> None:
        """``total`` 0 means unknown; units are bytes unless the message says otherwise."""

    def cancelled(self) -> bool: ...


class NoProgress:
    def report(self, done: int, total: int, message: str) -> None:
        return None

    def cancelled(self) -> bool:
        return False


class Cancelled(Exception):
    """The user cancelled; nothing was left behind."""
