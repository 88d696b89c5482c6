"""The Qt binding must keep Python's reference counts: PySide6 6.12.0 on Python 3.11 lost a
reference to None on every processEvents() and to a bool on every signal emit, and the app died
with "Fatal Python error: none_dealloc" after a few thousand events. pyproject.toml excludes it;
this test catches any installed binding with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    changed = Signal(int, list)


def test_process_events_and_emit_keep_none_and_bools_alive(qapp):
    receiver: list = []
    emitter = Emitter()
    emitter.changed.connect(lambda number, items: receiver.append(number))
    qapp.processEvents()
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for number in range(500):
        qapp.processEvents()
        emitter.changed.emit(number, [])
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert len(receiver) == 500
    lost = [b - a for a, b in zip(after, before)]
    assert max(lost) < 50, f"references lost by the Qt binding (None, True, False): {lost}"
