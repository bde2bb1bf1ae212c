"""A progress display for long CLI work: one updating line on stderr when it is a terminal."""

from __future__ import annotations

import sys
import time


class StderrProgress:
    def __init__(self, label: str) -> None:
        self.label = label
        self._last = 0.0
        self._tty = sys.stderr.isatty()
        self._open = False  # a progress line without its newline yet

    def report(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if not self._tty or (now - self._last < 0.2 and done < total):
            return
        self._last = now
        share = f"{100 * done // total:3d}%" if total else "..."
        sys.stderr.write(f"\r{self.label}: {share} {message[:40]}")
        self._open = not (total and done >= total)
        if not self._open:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def end_line(self) -> None:
        """End a progress line left open by work that stopped, so that a message printed next
        starts on a line of its own."""
        if self._open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._open = False

    def cancelled(self) -> bool:
        return False
