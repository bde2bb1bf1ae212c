"""One place where every service ``Change`` is announced to the views.

Views never call each other to refresh: whoever calls a changing service publishes the returned
``Change`` here once, and each view decides from ``Change.touches(kind)`` or ``Change.action``
whether it has to reload.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from smartcity_desktop.services.changes import Change

log = logging.getLogger(__name__)


class ChangeHub(QObject):
    changed = Signal(object)  # a services.changes.Change

    def publish(self, change: Change) -> None:
        if change.details.get("unchanged"):
            # Saving an unchanged form returns a Change too; nothing on screen needs to move.
            return
        log.debug("change: %s %s", change.action, sorted(change.kinds))
        self.changed.emit(change)
