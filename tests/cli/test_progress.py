"""The CLI's progress line on a terminal: a message printed after stopped work starts on a line
of its own."""

from __future__ import annotations

import io

import pytest

from smartcity_desktop.cli.progress import StderrProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_stopped_progress_line_is_ended_before_the_next_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    progress = StderrProgress("Kemajuan")
    progress.report(3, 10, "usulan")
    progress.end_line()
    progress.end_line()  # once only
    assert err.getvalue() == "\rKemajuan:  30% usulan\n"


def test_a_finished_progress_line_is_not_ended_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    progress = StderrProgress("Kemajuan")
    progress.report(10, 10)
    progress.end_line()
    assert err.getvalue() == "\rKemajuan: 100% \n"


def test_nothing_is_written_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    progress = StderrProgress("Kemajuan")
    progress.report(3, 10)
    progress.end_line()
    assert err.getvalue() == ""
