"""Recorders for speech tests: a sink that records when samples were played, and a log of
the Speaker's events."""

from __future__ import annotations

import threading
import time


class RecordingSink:
    """Consumes samples at the real rate (the player paces it) and records when each came."""

    realtime_lead = 0.0

    def __init__(self) -> None:
        self.writes: list[tuple[float, int]] = []  # (monotonic time, samples)
        self.aborts: list[float] = []
        self.lock = threading.Lock()

    def open(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate

    def write(self, samples: bytes) -> None:
        with self.lock:
            self.writes.append((time.monotonic(), len(samples) // 2))

    def close(self) -> None:
        pass

    def abort(self) -> None:
        self.aborts.append(time.monotonic())

    def last_write(self) -> float:
        with self.lock:
            return self.writes[-1][0]

    def samples_since(self, moment: float) -> int:
        with self.lock:
            return sum(n for t, n in self.writes if t >= moment)


class EventLog:
    def __init__(self) -> None:
        self.events: list[tuple[float, str, str]] = []
        self.changed = threading.Condition()

    def __call__(self, event) -> None:
        with self.changed:
            self.events.append((time.monotonic(), event.kind, event.text))
            self.changed.notify_all()

    def wait_for(self, kind: str, text: str | None = None, timeout: float = 10.0) -> float:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for moment, k, t in self.events:
                    if k == kind and (text is None or t == text):
                        return moment
                if not self.changed.wait(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"no {kind} event for {text!r}: {self.events}")

    def kinds(self, kind: str) -> list[str]:
        return [t for _m, k, t in self.events if k == kind]
