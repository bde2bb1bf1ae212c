"""One running application per data folder, so that two windows never write one database.

``QLockFile`` writes the owner's PID, host and application name into ``smartcity.lock``; a lock left
by a crashed process is recognised (that PID no longer runs) and taken over. Time-based staleness is
switched off because the application legitimately holds the lock for hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLockFile

from smartcity_desktop.storage.paths import DataPaths


@dataclass(frozen=True)
class LockOwner:
    pid: int
    hostname: str
    appname: str


class InstanceLock:
    def __init__(self, paths: DataPaths) -> None:
        self.path = paths.lock_file
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(0)

    def try_acquire(self) -> bool:
        """True if this process now holds the folder. The folder must exist."""
        # tryLock itself removes a lock whose process no longer runs on this machine.
        return bool(self._lock.tryLock(0))

    def owner(self) -> LockOwner | None:
        pid, hostname, appname = self._lock.getLockInfo()
        if not pid:
            return None
        return LockOwner(int(pid), str(hostname), str(appname))

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()

    @property
    def held(self) -> bool:
        return bool(self._lock.isLocked())
