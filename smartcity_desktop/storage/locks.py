"""Reading the desktop's lock file without Qt: is a SmartCity Desktop running on this folder?

The desktop holds ``smartcity.lock`` with Qt's ``QLockFile``, whose first line is the owner's PID.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def running_lock_holder(lock_file: Path) -> int | None:
    """The PID written in the lock file if that process still runs; None otherwise."""
    try:
        first = lock_file.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    except OSError:
        return None
    try:
        pid = int(first[0]) if first else 0
    except ValueError:
        return None
    if pid <= 0:
        return None
    return pid if _running(pid) else None


def _running(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
