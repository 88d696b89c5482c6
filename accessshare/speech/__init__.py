"""The app's own voice (Qt-free).

- ``Speaker(sink=None, rate=180, voice=None, volume=1.0, on_event=None)``: ``say(text)`` (latest
  wins), ``stop()``, ``voices()``, ``save_wav(text, path) -> Future``, ``add_listener(cb)`` for
  ``SpeechEvent(kind, text)`` with kind started | finished | cancelled | error | unavailable,
  ``available`` and ``unavailable_message``, ``close()``.
- ``Router(speaker, screen_reader, screen_reader_active, mode="auto")``:
  ``announce(text, kind, interrupt)`` sends each message to the right channel, once.
- ``play_earcon(name, enabled=True)`` for PRIVACY_FLAG, CONSENT_SAVED, DELETION_DONE, ERROR.
"""

from accessshare.speech.earcons import (
    CONSENT_SAVED,
    DELETION_DONE,
    EARCONS,
    ERROR,
    PRIVACY_FLAG,
    play_earcon,
)
from accessshare.speech.router import MODES, Router
from accessshare.speech.sinks import AplaySink, FileSink, NullSink, default_sink
from accessshare.speech.speaker import INSTALL_HINT, Speaker, SpeechEvent, SpeechUnavailable

__all__ = [
    "AplaySink", "CONSENT_SAVED", "DELETION_DONE", "EARCONS", "ERROR", "FileSink", "INSTALL_HINT",
    "MODES", "NullSink", "PRIVACY_FLAG", "Router", "Speaker", "SpeechEvent", "SpeechUnavailable",
    "default_sink", "play_earcon",
]
