"""The study recorder: what happened in a session, written off the UI thread in batches.

The UI calls ``record`` where actions are dispatched; it only appends a small tuple (the kind,
the two clock readings, the task, the detail) to a queue, so a key press pays microseconds. A
writer thread turns what has gathered into rows (times formatted there) and stores them every
``BATCH_SECONDS`` in one transaction. Nothing is kept until the participant agrees (``agree``),
and nothing while recording is paused.

With ``on_outside_note`` set, the writer thread also looks every ``NOTE_POLL_SECONDS`` for
notes another process added to this session (``accessshare study note``) and hands each one's
words to it (on the writer thread: the caller carries them to its own).

Every event carries its time, the milliseconds since the session started and the protocol's
task; its detail holds only numbers, flags and short codes (positions, purposes, states,
action ids from the key map), never image content. See ``EVENT_KINDS``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from accessshare.records.chain import utc_timestamp
from accessshare.sentences import en
from accessshare.study.codes import check_code
from accessshare.study.protocol import Protocol

BATCH_SECONDS = 0.5
NOTE_POLL_SECONDS = 1.0
WAITING, RECORDING, PAUSED, ENDED = "waiting for agreement", "recording", "paused", "ended"

# What a session can record, and the detail each kind carries.
EVENT_KINDS = {
    "recording_agreed": "the participant agreed; detail: record_speech",
    "dataset_opened": "photos: how many (never the folder)",
    "photo_moved": "position: the photo's place in the list (never its name)",
    "description_heard": "verbosity: brief or detailed; position",
    "action": "action: the key map's id of the key or menu item used",
    "walk_part_shown": "part and parts: the consent walk's page",
    "walk_answer": "correct: whether the answer was right; part",
    "decision": "position, purpose (those shared, or all), state; a decision over several "
                "photos has photos (how many), positions (compact: 1-12,15) and scope (shown, "
                "or folder for the folder's default) instead of position",
    "decision_undone": "photos: how many decisions the undo touched",
    "photo_deleted": "position",
    "settings_changed": "setting: which one (verbosity, voice, rate, contrast, font…)",
    "error_spoken": "an error was said (its words are kept only with --record-speech)",
    "recording_paused": "", "recording_resumed": "",
    "task_started": "task", "task_ended": "task",
    "note": "note: the facilitator's words",
    "spoken": "said: what the app said (only with --record-speech)",
    "session_ended": "",
}


class StudyRecorder:
    def __init__(self, store, session_id: int, participant: str, *,
                 protocol: Protocol | None = None, record_speech: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 batch_seconds: float = BATCH_SECONDS):
        self.store, self.session_id, self.participant = store, session_id, participant
        self.protocol = protocol
        self.record_speech = record_speech
        self.state = WAITING
        self.task = 0  # the protocol's task now under way (1-based); 0 before and after
        self.tasks_done = False
        self.problem = ""  # why the last batch could not be written, until one is
        self.recorded = 0  # events handed to the writer (for the facilitator's view)
        self._clock = clock
        self._started = clock()
        self._photo_count: int | None = None  # told before the participant agreed
        # (kind, wall time, clock reading, task, detail): deque.append is atomic, no lock needed.
        self._pending: deque[tuple[str, float, float, int | None, dict[str, Any] | None]] = deque()
        self._lock = threading.Lock()  # one flush at a time (the writer, end(), flush())
        self._wake = threading.Event()
        self._stop = False
        self._batch_seconds = batch_seconds
        self.on_outside_note: Callable[[str], None] | None = None
        self.note_poll_seconds = NOTE_POLL_SECONDS
        self._notes_seen = 0  # the highest event id looked at for notes from elsewhere
        self._own_notes: set[tuple[str, str]] = set()  # (time, words) of notes written here
        self._writer = threading.Thread(target=self._write_loop, name="study-recorder",
                                        daemon=True)
        self._writer.start()

    # What the participant hears first -------------------------------------------------------

    def intro(self, pause_key: str) -> str:
        return en.study_intro(self.participant, pause_key, self.record_speech)

    # Recording --------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.state == RECORDING

    def elapsed_ms(self) -> int:
        return int((self._clock() - self._started) * 1000)

    def record(self, kind: str, *, position: int | None = None, purpose: str | None = None,
               state: str | None = None, **detail: Any) -> bool:
        """Queue one event; False (and nothing kept) unless recording. Called on the UI thread."""
        if self.state != RECORDING:
            return False
        for key, value in (("position", position), ("purpose", purpose), ("state", state)):
            if value is not None:
                detail[key] = value
        self._queue(kind, detail)
        return True

    def _queue(self, kind: str, detail: dict[str, Any]) -> None:
        self._pending.append((kind, time.time(), self._clock(), self.task or None, detail or None))
        self.recorded += 1

    def _row(self, queued: tuple) -> dict[str, Any]:
        """A queued tuple as the store's event (on the writer thread)."""
        kind, wall, reading, task, detail = queued
        moment = utc_timestamp(datetime.fromtimestamp(wall, timezone.utc))
        if kind == "note":
            self._own_notes.add((moment, detail["note"]))
        return {"kind": kind, "time": moment, "task": task, "detail": detail,
                "elapsed_ms": int((reading - self._started) * 1000)}

    def dataset_opened(self, photos: int) -> None:
        """Said before agreement too: the count is recorded once the participant agrees."""
        self._photo_count = photos
        self.record("dataset_opened", photos=photos)

    def spoken(self, text: str, error: bool = False) -> None:
        if error:
            detail: dict[str, Any] = {"said": text} if self.record_speech else {}
            self.record("error_spoken", **detail)
        elif self.record_speech:
            self.record("spoken", said=text[:2000])

    # The session's states ----------------------------------------------------------------------

    def agree(self) -> str:
        """The participant agreed: recording starts (with the first task, if any); returns
        what to say next."""
        if self.state != WAITING:
            return ""
        self.state = RECORDING
        self._queue("recording_agreed", {"record_speech": self.record_speech})
        if self._photo_count is not None:
            self._queue("dataset_opened", {"photos": self._photo_count})
        words = en.STUDY_RECORDING_STARTED
        if self.protocol is not None:
            words += " " + self.next_task()
        return words

    def decline(self) -> str:
        """Nothing is recorded; the participant may still agree later (Study menu)."""
        return en.STUDY_DECLINED

    def toggle_pause(self) -> str:
        if self.state == RECORDING:
            self._queue("recording_paused", {})
            self.state = PAUSED
            return en.STUDY_PAUSED
        if self.state == WAITING:
            return self.agree()
        if self.state == PAUSED:
            self.state = RECORDING
            self._queue("recording_resumed", {})
            return en.STUDY_RESUMED
        return en.STUDY_HAS_ENDED

    def next_task(self) -> str:
        """End the task under way and start the next one; returns the sentence to say."""
        if self.protocol is None:
            return en.STUDY_NO_PROTOCOL
        if self.state == ENDED:
            return en.STUDY_HAS_ENDED
        if self.task:
            self.record("task_ended", number=self.task)
        if self.tasks_done or self.task >= len(self.protocol.tasks):
            self.task, self.tasks_done = 0, True
            return en.STUDY_TASKS_DONE
        self.task += 1
        self.record("task_started", number=self.task)
        return self.protocol.task_sentence(self.task)

    def current_task(self) -> str:
        if self.protocol is None:
            return en.STUDY_NO_PROTOCOL
        if self.tasks_done:
            return en.STUDY_TASKS_DONE
        if not self.task:
            return en.study_first_task_not_started(self.protocol.title)
        return self.protocol.task_sentence(self.task)

    def note(self, text: str) -> str:
        text = " ".join(text.split())
        if not text:
            return en.STUDY_NOTE_EMPTY
        if self.state == ENDED:
            return en.STUDY_HAS_ENDED
        # A note is the facilitator's, kept even while the participant's actions are not.
        self._queue("note", {"note": text[:2000]})
        return en.STUDY_NOTE_ADDED

    def end(self) -> str:
        """Close the session: the task and the session end, every event is written."""
        if self.state == ENDED:
            return en.STUDY_ALREADY_ENDED
        if self.task:
            self.record("task_ended", number=self.task)
        self.record("session_ended")
        self.state = ENDED
        self._stop = True
        self._wake.set()
        self._writer.join(timeout=10)
        self._flush()
        try:
            self.store.end_study_session(self.session_id)
        except Exception as error:  # noqa: BLE001 - said by the caller, never a traceback
            self.problem = en.study_end_not_saved(error)
        return en.study_ended(self.participant)

    # The writer thread --------------------------------------------------------------------------

    def _write_loop(self) -> None:
        next_write = next_poll = time.monotonic()
        next_write += self._batch_seconds
        while not self._stop:
            polling = self.on_outside_note is not None
            due = min(next_write, next_poll) if polling else next_write
            self._wake.wait(max(0.0, due - time.monotonic()))
            self._wake.clear()
            if self._stop:
                break
            now = time.monotonic()
            if now >= next_write:
                self._flush()
                next_write = now + self._batch_seconds
            if polling and now >= next_poll:
                self._look_for_outside_notes()
                next_poll = now + self.note_poll_seconds

    def _flush(self) -> None:
        with self._lock:
            batch = []
            while self._pending:
                batch.append(self._pending.popleft())
            if not batch:
                return
            rows = [self._row(queued) for queued in batch]
            try:
                self.store.record_study_events(self.session_id, rows)
                self.problem = ""
            except Exception as error:  # noqa: BLE001 - kept and tried again with the next batch
                self.problem = en.study_events_not_saved(error)
                self._pending.extendleft(reversed(batch))

    def _look_for_outside_notes(self) -> None:
        """Notes another process wrote to this session since the last look (writer thread)."""
        try:
            with self._lock:  # after our own flush, so our notes are known as ours
                notes = self.store.study_events(self.session_id, after=self._notes_seen,
                                                kind="note")
                own = self._own_notes
        except Exception:  # noqa: BLE001 - looked for again next time; the store says why
            return
        for event in notes:
            self._notes_seen = max(self._notes_seen, event.id)
            words = (event.detail or {}).get("note", "")
            if (event.time, words) in own:
                own.discard((event.time, words))
            elif words and self.on_outside_note is not None:
                self.on_outside_note(words)

    def flush(self) -> None:
        """Write what is queued now (tests, and before a report)."""
        self._flush()


def start_session(store, participant: str, facilitator: str | None = None, *,
                  protocol: Protocol | None = None, record_speech: bool = False,
                  **options: Any) -> StudyRecorder:
    """Check the codes, open the session in the store and return its recorder (which records
    nothing until the participant agrees). Raises ``StudyProblem`` for a code that is not one."""
    participant = check_code(participant)
    if facilitator:
        facilitator = check_code(facilitator, facilitator=True)
    session_id = store.start_study_session(
        participant, facilitator or None, protocol=protocol.title if protocol else None,
        record_speech=record_speech)
    return StudyRecorder(store, session_id, participant, protocol=protocol,
                         record_speech=record_speech, **options)


def compact_positions(positions: Iterable[int]) -> str:
    """Photo positions as a decision over many photos keeps them: [1, 2, 3, 7, 9, 10] ->
    "1-3,7,9-10" (the list's positions, never names)."""
    runs: list[list[int]] = []
    for position in sorted(set(positions)):
        if runs and position == runs[-1][1] + 1:
            runs[-1][1] = position
        else:
            runs.append([position, position])
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in runs)
