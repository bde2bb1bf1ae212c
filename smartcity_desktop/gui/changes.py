"""One place where every service ``Change`` is announced to the views.

Views never call each other to refresh: whoever calls a changing service publishes the returned
``Change`` here once, and each view decides from ``Change.touches(kind)`` or ``Change.action``
whether it has to reload.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from smartcity_desktop.services.changes import Action, Change

if TYPE_CHECKING:
    from smartcity_desktop.services.context import AppContext

log = logging.getLogger(__name__)


class ChangeHub(QObject):
    changed = Signal(object)  # a services.changes.Change

    def publish(self, change: Change) -> None:
        if change.details.get("unchanged"):
            # Saving an unchanged form returns a Change too; nothing on screen needs to move.
            return
        log.debug("change: %s %s", change.action, sorted(change.kinds))
        self.changed.emit(change)


class ExternalChanges(QObject):
    """Looks every ``interval_ms`` whether another program wrote to the database and, if so,
    publishes one ``Action.EXTERNAL`` change: each view reloads as after an in-app change. Forms
    being typed in are not views of the list and keep their content."""

    noticed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        hub: ChangeHub,
        parent: QObject | None = None,
        interval_ms: int = 1500,
    ) -> None:
        super().__init__(parent)
        from smartcity_desktop.services.data_watch import open_data_watch

        self.hub = hub
        self.watch = open_data_watch(ctx)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> bool:
        if not self.watch.changed_elsewhere():
            return False
        log.info("the database was changed by another program; refreshing")
        self.hub.publish(Change(Action.EXTERNAL))
        self.noticed.emit()
        return True

    def stop(self) -> None:
        self.timer.stop()
        self.watch.close()
