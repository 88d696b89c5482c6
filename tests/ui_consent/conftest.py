"""Fixtures for the consent GUI tests: an accessibility-event recorder (ACCESSIBILITY.md,
recipe 1) and helpers that answer modal dialogs by keyboard."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pytest

PySide6 = pytest.importorskip("PySide6")
import shiboken6  # noqa: E402
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_INSTALL_SYMBOL = "_ZN11QAccessible20installUpdateHandlerEPFvP16QAccessibleEventE"


class AccessibleEventRecorder:
    """Records the announcements and description changes Qt sends to assistive technology."""

    def __init__(self):
        library = ctypes.CDLL(str(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Gui.so.6"))
        self._install = getattr(library, _INSTALL_SYMBOL)
        self._install.restype = ctypes.c_void_p
        self._callback = _HANDLER_TYPE(self._on_event)
        self._previous = None
        self.announcements: list[str] = []
        self.descriptions: list[str] = []

    def start(self) -> None:
        QAccessible.setActive(True)
        self._previous = self._install(self._callback)

    def stop(self) -> None:
        self._install(ctypes.c_void_p(self._previous) if self._previous else None)

    def _on_event(self, pointer: int) -> None:
        event = shiboken6.wrapInstance(pointer, QAccessibleEvent)
        kind = event.type()
        if kind == QAccessible.Event.Announcement:
            message = shiboken6.wrapInstance(pointer, QAccessibleAnnouncementEvent).message()
            self.announcements.append(message)
        elif kind == QAccessible.Event.DescriptionChanged:
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.descriptions.append(interface.text(QAccessible.Text.Description))


@pytest.fixture
def a11y_events(qapp):
    recorder = AccessibleEventRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def active_modal(qtbot):
    """A function that waits until a modal dialog other than ``besides`` holds focus, and
    returns it."""

    def wait_for(besides=None, timeout: int = 2000):
        found = []

        def check():
            widget = QApplication.activeModalWidget()
            assert widget is not None and widget.isVisible() and widget is not besides
            focus = QApplication.focusWidget()
            assert focus is not None and widget.isAncestorOf(focus)
            found.append(widget)

        qtbot.waitUntil(check, timeout=timeout)
        return found[-1]

    return wait_for


class RecordingAnnouncer:
    """Stands in for the main window's Announcer where the real one is not built yet."""

    def __init__(self):
        self.log: list[str] = []

    def announce(self, text: str, *args, **kwargs) -> None:
        self.log.append(text)
