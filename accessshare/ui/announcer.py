"""The one Announcer: every spoken message of the app goes through ``announce``.

Screen reader channel: a ``QAccessibleAnnouncementEvent`` (NVDA, JAWS and VoiceOver speak it),
plus the message as the accessible description of the focused object, because Orca ignores
announcements but speaks description changes of the object it has focus on. Own-voice channel:
the speech ``Router`` sends it to the app's Speaker. The Router picks the channel (auto, screen
reader, own voice, both) and drops exact repeats.

Progress is polite and throttled to one message every ``PROGRESS_INTERVAL`` seconds.
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from accessshare.speech.router import Router

PROGRESS_INTERVAL = 10.0
WAIT_FOR_FOCUS_SECONDS = 5.0  # a message said while nothing has focus waits this long for focus
ANNOUNCEMENT_ROLE = 0x0100 + 77  # Qt.UserRole + 77: the model role that holds an item's description


class Announcer(QObject):
    announced = Signal(str, str)  # text, channel ("screen-reader", "own-voice" or "focus")

    def __init__(self, window: QWidget, speaker=None, mode: str = "auto",
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(window)
        self.window = window
        self._clock = clock
        self._last_progress = -PROGRESS_INTERVAL
        self._described_toggle = False
        self.router = Router(speaker, self._to_screen_reader, screen_reader_active, mode=mode)
        self.history: list[str] = []  # everything announced, newest last (for S and for tests)
        # Widgets whose description carries a message, with the description they had before.
        # Restored once focus leaves them, else Orca reads old messages again on every return.
        self._carrying: dict[int, tuple[QWidget, str]] = {}
        self._held: tuple[str, str] | None = None  # background news waiting for a dialog to close
        self._waiting_for_focus = ""  # screen reader messages said while nothing had focus
        self._waiting_since = 0.0
        self._focus_just_moved = False  # until the event loop turns after a focus change
        self._said_since_focus = ""  # messages put on the newly focused object meanwhile
        QApplication.instance().focusChanged.connect(self._focus_changed)

    # The public interface ---------------------------------------------------------------------

    def set_speaker(self, speaker) -> None:
        self.router.speaker = speaker

    def set_mode(self, mode: str) -> None:
        self.router.mode = mode

    @property
    def speaker(self):
        return self.router.speaker

    def announce(self, text: str, kind: str = "status", interrupt: bool = False, *,
                 background: bool = False) -> None:
        """``background``: news the user did not ask for (all photos described). While a
        dialog is open it waits until the dialog closes, so it never cuts into the consent
        form or a question; background progress then is dropped (newer progress follows)."""
        if (background or kind == "progress") and QApplication.activeModalWidget() is not None:
            if background:
                self._held = (text, kind)
            return
        if kind == "progress":
            now = self._clock()
            if now - self._last_progress < PROGRESS_INTERVAL:
                return
            self._last_progress = now
        channel = self.router.announce(text, kind, interrupt)
        if channel is not None:
            self.history.append(text)
            self.announced.emit(text, channel)

    def restart_progress(self) -> None:
        """A dataset was opened: its first progress message comes a full interval later, not
        straight after "Opened …" (with cached descriptions it was already out of date)."""
        self._last_progress = self._clock()

    def announce_with_focus(self, text: str, kind: str = "status") -> None:
        """``text`` is what the widget taking focus now presents, as its name and description.
        A screen reader reads that on focus, and an announcement as well would make it say
        everything twice (measured under Orca 43), so only the own voice speaks it."""
        if self.router.channel_for(kind) == "own-voice":
            self.announce(text, kind)
            return
        self.history.append(text)
        self.announced.emit(text, "focus")

    def announce_unless_speaking(self, text: str, kind: str = "status") -> None:
        """A cue that must not cut off what the own voice is saying (arrowing past the last
        photo while its description plays): dropped then, since the description is the point."""
        if self.router.channel_for(kind) == "own-voice" and getattr(self.speaker, "speaking", False):
            return
        self.announce(text, kind)

    def error(self, text: str) -> None:
        self.announce(text, "error", interrupt=True)

    def speak_navigation(self, text: str) -> None:
        """The screen reader already reads the newly focused list item; the own voice does not,
        so moving to a photo is spoken only when the own voice is the channel (latest wins)."""
        if self.router.channel_for("description") == "own-voice":
            self.router.speaker.say(text, "normal")
            self.announced.emit(text, "own-voice")

    def stop(self) -> None:
        speaker = self.router.speaker
        if speaker is not None:
            speaker.stop()

    # The screen reader channel ------------------------------------------------------------------

    def _to_screen_reader(self, text: str, interrupt: bool) -> None:
        focused = QApplication.focusWidget()
        event = QAccessibleAnnouncementEvent(focused or self.window, text)
        if interrupt:
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)
        if focused is None:
            # Between a dialog closing and focus coming back (which waits for the window to be
            # activated): a description put anywhere now is never read, so it waits for the
            # object that takes focus next, and is read as part of that object.
            self._waiting_for_focus = f"{self._waiting_for_focus} {text}".strip()
            self._waiting_since = self._clock()
            return
        self._describe_focus(focused, text)

    def _describe_focus(self, widget: QWidget, text: str) -> None:
        # Orca skips a description equal to the one it last spoke for that object, so a repeated
        # message alternates an invisible trailing space.
        if self._focus_just_moved:
            # Until the screen reader reads the newly focused object, each message joins the
            # ones before it rather than replacing them unheard.
            text = f"{self._said_since_focus} {text}".strip()
            self._said_since_focus = text
        self._described_toggle = not self._described_toggle
        text = text + (" " if self._described_toggle else "")
        if isinstance(widget, QAbstractItemView) and widget.currentIndex().isValid():
            self._carrying.setdefault(id(widget), (widget, ""))
            # Just focused: the screen reader has yet to read the item and will read this
            # description with it; a change event as well made Orca say the message twice.
            self._describe_current_item(widget, text, tell=not self._focus_just_moved)
            return
        self._carrying.setdefault(id(widget), (widget, widget.accessibleDescription()))
        widget.setAccessibleDescription(text)  # Qt sends DescriptionChanged itself

    def _focus_changed(self, _old, new) -> None:
        if new is None:
            return
        self._focus_just_moved = True
        self._said_since_focus = ""
        QTimer.singleShot(0, self, self._focus_settled)
        # Both now, before Qt tells screen readers about the new focus, so they are read with it.
        if self._waiting_for_focus:
            # Unless focus took so long that the message no longer fits what is happening.
            text, self._waiting_for_focus = self._waiting_for_focus, ""
            if self._clock() - self._waiting_since <= WAIT_FOR_FOCUS_SECONDS:
                self._describe_focus(new, text)
        self._say_held_news()

    def _focus_settled(self) -> None:
        self._focus_just_moved = False
        self._said_since_focus = ""
        # Messages are taken off only now: Qt reports a focus change to screen readers after
        # the focusChanged signal, and a description changed before that is still the focused
        # object's to Orca, which then read the old message again as focus left.
        self._restore_unless_focused()

    def _say_held_news(self) -> None:
        if self._held is not None and QApplication.activeModalWidget() is None:
            (text, kind), self._held = self._held, None
            self.announce(text, kind)

    def _restore_unless_focused(self) -> None:
        new = QApplication.focusWidget()
        for key, (widget, original) in list(self._carrying.items()):
            if widget is new:
                continue
            del self._carrying[key]
            try:
                if isinstance(widget, QAbstractItemView):
                    if widget.currentIndex().isValid():
                        widget.model().setData(widget.currentIndex(), original, ANNOUNCEMENT_ROLE)
                else:
                    widget.setAccessibleDescription(original)
            except RuntimeError:  # the widget (a closed dialog's) is gone
                pass

    @staticmethod
    def _describe_current_item(view: QAbstractItemView, text: str, tell: bool = True) -> None:
        index = view.currentIndex()
        view.model().setData(index, text, ANNOUNCEMENT_ROLE)
        if not tell:
            return
        interface = QAccessible.queryAccessibleInterface(view)
        if interface is None:
            return
        focused = interface.focusChild()
        if focused is None:
            return
        event = QAccessibleEvent(view, QAccessible.Event.DescriptionChanged)
        event.setChild(interface.indexOfChild(focused))
        QAccessible.updateAccessibility(event)


def screen_reader_active() -> bool:
    """True when an assistive technology has turned Qt's accessibility on (Orca on Linux, or
    any screen reader on Windows and macOS)."""
    return QAccessible.isActive()
