"""The Qt binding must not leak or steal references to Python singletons.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call and to True on every
signal emit; after some tens of thousands of calls the interpreter aborted ("deallocating None").
pyproject excludes that release; this test catches such a binding if it ever comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_emits_keep_none_and_true_alive(qapp: object) -> None:
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _i in range(2000):
        emitter.setObjectName("x")
        emitter.fired.emit(True)
    assert sys.getrefcount(None) >= none_before - 50
    assert sys.getrefcount(True) >= true_before - 50
