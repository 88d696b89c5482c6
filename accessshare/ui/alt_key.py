"""Alt and Alt+letter under a screen reader: drop Qt's second delivery of an Alt press.

With a screen reader listening for keys (Orca), Qt's AT-SPI bridge (``QSpiApplicationAdaptor``)
holds every real key press and release, asks the screen reader whether it wants it, and then
posts a copy back (non-spontaneous, timestamp 0, aimed at the window). Qt's shortcut machinery
has already seen the real press before the bridge held it, so an Alt press is handled twice:

- Alt alone: the real press arms ``QMenuBar``'s Alt state and the real release switches the
  menu bar on. The posted copy of the press, which ``QApplication::notify`` turns into a second
  ShortcutOverride, arms it again, and the posted copy of the release switches it off: Orca
  echoes "alt" and nothing is selected.
- Alt+F: the real keys open the File menu (a shortcut). The posted copy of the Alt press then
  reaches the open menu, and ``QMenu`` closes on an Alt press.

Whether the copy comes before or after the real release depends on how fast the screen reader
answers, which is why it failed when Orca was busy (a dialog just closed, menus just left) and
why F10 (no Alt state) always worked. This filter drops the posted copy of an Alt press, unless a
menu that was open at the real press is still open (then the copy is the only press that menu
will see, and Alt closes it as it should). Without a screen reader no copy is ever posted, and
the filter changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

ALT_KEYS = (Qt.Key.Key_Alt, Qt.Key.Key_Meta)  # the keys QMenuBar takes as "Alt"


class AltReplayFilter(QObject):
    """An application event filter; see the module's description."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._popup_at_press: QWidget | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or event.key() not in ALT_KEYS:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            if event.timestamp() != 0:  # a real press (the X server stamps it)
                self._popup_at_press = QApplication.activePopupWidget()
            return False
        if is_bridge_replay(watched, event):
            popup = QApplication.activePopupWidget()
            return popup is None or popup is not self._popup_at_press
        return False


def is_bridge_replay(watched: QObject, event: QKeyEvent) -> bool:
    """The AT-SPI bridge's copy of a held key: posted to the window, with no timestamp. Real
    keys are spontaneous and stamped; keys sent by tests go to a widget."""
    return isinstance(watched, QWindow) and not event.spontaneous() and event.timestamp() == 0


def install_alt_replay_filter(app: QApplication) -> AltReplayFilter:
    """Once per application (a second call returns the first filter), before or after the
    screen reader starts: the order of application filters does not matter to it."""
    guard = app.findChild(AltReplayFilter)
    if guard is None:
        guard = AltReplayFilter(app)
        app.installEventFilter(guard)
    return guard
