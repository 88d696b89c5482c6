"""Observing what Qt sends to assistive technology, in-process (ACCESSIBILITY.md, recipe 1):
announcements, focus changes and description changes, through QAccessible's update handler
called via ctypes (PySide6 does not wrap installUpdateHandler)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import PySide6
import shiboken6
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent

_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_INSTALL_SYMBOL = "_ZN11QAccessible20installUpdateHandlerEPFvP16QAccessibleEventE"


class AccessibleEventRecorder:
    """Records the announcements and description changes Qt sends to assistive technology."""

    def __init__(self, read_focus: bool = True):
        """``read_focus``: read each newly focused object's name and description at once, as
        the event arrives. A screen reader reads it later, over D-Bus, once it has handled the
        events before: pass False to leave the reading to the test, at that later moment."""
        self.read_focus = read_focus
        library = ctypes.CDLL(str(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Gui.so.6"))
        self._install = getattr(library, _INSTALL_SYMBOL)
        self._install.restype = ctypes.c_void_p
        self._callback = _HANDLER_TYPE(self._on_event)
        self._previous = None
        self.announcements: list[str] = []
        self.descriptions: list[str] = []
        self.focused: list[tuple[str, str]] = []  # (name, description) of each focused object
        self.names: list[str] = []  # each new name of an object whose name changed

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
        elif kind == QAccessible.Event.Focus:
            if not self.read_focus:
                self.focused.append(("", ""))
                return
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.focused.append((interface.text(QAccessible.Text.Name),
                                     interface.text(QAccessible.Text.Description)))
        elif kind == QAccessible.Event.NameChanged:
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.names.append(interface.text(QAccessible.Text.Name))
        elif kind == QAccessible.Event.DescriptionChanged:
            interface = event.accessibleInterface()
            if interface is not None and interface.isValid():
                self.descriptions.append(interface.text(QAccessible.Text.Description))
