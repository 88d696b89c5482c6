"""Earcons: short sounds for privacy flags, consent saved, deletion done and errors.

The WAV files are made by ``packaging/make_earcons.py`` and live in ``assets/sounds``.
``play_earcon`` returns at once; the sound plays on a daemon thread through a sink.
"""

from __future__ import annotations

import threading
import time
import wave

import numpy as np

from accessshare.paths import asset
from accessshare.speech.sinks import Sink, default_sink

PRIVACY_FLAG = "privacy-flag"
CONSENT_SAVED = "consent-saved"
DELETION_DONE = "deletion-done"
ERROR = "error"
EARCONS = (PRIVACY_FLAG, CONSENT_SAVED, DELETION_DONE, ERROR)

_default_sink: Sink | None = None


def earcon_path(name: str):
    if name not in EARCONS:
        raise ValueError(f"There is no earcon called {name!r}; choose one of {', '.join(EARCONS)}.")
    return asset("sounds", f"{name}.wav")


def play_earcon(name: str, *, enabled: bool = True, sink: Sink | None = None,
                ) -> threading.Thread | None:
    """Play an earcon without blocking; nothing happens when ``enabled`` is False."""
    if not enabled:
        return None
    path = earcon_path(name)
    player = threading.Thread(target=_play, args=(path, sink or _fresh_sink()),
                              name=f"earcon-{name}", daemon=True)
    player.start()
    return player


def _fresh_sink() -> Sink:
    """A sink of the kind that works here (probed once), new for each sound so they can overlap."""
    global _default_sink
    if _default_sink is None:
        _default_sink = default_sink()
    return type(_default_sink)()


def _play(path, sink: Sink) -> None:
    with wave.open(str(path), "rb") as source:
        rate = source.getframerate()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    sink.open(rate)
    block = int(rate * 0.01)
    start = time.monotonic()
    for offset in range(0, len(samples), block):
        delay = start + offset / rate - sink.realtime_lead - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sink.write(samples[offset:offset + block].tobytes())
    sink.close()
