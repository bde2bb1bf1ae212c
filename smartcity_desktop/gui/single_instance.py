"""One running application per data folder, so that two windows never write one database.

``QLockFile`` writes the owner's PID, host and application name into ``smartcity.lock``; a lock left
by a crashed process is recognised (that PID no longer runs) and taken over. Time-based staleness is
switched off because the application legitimately holds the lock for hours.

The holder also listens on a local socket, so that a second start (a bundle double-clicked while
the app is open) hands its files over instead of being refused.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from smartcity_desktop.storage.paths import DataPaths

log = logging.getLogger(__name__)


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


# --- handing files to the window already open -----------------------------------------------------
#
# A second start on the same data folder (a double-click on a bundle while the app is open) must
# not open a second window on the same database: it passes its files to the first one over a local
# socket (a named pipe on Windows) and ends. The name comes from the user and the folder, as the
# lock does, so two users or two folders never meet.

HAND_OVER_TIMEOUT_MS = 5000


def server_name(paths: DataPaths) -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment: the folder alone still tells apart
        user = ""
    key = f"{user}\0{paths.root.resolve()}".encode()
    return "smartcity-desktop-" + hashlib.sha256(key).hexdigest()[:24]


class HandOverServer(QObject):
    """Listens while this process holds the folder; ``received`` carries the paths of each later
    start (an empty list: it only asked for the window)."""

    received = Signal(list)

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(paths)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        # The lock is held, so a socket file of that name is a leftover of a crash.
        QLocalServer.removeServer(self.name)
        ok = bool(self._server.listen(self.name))
        if not ok:
            log.warning("no hand-over socket %s: %s", self.name, self._server.errorString())
        return ok

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE:  # not from this app: stop listening to it
                socket.disconnectFromServer()
                return
            self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[socket] = b""
        try:
            message = json.loads(line)
            files = [str(f) for f in message["open"]]
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a hand-over message that is not understood")
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        # Closed from this side once written: the starting process only waits for the answer.
        socket.disconnectFromServer()
        self.received.emit(files)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


MAX_MESSAGE = 1 << 20  # paths of a few hundred files; anything longer is not from this app


def hand_over(paths: DataPaths, files: list[str], owner_pid: int | None = None) -> bool:
    """Give ``files`` to the process holding ``paths`` and ask it to come to the front. True once
    it acknowledged; False when nobody listens (an older version, or a window still starting)."""
    name = server_name(paths)
    if sys.platform != "win32" and not Path(QDir.tempPath(), name).exists():
        # Nobody listens. Asked anyway, Qt 6.11 also prints a malformed warning of its own.
        return False
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(HAND_OVER_TIMEOUT_MS):
        return False
    if owner_pid:
        allow_to_come_forward(owner_pid)
    socket.write(json.dumps({"open": files}).encode() + b"\n")
    socket.waitForBytesWritten(HAND_OVER_TIMEOUT_MS)
    answer = b""
    while b"\n" not in answer and socket.waitForReadyRead(HAND_OVER_TIMEOUT_MS):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer.startswith(b"ok\n")


def allow_to_come_forward(pid: int) -> None:
    """Windows only lets the process the user just started raise a window; this lets it pass
    that right to the window already open. Nothing to do elsewhere."""
    if sys.platform != "win32":
        return
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.windll.user32.AllowSetForegroundWindow(int(pid))  # type: ignore[attr-defined]
