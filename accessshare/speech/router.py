"""Routing announcements between the screen reader and the app's own voice, once each.

Modes:
- "screen-reader": everything to the screen reader.
- "own-voice": everything to the app's voice.
- "both": photo descriptions in the app's own voice, everything else through the screen reader
  (so the user hears descriptions in a separate voice, and no message is spoken by both).
- "auto" (default): the own voice only while no screen reader is active.

The same text announced again within ``repeat_window`` seconds is dropped, so a message reached
by two code paths (say, a status label and a signal) is spoken once.
"""

from __future__ import annotations

import time
from typing import Callable, Protocol

from accessshare.vocabulary import AnnouncementKind as Kind

MODES = ("auto", "screen-reader", "own-voice", "both")
KINDS = tuple(Kind)


class Voice(Protocol):
    def say(self, text: str, priority: str = "normal") -> None: ...
    def stop(self) -> None: ...


class Router:
    def __init__(self, speaker: Voice | None, screen_reader: Callable[[str, bool], None],
                 screen_reader_active: Callable[[], bool], *, mode: str = "auto",
                 repeat_window: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.speaker = speaker
        self.screen_reader = screen_reader
        self.screen_reader_active = screen_reader_active
        self.mode = mode
        self.repeat_window = repeat_window
        self._clock = clock
        self._last: tuple[str, float] | None = None

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"Voice mode must be one of {', '.join(MODES)}, not {mode!r}.")
        self._mode = mode

    def channel_for(self, kind: str) -> str:
        """"own-voice" or "screen-reader": where a message of this kind goes now."""
        if self.speaker is None or not getattr(self.speaker, "available", True):
            return "screen-reader"
        if self._mode == "auto":
            return "screen-reader" if self.screen_reader_active() else "own-voice"
        if self._mode == "both":
            return "own-voice" if kind == Kind.DESCRIPTION else "screen-reader"
        return self._mode

    def forget_last(self) -> None:
        """The user asked to hear something again: let the next message through even if it
        repeats the last one."""
        self._last = None

    def announce(self, text: str, kind: str = Kind.STATUS, interrupt: bool = False) -> str | None:
        """Send ``text`` to one channel; returns that channel, or None when it was a repeat."""
        if kind not in KINDS:
            raise ValueError(f"Announcement kind must be one of {', '.join(KINDS)}, not {kind!r}.")
        text = text.strip()
        now = self._clock()
        if not text or (self._last and self._last[0] == text
                        and now - self._last[1] < self.repeat_window):
            return None
        self._last = (text, now)
        channel = self.channel_for(kind)
        if channel == "own-voice":
            self.speaker.say(text, "high" if interrupt or kind == Kind.ERROR else "normal")
        else:
            self.screen_reader(text, interrupt)
        return channel
