"""The one Announcer: every spoken message of the app goes through ``announce``.

Screen reader channel: a ``QAccessibleAnnouncementEvent`` (NVDA, JAWS and VoiceOver speak it),
plus the message as the accessible description of the focused object, because Orca ignores
announcements but speaks description changes of the object it has focus on. Own-voice channel:
the speech ``Router`` sends it to the app's Speaker. The Router picks the channel (auto, screen
reader, own voice, both) and drops exact repeats.

Progress is polite and throttled to one message every ``PROGRESS_INTERVAL`` seconds.
"""

from __future__ import annotations

import re
import time
from typing import Callable, NamedTuple

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from accessshare.speech.router import Router
from accessshare.vocabulary import AnnouncementKind as Kind

PROGRESS_INTERVAL = 10.0
HELD_NEWS_CHECK_MS = 250
NEWS_AFTER_MOVE = 0.8  # seconds focus rests on an object before background news is said
NEWS_WAITS_AT_MOST = 4.0  # seconds; then a shorter rest will do
WAIT_FOR_FOCUS_SECONDS = 5.0  # a message said while nothing has focus waits this long for focus
# Qt.UserRole + 77: the model role that holds a message as an item's description (reading it
# back through this role does not count as the item being read).
ANNOUNCEMENT_ROLE = 0x0100 + 77
# Qt.UserRole + 78: the item's text as assistive technology read it out since it became
# current ("" when not read yet; None from models that do not keep it). Setting "" marks the
# current item unread. (A model knows it was read out when its description is asked for.)
PRESENTED_NAME_ROLE = 0x0100 + 78
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class HeldNews(NamedTuple):
    """Background news waiting for a dialog to close, or for focus to rest."""

    text: str
    kind: str
    recheck: Callable[[], str] | None  # its words when finally said ("" if no longer true)


class Announcer(QObject):
    announced = Signal(str, str)  # text, channel ("screen-reader", "own-voice" or "focus")
    said = Signal(str, str)  # text, kind ("status", "error", "description"...): what was said

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
        self._asked = False  # the message being said was asked for by the user
        self._moved_at = -NEWS_AFTER_MOVE  # when focus, or a list's current item, last moved
        self._held_since = 0.0
        self._held: list[HeldNews] = []
        self._release_timer = QTimer(self)  # a closed menu moves no focus: look again later
        self._release_timer.setInterval(HELD_NEWS_CHECK_MS)
        self._release_timer.timeout.connect(self._say_held_news)
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

    def announce(self, text: str, kind: str = Kind.STATUS, interrupt: bool = False, *,
                 background: bool = False, asked: bool = False,
                 recheck: Callable[[], str] | None = None) -> None:
        """``background``: news the user did not ask for at this moment (a description that
        arrived, the dataset opened, all photos described, a describer error). While a dialog,
        menu or pop-up list is open it waits until that closes, so it never cuts into the
        consent form or a question; and it waits until focus has rested on one object for
        ``NEWS_AFTER_MOVE`` seconds, so it comes after the screen reader has read that object
        (said while the object was still to be read, Orca read it with the object and then
        again). Progress then is dropped (newer progress follows); a photo's description
        waiting when the user moves to another photo is dropped too (it was about that one).

        ``recheck``: for held news that counts things ("All 10 photos described"), gives its
        words as they are when it is finally said ("" if no longer true): a photo deleted while
        it waited made the held count false (Orca said "All 10 photos described" of 9).

        ``asked``: the user asked for exactly this (Space, Enter): said whole, even right after
        the same words, and even where the focused item says them too."""
        if (background or kind == Kind.PROGRESS) and not self._free_for_news(kind):
            if kind != Kind.PROGRESS:
                self._hold(text, kind, recheck)
            return
        if kind == Kind.PROGRESS:
            now = self._clock()
            if now - self._last_progress < PROGRESS_INTERVAL:
                return
            self._last_progress = now
        if asked:
            self.router.forget_last()
        self._asked = asked
        channel = self.router.announce(text, kind, interrupt)
        self._asked = False
        if channel is not None:
            self.history.append(text)
            self.announced.emit(text, channel)
            self.said.emit(text, kind)

    @property
    def held(self) -> list[str]:
        """Background news waiting for a dialog to close (for tests)."""
        return [news.text for news in self._held]

    def restart_progress(self) -> None:
        """A dataset was opened: its first progress message comes a full interval later, not
        straight after "Opened …" (with cached descriptions it was already out of date)."""
        self._last_progress = self._clock()

    def announce_with_focus(self, text: str, kind: str = Kind.STATUS) -> None:
        """``text`` is what the widget taking focus now presents, as its name and description.
        A screen reader reads that on focus, and an announcement as well would make it say
        everything twice (measured under Orca 43), so only the own voice speaks it."""
        if self.router.channel_for(kind) == "own-voice":
            self.announce(text, kind)
            return
        self.history.append(text)
        self.announced.emit(text, "focus")
        self.said.emit(text, kind)

    def announce_unless_speaking(self, text: str, kind: str = Kind.STATUS) -> None:
        """A cue that must not cut off what the own voice is saying (arrowing past the last
        photo while its description plays): dropped then, since the description is the point."""
        if self.router.channel_for(kind) == "own-voice" and getattr(self.speaker, "speaking", False):
            return
        self.announce(text, kind)

    def error(self, text: str) -> None:
        self.announce(text, Kind.ERROR, interrupt=True)

    def speak_navigation(self, text: str) -> None:
        """The screen reader already reads the newly focused list item; the own voice does not,
        so moving to a photo is spoken only when the own voice is the channel (latest wins)."""
        if self.router.channel_for(Kind.DESCRIPTION) == "own-voice":
            self.router.speaker.say(text, "normal")
            self.announced.emit(text, "own-voice")

    def stop(self) -> None:
        speaker = self.router.speaker
        if speaker is not None:
            speaker.stop()

    # The screen reader channel ------------------------------------------------------------------

    def _to_screen_reader(self, text: str, interrupt: bool) -> None:
        focused = QApplication.focusWidget()
        if focused is not None and not self._asked:
            # Not what the focused item says itself, or is about to say as it is read.
            text = without_sentences_of(text, presented_name(focused, self._focus_just_moved))
            if not text:
                return
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
        if isinstance(widget, QAbstractItemView) and widget.currentIndex().isValid():
            self._describe_current_item(widget, text)
            return
        if self._focus_just_moved:
            # Until the screen reader reads the newly focused object, each message joins the
            # ones before it rather than replacing them unheard.
            text = f"{self._said_since_focus} {text}".strip()
            self._said_since_focus = text
        self._carrying.setdefault(id(widget), (widget, widget.accessibleDescription()))
        widget.setAccessibleDescription(self._toggled(text))  # Qt sends DescriptionChanged itself

    def _describe_current_item(self, view: QAbstractItemView, text: str) -> None:
        """The message becomes the current item's description. Before the screen reader has
        read the item (it was just reached, or focus just came back to the list) it reads the
        description with it: then the message joins what waits there, and no change event is
        sent, or Orca, reading the item late on a busy machine, said it twice."""
        self._carrying.setdefault(id(view), (view, ""))
        index = view.currentIndex()
        read = index.data(PRESENTED_NAME_ROLE)
        unread = self._focus_just_moved if read is None else read == ""
        if unread:
            # Its own role: asking for the description would count as the item being read,
            # and the next message would replace this one unheard.
            waiting = str(index.data(ANNOUNCEMENT_ROLE) or "").strip()
            text = f"{waiting} {text}".strip()
        view.model().setData(index, self._toggled(text), ANNOUNCEMENT_ROLE)
        if unread:
            return
        interface = QAccessible.queryAccessibleInterface(view)
        focused = interface.focusChild() if interface is not None else None
        if focused is None:
            return
        event = QAccessibleEvent(view, QAccessible.Event.DescriptionChanged)
        event.setChild(interface.indexOfChild(focused))
        QAccessible.updateAccessibility(event)

    def _toggled(self, text: str) -> str:
        # A repeated message alternates an invisible trailing space, so that a screen reader
        # that skips a description equal to the last one still says it.
        self._described_toggle = not self._described_toggle
        return text + (" " if self._described_toggle else "")

    def _focus_changed(self, _old, new) -> None:
        if new is None:
            return
        self._moved()
        self._watch_moves(new)
        if isinstance(new, QAbstractItemView) and new.currentIndex().isValid():
            # Focus came (back) to a list: its current item is read afresh.
            new.model().setData(new.currentIndex(), "", PRESENTED_NAME_ROLE)
        self._focus_just_moved = True
        self._said_since_focus = ""
        QTimer.singleShot(0, self, self._focus_settled)
        # Both now, before Qt tells screen readers about the new focus, so they are read with it.
        if self._waiting_for_focus:
            # Unless focus took so long that the message no longer fits what is happening.
            text, self._waiting_for_focus = self._waiting_for_focus, ""
            text = without_sentences_of(text, presented_name(new, True))
            if text and self._clock() - self._waiting_since <= WAIT_FOR_FOCUS_SECONDS:
                self._describe_focus(new, text)
        self._say_held_news()

    def _focus_settled(self) -> None:
        self._focus_just_moved = False
        self._said_since_focus = ""
        # Messages are taken off only now: Qt reports a focus change to screen readers after
        # the focusChanged signal, and a description changed before that is still the focused
        # object's to Orca, which then read the old message again as focus left.
        self._restore_unless_focused()

    def _hold(self, text: str, kind: str, recheck: Callable[[], str] | None) -> None:
        if not self._held:
            self._held_since = self._clock()
        self._held = [n for n in self._held if n.text != text] + [HeldNews(text, kind, recheck)]
        self._release_timer.start()

    def _free_for_news(self, kind: str) -> bool:
        if something_on_top():
            return False
        # The own voice reads no focused object, so it has nothing to wait for.
        if self.router.channel_for(kind) == "own-voice":
            return True
        resting = self._clock() - self._moved_at
        # Someone moving on without a pause still hears it, between two moves.
        waited_long = self._held and self._clock() - self._held_since >= NEWS_WAITS_AT_MOST
        return resting >= NEWS_AFTER_MOVE or (waited_long and resting >= NEWS_AFTER_MOVE / 3)

    def _moved(self, *_indexes) -> None:
        """Focus moved, or a list's current item did: the new object is read now."""
        self._moved_at = self._clock()
        self._held = [n for n in self._held if n.kind != Kind.DESCRIPTION]

    def _watch_moves(self, widget: QWidget) -> None:
        mark = f"watched_by_announcer_{id(self)}"
        if not isinstance(widget, QAbstractItemView) or widget.property(mark):
            return
        selection = widget.selectionModel()
        if selection is not None:
            widget.setProperty(mark, True)
            selection.currentChanged.connect(self._moved)

    def _say_held_news(self) -> None:
        """Once nothing is on top of the window and focus has rested: the held news; what the
        focused item says already is left out (the description of the photo it shows)."""
        if not self._held or not all(self._free_for_news(n.kind) for n in self._held):
            return
        self._release_timer.stop()
        held, self._held = self._held, []
        for news in held:
            text = news.recheck() if news.recheck is not None else news.text
            if text:
                self.announce(text, news.kind)

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


def something_on_top() -> bool:
    """A dialog, a menu or a pop-up list is open over the window: what the user reads now."""
    return QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None


def presented_name(widget: QWidget, just_focused: bool) -> str:
    """What the screen reader reads, or has read, as the focused list item's name: as it was
    read since it became current, or as it will be read if it has not been yet."""
    if isinstance(widget, QAbstractItemView):
        index = widget.currentIndex()
        if not index.isValid():
            return ""
        read = index.data(PRESENTED_NAME_ROLE)
        if read is None and not just_focused:
            return ""  # a model that does not say what was read: assume nothing
        return str(read or index.data(Qt.ItemDataRole.AccessibleTextRole) or "")
    return ""  # other widgets: their names are short labels, not the news itself


def without_sentences_of(text: str, name: str) -> str:
    """``text`` without the sentences ``name`` already says ("Saved. Shared for research."
    on an item that reads "…Shared for research." becomes "Saved.")."""
    if not name:
        return text.strip()
    kept = [s for s in SENTENCE_END.split(text.strip()) if s and s.rstrip(".!? ") not in name]
    return " ".join(kept)


def screen_reader_active() -> bool:
    """True when an assistive technology has turned Qt's accessibility on (Orca on Linux, or
    any screen reader on Windows and macOS)."""
    return QAccessible.isActive()
