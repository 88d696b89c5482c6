"""``Speaker``: the app's own voice, latest-wins, never blocking the caller.

One worker process owns the pyttsx3 engine (see ``worker.py`` for why). It writes each chunk of
text to a WAV file; a player thread here sends the samples to a sink in 10 ms blocks and checks
between blocks whether the utterance was cancelled, so ``stop()`` and a new ``say()`` silence the
old speech within one block. Events are delivered to listeners on the player or reader thread;
a Qt caller must marshal them to its UI thread.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import wave
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from accessshare.speech.sinks import Sink, default_sink
from accessshare.speech.text import split_for_speech
from accessshare.speech.worker import INSTALL_HINT

BLOCK_SECONDS = 0.01


class SpeechUnavailable(RuntimeError):
    """No speech engine is installed; ``str()`` says what to install."""


@dataclass(frozen=True)
class SpeechEvent:
    kind: str  # started | finished | cancelled | error | unavailable
    text: str


@dataclass
class _Utterance:
    generation: int
    text: str
    chunks: list[str]
    paths: dict[int, Path] = field(default_factory=dict)
    failed: bool = False
    started: bool = False


class Speaker:
    def __init__(self, sink: Sink | None = None, *, rate: int = 180, voice: str | None = None,
                 volume: float = 1.0, on_event: Callable[[SpeechEvent], None] | None = None,
                 worker_env: dict[str, str] | None = None) -> None:
        self.sink = sink if sink is not None else default_sink()
        self.rate, self.voice, self.volume = rate, voice, volume
        self._listeners: list[Callable[[SpeechEvent], None]] = [on_event] if on_event else []
        self._env = {**os.environ, **(worker_env or {})}
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._generation = 0
        self._current: _Utterance | None = None
        self._requests: dict[int, tuple] = {}  # id -> (utterance or Future, chunk index, request)
        self._temp = tempfile.TemporaryDirectory(prefix="accessshare-speech-")
        self._ready = threading.Event()
        self._voices: list[dict] = []
        self.unavailable_message: str | None = None
        self._closed = False
        self._process: subprocess.Popen | None = None
        self._start_worker()
        self._player = threading.Thread(target=self._play_loop, name="speech-player", daemon=True)
        self._player.start()

    # -- public API -------------------------------------------------------------------------

    def add_listener(self, callback: Callable[[SpeechEvent], None]) -> None:
        self._listeners.append(callback)

    @property
    def available(self) -> bool:
        return self.unavailable_message is None

    @property
    def worker_pid(self) -> int | None:
        return self._process.pid if self._process else None

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """Wait for the worker to load the engine; True when speech is available."""
        self._ready.wait(timeout)
        return self._ready.is_set() and self.available

    def voices(self, timeout: float = 10.0) -> list[dict]:
        """[{"id", "name", "languages"}]; waits for the worker's first start only."""
        self.wait_ready(timeout)
        return list(self._voices)

    def say(self, text: str, priority: str = "normal") -> None:
        """Speak ``text`` instead of whatever is being spoken (latest wins). Returns at once.

        ``priority`` is accepted for the router; "high" and "normal" both interrupt, because
        the newest message is always the one about what the user now has in focus.
        """
        chunks = split_for_speech(text)
        with self._lock:
            self._cancel_current()
            if not chunks or not self.available:
                return
            self._generation += 1
            self._current = _Utterance(self._generation, text, chunks)
            for index, chunk in enumerate(chunks):
                path = Path(self._temp.name) / f"{self._generation}-{index}.wav"
                self._send(self._current, index, {"text": chunk, "path": str(path),
                                                  "generation": self._generation})
            self._lock.notify_all()

    @property
    def speaking(self) -> bool:
        """True from ``say`` until its last sound has played (or it was cut off)."""
        return self._current is not None

    def stop(self) -> None:
        """Silence speech now. Returns at once."""
        with self._lock:
            self._cancel_current()
            self._generation += 1
            self._lock.notify_all()

    def save_wav(self, text: str, path: str | Path) -> Future:
        """Synthesise ``text`` to a WAV file; the Future gives the Path, or SpeechUnavailable."""
        future: Future = Future()
        with self._lock:
            if not self.available:
                future.set_exception(SpeechUnavailable(self.unavailable_message))
            else:
                self._send(future, 0, {"text": text, "path": str(Path(path).resolve()),
                                       "generation": self._generation, "keep": True})
        return future

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._cancel_current()
            self._lock.notify_all()
        process = self._process
        if process and process.poll() is None:
            try:
                process.stdin.close()
                process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        self._player.join(timeout=2)
        self._temp.cleanup()

    def __enter__(self) -> "Speaker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- worker -----------------------------------------------------------------------------

    def _start_worker(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "accessshare.speech.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
            env=self._env)
        threading.Thread(target=self._read_replies, args=(self._process,),
                         name="speech-replies", daemon=True).start()

    def _send(self, owner, index: int, request: dict) -> None:
        request = {**request, "id": next(self._ids), "rate": self.rate, "voice": self.voice}
        self._requests[request["id"]] = (owner, index, request)
        self._write(request)

    def _write(self, request: dict) -> None:
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except (OSError, ValueError):
            pass  # the reader thread sees the worker die and restarts it

    def _read_replies(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self._handle_reply(json.loads(line))
        process.wait()
        with self._lock:
            if self._closed or not self.available:
                return
            self._start_worker()  # the engine died: a new worker redoes what was outstanding
            for _owner, _index, request in list(self._requests.values()):
                self._write(request)

    def _handle_reply(self, reply: dict) -> None:
        kind = reply["type"]
        if kind == "ready":
            self._voices = reply["voices"]
            self._ready.set()
            return
        if kind == "no-engine":
            self.unavailable_message = reply["message"]
            self._ready.set()
            self._emit("unavailable", reply["message"])
            with self._lock:
                for owner, _i, _r in self._requests.values():
                    if isinstance(owner, Future):
                        owner.set_exception(SpeechUnavailable(reply["message"]))
                self._requests.clear()
            return
        with self._lock:
            owner, index, _request = self._requests.pop(reply["id"], (None, 0, None))
            if isinstance(owner, Future):
                if kind == "done":
                    owner.set_result(Path(reply["path"]))
                else:
                    owner.set_exception(RuntimeError(reply.get("message", "not synthesised")))
            elif isinstance(owner, _Utterance):
                if kind == "done":
                    owner.paths[index] = Path(reply["path"])
                elif kind == "failed":
                    owner.failed = True
                    self._emit("error", reply.get("message", "speech failed"))
                self._lock.notify_all()

    # -- playback ---------------------------------------------------------------------------

    def _cancel_current(self) -> None:
        """Called with the lock held: forget the utterance; the player aborts the sink."""
        current, self._current = self._current, None
        if current is not None:
            for request_id in [i for i, (o, _x, _r) in self._requests.items() if o is current]:
                del self._requests[request_id]
            self._emit("cancelled", current.text)

    def _next_chunk(self) -> tuple[_Utterance, int, Path] | None:
        """Wait (lock held) for the next chunk of the current utterance to be synthesised."""
        while not self._closed:
            utterance = self._current
            if utterance is not None:
                index = getattr(utterance, "_next", 0)
                if index in utterance.paths:
                    utterance._next = index + 1
                    return utterance, index, utterance.paths.pop(index)
            self._lock.wait(0.5)
        return None

    def _play_loop(self) -> None:
        while True:
            with self._lock:
                found = self._next_chunk()
            if found is None:
                return
            utterance, index, path = found
            completed = self._play_file(utterance, path)
            path.unlink(missing_ok=True)
            if completed and index == len(utterance.chunks) - 1:
                with self._lock:
                    if self._current is utterance:
                        self._current = None
                        self._emit("finished", utterance.text)

    def _play_file(self, utterance: _Utterance, path: Path) -> bool:
        with wave.open(str(path), "rb") as source:
            rate = source.getframerate()
            samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
        if self.volume != 1.0:
            samples = np.clip(samples * float(self.volume), -32768, 32767).astype("<i2")
        block = max(1, int(rate * BLOCK_SECONDS))
        self.sink.open(rate)
        start = time.monotonic()
        for offset in range(0, len(samples), block):
            with self._lock:
                due = start + offset / rate - self.sink.realtime_lead
                while self._current is utterance and time.monotonic() < due:
                    self._lock.wait(due - time.monotonic())
                if self._current is not utterance:
                    self.sink.abort()
                    return False
                if not utterance.started:
                    utterance.started = True
                    self._emit("started", utterance.text)
            self.sink.write(samples[offset:offset + block].tobytes())
        # the last block must also play out before the utterance counts as finished
        with self._lock:
            end = start + len(samples) / rate
            while self._current is utterance and time.monotonic() < end:
                self._lock.wait(end - time.monotonic())
            if self._current is not utterance:
                self.sink.abort()
                return False
        self.sink.close()
        return True

    def _emit(self, kind: str, text: str) -> None:
        event = SpeechEvent(kind, text)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a faulty listener must not stop the voice
                pass


__all__ = ["Speaker", "SpeechEvent", "SpeechUnavailable", "INSTALL_HINT"]
