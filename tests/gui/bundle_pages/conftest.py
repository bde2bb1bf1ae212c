"""Shared helpers for the bundle page tests: a synchronous shell and dialogs with fixed answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.main_window import Shell
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.context import AppContext


class FakeDialogs(BundleDialogs):
    """Answers every question from its attributes; records errors and infos instead of showing."""

    def __init__(self) -> None:
        super().__init__(None)
        self.errors: list[BaseException] = []
        self.infos: list[tuple[str, str]] = []
        self.confirms: list[str] = []
        self.passphrase_answer: str | None = None
        self.folder_answer: Path | None = None
        self.files_answer: list[Path] = []
        self.open_answers: list[Path] = []
        self.save_answers: list[Path] = []
        self.pin_answer: tuple[str, str, str] | None = None
        # When set, answers the pin question instead (a test typing into the real dialog).
        self.pin_typist: Callable[[Any, str | None, str | None], Any] | None = None
        self.pin_calls: list[tuple[str | None, str | None]] = []
        self.replace_answer = False
        self.replace_calls: list[tuple[str, str, str]] = []
        self.certify_answer: int | None = None
        self.confirm_answer = True
        self.code_answer: str | None = None
        self.log_path = None

    def error(self, parent: Any, exc: BaseException, title: str | None = None) -> None:
        self.errors.append(exc)

    def info(self, parent: Any, title: str, text: str) -> None:
        self.infos.append((title, text))

    def confirm(self, parent: Any, title: str, text: str, yes: str, no: str) -> bool:
        self.confirms.append(text)
        return self.confirm_answer

    def save_file(self, parent: Any, title: str, suggested: Path, file_filter: str) -> Path | None:
        return self.save_answers.pop(0) if self.save_answers else None

    def passphrase(self, parent: Any, prompt: str) -> str | None:
        return self.passphrase_answer

    def open_files(self, parent: Any, title: str, start: Path) -> list[Path]:
        return self.files_answer

    def open_file(self, parent: Any, title: str, start: Path, file_filter: str) -> Path | None:
        return self.open_answers.pop(0) if self.open_answers else None

    def choose_folder(self, parent: Any, title: str, start: Path) -> Path | None:
        return self.folder_answer

    def pin(
        self, parent: Any, office_code: str | None = None, bundle_fingerprint: str | None = None
    ) -> tuple[str, str, str] | None:
        self.pin_calls.append((office_code, bundle_fingerprint))
        if self.pin_typist is not None:
            answer: tuple[str, str, str] | None = self.pin_typist(
                parent, office_code, bundle_fingerprint
            )
            return answer
        return self.pin_answer

    def replace_pin(self, parent: Any, office: str, old: str, new: str) -> bool:
        self.replace_calls.append((office, old, new))
        return self.replace_answer

    def certify(self, parent: Any, preview: Any) -> int | None:
        self.certify_preview = preview
        return self.certify_answer

    def office_code(self, parent: Any, title: str, label: str) -> str | None:
        return self.code_answer


def make_shell(ctx: AppContext, dialogs: FakeDialogs) -> Shell:
    return Shell(ctx, SyncTaskRunner(), ChangeHub(), dialogs)  # type: ignore[arg-type]


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()
