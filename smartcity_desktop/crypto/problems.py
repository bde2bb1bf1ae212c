"""A problem found while checking a file: a stable machine code plus a translated message.

Shared by the crypto and bundle layers so that an importer can show, log and test one kind of value.
The code never changes once published (tests and logs rely on it); the message is for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class ProblemError(Exception):
    """Raised where a single problem ends the work; carries the problem for the caller to show."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    @property
    def code(self) -> str:
        return self.problem.code
