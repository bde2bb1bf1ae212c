"""Real offices for the review screens: a kecamatan holding its villages' imported bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import SyncTaskRunner
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.services.review_helpers import send

# The offscreen platform cannot resize windows to their hints; nothing to do with the code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class FakeDialogs:
    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.infos: list[tuple[str, str]] = []
        self.log_path = None

    def error(self, parent: Any, exc: BaseException, title: str | None = None) -> None:
        self.errors.append(exc)

    def info(self, parent: Any, title: str, text: str) -> None:
        self.infos.append((title, text))

    def confirm(self, parent: Any, title: str, text: str, yes: str, no: str) -> bool:
        return True


def make_shell(ctx: AppContext) -> Shell:
    return Shell(ctx, SyncTaskRunner(), ChangeHub(), FakeDialogs())  # type: ignore[arg-type]


@pytest.fixture
def village(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> AppContext:
    """The kecamatan after importing Sagara Makmur's first bundle (6 problems, 3 potentials,
    4 proposals, no photos)."""
    generate(desa_ctx, SampleRequest(problems=6, potentials=3, proposals=4, photos=0, seed=7))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    return kecamatan_ctx
