"""Fixtures for editor tests: a synchronous task runner and dialogs that answer without showing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms import RecordEditor
from smartcity_desktop.gui.forms.dialogs import CloseChoice
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.context import AppContext

# The offscreen platform warns when a shown window asks it to propagate size hints; that says
# nothing about the code under test.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class FakeDialogs:
    def __init__(self) -> None:
        self.confirm_answer = True
        self.close_choice = CloseChoice.CANCEL
        self.files: list[Path] = []
        self.asked: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def confirm(self, title: str, text: str, accept: str, reject: str | None = None) -> bool:
        self.asked.append((title, text))
        self.last_buttons = (accept, reject)
        return self.confirm_answer

    def ask_close(self, final: bool) -> CloseChoice:
        self.asked.append(("close", str(final)))
        return self.close_choice

    def show_error(self, title: str, text: str) -> None:
        self.errors.append(text)

    def choose_files(self) -> list[Path]:
        return list(self.files)


EditorFactory = Callable[..., RecordEditor]


@pytest.fixture
def make_editor(desa_ctx: AppContext, qtbot: QtBot) -> EditorFactory:
    def make(kind: RecordKind, record_id: str | None = None) -> RecordEditor:
        editor = RecordEditor(desa_ctx, SyncTaskRunner(), kind, record_id)
        fake = FakeDialogs()
        editor.dialogs = fake  # type: ignore[assignment]
        editor.attachments.dialogs = fake  # type: ignore[assignment]
        editor.attachments.open_url = lambda url: opened.append(url)  # type: ignore[assignment]
        editor.opened = opened = []  # type: ignore[attr-defined]
        qtbot.addWidget(editor)
        return editor

    return make


def jpeg_bytes(
    size: tuple[int, int] = (800, 600), colour: tuple[int, int, int] = (20, 120, 200)
) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "foto-jalan.jpg"
    path.write_bytes(jpeg_bytes())
    return path
