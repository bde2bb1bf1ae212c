"""Writing the form's contents to the database a moment after each edit.

A village laptop may lose power at any time; the form is kept (as a form draft, not as a record)
about two seconds after the last keystroke, so at most those seconds of typing can be lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from smartcity_desktop.errors import UserError
from smartcity_desktop.services.records import RecordService

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 2000


class FormAutosave(QObject):
    """``payload_fn`` returns what to keep, or None when the form holds nothing unsaved."""

    stored = Signal(object)  # datetime of the write, or None when the draft was discarded
    failed = Signal(str)

    def __init__(
        self,
        service: RecordService,
        key: str,
        payload_fn: Callable[[], dict[str, Any] | None],
        parent: QObject | None = None,
        delay_ms: int = AUTOSAVE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.key = key
        self._payload_fn = payload_fn
        self._stored = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)

    def schedule(self) -> None:
        """Restart the countdown: writing happens once typing pauses."""
        self.timer.start()

    def pending(self) -> bool:
        return self.timer.isActive()

    def adopt(self, key: str) -> None:
        """Continue in an existing draft (restored, or the record got its id on first save)."""
        if key != self.key and self._stored:
            self._discard_key(self.key)
        self.key = key
        self._stored = True

    def flush(self) -> bool:
        self.timer.stop()
        payload = self._payload_fn()
        if payload is None:
            if self._stored:
                self.discard()
            return True
        try:
            self.service.save_form_draft(self.key, payload)
        except UserError as exc:
            # Shown quietly beside the buttons: a dialog every two seconds would be worse.
            self.failed.emit(str(exc))
            return False
        self._stored = True
        self.stored.emit(datetime.now())
        return True

    def discard(self) -> None:
        self.timer.stop()
        self._discard_key(self.key)
        self._stored = False
        self.stored.emit(None)

    def _discard_key(self, key: str) -> None:
        try:
            self.service.discard_form_draft(key)
        except UserError as exc:
            log.warning("could not discard form draft %s: %s", key, exc)

    def stop(self) -> None:
        self.timer.stop()
