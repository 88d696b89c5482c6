"""Fixtures shared by the widget tests: an accessibility-event recorder (ACCESSIBILITY.md,
recipe 1) and a key press that goes wherever keyboard focus is, as a user's would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from qt_a11y import AccessibleEventRecorder


@pytest.fixture
def a11y_events(qapp):
    recorder = AccessibleEventRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def press(qtbot):
    """Press a key in whatever widget has focus, waiting until one has (never a None target)."""

    def press_key(key, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
        QTest.keyClick(QApplication.focusWidget(), key, modifier)

    return press_key
