"""Audio sinks: where the player sends 16-bit mono samples.

A sink is opened per utterance and closed (or aborted, which must silence it at once) at the end.
``AplaySink`` plays through a killable ``aplay`` process; ``NullSink`` and ``FileSink`` consume
samples at the real rate without a sound card, so CI and tests can observe playback.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path
from typing import Protocol


class Sink(Protocol):
    realtime_lead: float  # seconds of audio the player may send ahead of the clock

    def open(self, sample_rate: int) -> None: ...
    def write(self, samples: bytes) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


class NullSink:
    """Discards samples; the player still paces them at the real rate."""

    realtime_lead = 0.0

    def __init__(self) -> None:
        self.samples_written = 0

    def open(self, sample_rate: int) -> None:
        pass

    def write(self, samples: bytes) -> None:
        self.samples_written += len(samples) // 2

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class FileSink(NullSink):
    """Appends what is played to one WAV file, as a recording of the speakers would."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._wave: wave.Wave_write | None = None

    def open(self, sample_rate: int) -> None:
        if self._wave is None:
            self._wave = wave.open(str(self.path), "wb")
            self._wave.setnchannels(1)
            self._wave.setsampwidth(2)
            self._wave.setframerate(sample_rate)

    def write(self, samples: bytes) -> None:
        super().write(samples)
        if self._wave is not None:
            self._wave.writeframesraw(samples)

    def finish(self) -> None:
        if self._wave is not None:
            self._wave.close()
            self._wave = None


class AplaySink:
    """Pipes raw samples to ``aplay``; abort kills it, which silences the device at once."""

    realtime_lead = 0.15

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None

    def open(self, sample_rate: int) -> None:
        self._process = subprocess.Popen(
            ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", str(sample_rate)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def write(self, samples: bytes) -> None:
        if self._process and self._process.stdin:
            try:
                self._process.stdin.write(samples)
            except (BrokenPipeError, ValueError):
                pass

    def close(self) -> None:
        if self._process:
            try:
                self._process.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            self._process.wait()
            self._process = None

    def abort(self) -> None:
        if self._process:
            self._process.kill()
            self._process.wait()
            self._process = None


def default_sink() -> Sink:
    """aplay when it can open the default device, otherwise a silent real-time sink."""
    if shutil.which("aplay"):
        try:
            probe = subprocess.run(
                ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", "22050"],
                input=b"\0" * 441, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=3)
            if probe.returncode == 0:
                return AplaySink()
        except (OSError, subprocess.TimeoutExpired):
            pass
    return NullSink()
