"""Describing photos in lower-priority child processes, the photos asked for first.

The app and ``accessshare describe --workers N`` both use ``DescribeService``:

- Models run in 1..N describer processes (``describe.describer_process``), started with the
  'spawn' method when a photo first needs them, at lower priority, each with a fair share of
  the cores for onnxruntime. A window whose describer ran on threads in its own process lost
  the Down key for 120-170 ms at a time to the interpreter lock and to onnxruntime's threads.
- One thin thread here hands out the photos, one per idle process, in order of priority: those
  asked for (the photo under focus, then its neighbours), then the rest. It looks each one up
  in the description cache first, so a described photo never waits for a process; it caches
  what the processes find (one writer for SQLite), phrases it with a parent-side ``Describer``
  that never runs a model, and hands results over in batches.
- A process that dies, or takes longer than ``deadline`` seconds on one photo, is stopped and
  replaced; the photo is reported as not described, with the reason, and tried once more
  after the others. A photo that stops the describer twice is not tried again.
"""

from __future__ import annotations

import collections
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_ready
from typing import Any

from accessshare.describe.describer_process import DescriberSpec, cannot_describe, child_main

__all__ = ["DescriberSpec", "DescribeService", "Described", "NotDescribed", "DescriberReady",
           "DescriberUnavailable", "PhotoQueue", "describe_in_order"]

PHOTO_DEADLINE_SECONDS = 120.0  # generous: a slow photo on a busy machine is not a hang
START_DEADLINE_SECONDS = 180.0  # spawning an interpreter and loading every model
IDLE_SECONDS = 60.0  # an idle describer process is stopped to give back its memory
TRIES_PER_PHOTO = 2
STARTS_IN_A_ROW = 3  # processes that stopped before they were ready, before giving up
STOPS_IN_A_ROW = 5  # photos in a row that stopped the describer, before giving up
BATCH_SIZE = 64
BATCH_SECONDS = 0.1
STOPPED = "the describer stopped"


@dataclass
class Described:
    photo: Any  # PhotoInfo
    description: object  # pipeline.Description


@dataclass
class NotDescribed:
    photo: Any  # PhotoInfo
    reason: str  # a plain phrase: "the describer stopped", "x.jpg is cut short ..."
    final: bool = True  # False when the photo will be tried once more


@dataclass
class DescriberReady:
    note: str  # e.g. why a caption model cannot be used; "" when all is well


@dataclass
class DescriberUnavailable:
    message: str  # "Photos cannot be described: ..."


@dataclass
class _Found:
    """Findings of the models, from the cache or a describer process, not yet phrased."""

    photo: Any  # PhotoInfo
    findings: dict


class PhotoQueue:
    """Photos waiting: those asked for first, in the order asked, then the rest as added."""

    def __init__(self):
        self._pending: collections.OrderedDict[str, object] = collections.OrderedDict()
        self._priority: list[str] = []

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, photo_id: str) -> bool:
        return photo_id in self._pending

    def add(self, photos: Iterable) -> None:
        for photo in photos:
            self._pending[photo.id] = photo

    def add_last(self, photo) -> None:
        self._pending.pop(photo.id, None)
        self._pending[photo.id] = photo

    def prioritise(self, photo_ids: Iterable[str]) -> None:
        """These first, in this order; a new call replaces the last one (a new focus)."""
        self._priority = [i for i in photo_ids if i in self._pending]

    def peek(self):
        while self._priority and self._priority[0] not in self._pending:
            self._priority.pop(0)
        if self._priority:
            return self._pending[self._priority[0]]
        return next(iter(self._pending.values()), None)

    def remove(self, photo_id: str):
        return self._pending.pop(photo_id, None)

    def clear(self) -> None:
        self._pending.clear()
        self._priority.clear()


class _Assembler:
    """Phrases findings with a Describer whose cache hands it exactly those findings, so it
    never runs a model in this process. Adds what depends on the dataset: near-duplicates."""

    class _Handoff:
        def __init__(self):
            self.findings: dict | None = None

        def get(self, _content_hash, _models_key):
            if self.findings is None:
                raise LookupError("no findings to phrase")
            return self.findings

        def put(self, *_args):
            raise LookupError("no findings to phrase")

    def __init__(self, spec: DescriberSpec):
        self._handoff = self._Handoff()
        self.describer = spec.build(cache=self._handoff)
        self.models_key: str = self.describer.models_key

    def describe(self, photo, findings: dict):
        self._handoff.findings = findings
        try:
            return self.describer.describe(photo)
        finally:
            self._handoff.findings = None


class _Child:
    """One describer process and the photo it is working on."""

    def __init__(self, context, spec: DescriberSpec, threads: int, background: bool):
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=child_main, args=(spec, threads, background, child_end),
                                       name="accessshare-describer", daemon=True)
        self.process.start()
        child_end.close()
        self.ready = False
        self.photo: Any = None  # a PhotoInfo while it describes one
        self.generation = 0  # the dataset its photo belongs to
        self.since = time.monotonic()  # started, or given its photo, or last idle

    @property
    def pid(self) -> int:
        pid = self.process.pid
        return pid if pid is not None else -1  # started in __init__, so always known

    def give(self, photo, generation: int) -> bool:
        try:
            self.conn.send(photo)
        except (OSError, ValueError):
            return False
        self.photo, self.generation, self.since = photo, generation, time.monotonic()
        return True

    def stop(self, wait: float = 1.0) -> None:
        """Ask it to end; if it is busy or hung, end it."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.conn.close()
        self.process.join(wait if self.photo is None and self.ready else 0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class DescribeService:
    """Describes photos in describer processes; results come to ``on_results`` in batches,
    called on the service's thread: ``Described``, ``NotDescribed``, ``DescriberReady`` and
    ``DescriberUnavailable``.

    ``cache`` has the describer's get/put protocol (``records.DescriptionCache``), used only by
    the service's thread. ``phrase=False`` hands back unphrased findings (``describe_in_order``
    phrases them in the order given). ``background`` lowers the processes' priority.
    """

    def __init__(self, spec: DescriberSpec | None = None, *, cache=None, workers: int = 1,
                 threads: int | None = None, cores_kept_free: int = 0, background: bool = True,
                 deadline: float = PHOTO_DEADLINE_SECONDS, idle_seconds: float = IDLE_SECONDS,
                 phrase: bool = True):
        self.spec = spec or DescriberSpec()
        self.cache = cache
        self.workers = max(1, workers)
        self.threads, self.cores_kept_free = threads, cores_kept_free
        self.background, self.deadline, self.idle_seconds = background, deadline, idle_seconds
        self.phrase = phrase
        self.on_results: Callable[[list], None] = lambda _results: None
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._queue = PhotoQueue()
        self._forgotten: list[str] = []  # deleted photos, for the thread to forget
        self._deleted: set[str] = set()  # their results are neither cached nor reported
        self._generation = 0  # one per dataset: results of an earlier one are not reported
        self._new_dataset = True
        self._closing = False
        self._wake_receiver, self._wake_sender = self._context.Pipe(duplex=False)
        self._woken = False
        self._thread = threading.Thread(target=self._run, name="describe-service", daemon=True)
        # Below: used by the service's thread only.
        self._children: list[_Child] = []
        self._assembler: _Assembler | None = None  # built on the service's thread
        self._described: dict[str, object] = {}  # this dataset's described photos, for twins
        self._said_twin: set[str] = set()  # those whose phrasing already names a near-duplicate
        self._remembered: dict[str, dict] = {}  # findings, when there is no cache to keep them
        self._misses: set[str] = set()  # photos known not to be in the cache
        self._tries: collections.Counter[str] = collections.Counter()
        self._given_up: dict[str, str] = {}  # photo id -> why it is not tried again
        self._starts_failed = 0
        self._stops_in_a_row = 0
        self._unavailable = False
        self._caption_note = ""
        self._batch: list = []
        self._batch_started = 0.0

    # ---- called from any thread ---------------------------------------------------------

    def start(self, on_results: Callable[[list], None] | None = None) -> None:
        if on_results is not None:
            self.on_results = on_results
        if self._thread.ident is None and not self._closing:
            self._thread.start()

    def submit(self, photos: Iterable) -> None:
        with self._lock:
            self._queue.add(photos)
        self._wake()

    def prioritise(self, photo_ids: list[str]) -> None:
        with self._lock:
            self._queue.prioritise(photo_ids)
        self._wake()

    def forget(self, photo_id: str) -> None:
        """A deleted photo: not described any more, and its twins no longer name it."""
        with self._lock:
            self._queue.remove(photo_id)
            self._forgotten.append(photo_id)
            self._deleted.add(photo_id)
        self._wake()

    def clear(self) -> None:
        """Another dataset: drop what is waiting; near-duplicates are looked for anew."""
        with self._lock:
            self._queue.clear()
            self._forgotten.clear()
            self._generation += 1
            self._new_dataset = True
        self._wake()

    def close(self, wait: float = 5.0) -> None:
        """Stop describing; no results are handed over or cached after this returns (unless
        the thread is still busy after ``wait`` seconds)."""
        with self._lock:
            self._closing = True
        self._wake()
        if self._thread.ident is not None and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._queue)

    def busy(self) -> dict[int, str]:
        """Process id -> the id of the photo it is describing (for tests and benchmarks)."""
        return {c.pid: c.photo.id for c in list(self._children) if c.photo is not None}

    def process_ids(self) -> list[int]:
        return [c.pid for c in list(self._children)]

    def _wake(self) -> None:
        with self._lock:
            if self._woken:
                return
            self._woken = True
        try:
            self._wake_sender.send_bytes(b"!")
        except OSError:
            pass

    # ---- the service's thread -----------------------------------------------------------

    def _run(self) -> None:
        try:
            self._assembler = _Assembler(self.spec)
        except Exception as error:  # noqa: BLE001 - the app keeps working without descriptions
            self.on_results([DescriberUnavailable(cannot_describe(error))])
            return
        self._caption_note = self._assembler.describer.caption_problem or ""
        self.on_results([DescriberReady(self._caption_note)])
        try:
            while not self._step():
                pass
        except Exception as error:  # noqa: BLE001 - said once; the window keeps working
            self._batch.append(DescriberUnavailable(cannot_describe(error)))
            self._flush()
        finally:
            for child in self._children:
                child.stop(wait=0)
            self._children.clear()
            self._wake_receiver.close()

    def _step(self) -> bool:
        """One round: take commands, hand out photos, wait for news; True when closing."""
        with self._lock:
            if self._closing:
                return True
            forgotten, self._forgotten = self._forgotten, []
            new_dataset, self._new_dataset = self._new_dataset, False
        if new_dataset:
            self._start_dataset()
        for photo_id in forgotten:
            self._forget(photo_id)
        more = self._hand_out()
        timeout = 0 if more else self._seconds_to_next_event()
        if not more or self._batch_due():
            self._flush()
        self._wait(timeout)
        self._check_children()
        return False

    @property
    def _assembled(self) -> _Assembler:
        """The assembler, once the service's thread has built it (before any photo is read)."""
        if self._assembler is None:
            raise RuntimeError("the describe service has not started")
        return self._assembler

    def _start_dataset(self) -> None:
        self._described.clear()
        self._said_twin.clear()
        self._misses.clear()
        self._remembered.clear()
        self._batch = [item for item in self._batch if not isinstance(item, (Described, NotDescribed))]
        if self.phrase:
            self._assembled.describer.start_dataset()

    def _hand_out(self) -> bool:
        """Serve cached photos and give the next to idle processes; True if more can be done
        at once (the batch filled up)."""
        served = 0
        while served < BATCH_SIZE:
            with self._lock:
                photo = self._queue.peek()
            if photo is None:
                return False
            if photo.id in self._given_up:
                self._take(photo)
                self._add(NotDescribed(photo, self._given_up[photo.id]))
                served += 1
                continue
            if photo.id not in self._misses:
                findings = self._cached(photo.id)
                if findings is not None:
                    self._take(photo)
                    self._found(photo, findings)
                    served += 1
                    continue
                self._misses.add(photo.id)
            if self._unavailable:
                return False
            child = next((c for c in self._children if c.ready and c.photo is None), None)
            if child is None:
                self._start_child_if_needed()
                return False
            self._take(photo)
            if not child.give(photo, self._current_generation()):
                self._requeue_first(photo)
                self._lost(child, STOPPED)
        return True

    def _current_generation(self) -> int:
        with self._lock:
            return self._generation

    def _wanted(self, photo_id: str, generation: int) -> bool:
        """Not deleted, and of the dataset open now."""
        with self._lock:
            return photo_id not in self._deleted and generation == self._generation

    def _take(self, photo) -> None:
        with self._lock:
            self._queue.remove(photo.id)
        self._misses.discard(photo.id)

    def _requeue_first(self, photo) -> None:
        with self._lock:
            self._queue.add([photo])
            self._queue.prioritise([photo.id])

    def _cached(self, photo_id: str) -> dict | None:
        if self.cache is None:
            return self._remembered.get(photo_id)
        try:
            found = self.cache.get(photo_id, self._assembled.models_key)
        except Exception:  # noqa: BLE001 - a cache that cannot be read: describe again
            return None
        return found if found and "hash" in found else None

    def _start_child_if_needed(self) -> None:
        starting = sum(not c.ready for c in self._children)
        with self._lock:
            waiting = len(self._queue)
        if len(self._children) >= self.workers or waiting <= starting:
            return
        self._children.append(_Child(self._context, self.spec, self._threads(), self.background))

    def _threads(self) -> int:
        if self.threads:
            return self.threads
        from accessshare.describe.onnx_session import threads_per_process

        return threads_per_process(self.workers, self.cores_kept_free)

    def _seconds_to_next_event(self) -> float | None:
        now = time.monotonic()
        moments = []
        for child in self._children:
            if not child.ready:
                moments.append(child.since + START_DEADLINE_SECONDS)
            elif child.photo is not None:
                moments.append(child.since + self.deadline)
            else:
                moments.append(child.since + self.idle_seconds)
        if self._batch:
            moments.append(self._batch_started + BATCH_SECONDS)
        return max(0.0, min(moments) - now) if moments else None

    def _wait(self, timeout: float | None) -> None:
        sources = [self._wake_receiver]
        for child in self._children:
            sources += [child.conn, child.process.sentinel]
        ready = wait_for_ready(sources, timeout)
        if self._wake_receiver in ready:
            with self._lock:
                self._woken = False
                while self._wake_receiver.poll():
                    self._wake_receiver.recv_bytes()
        for child in list(self._children):
            self._receive(child)

    def _receive(self, child: _Child) -> None:
        while True:
            try:
                if not child.conn.poll():
                    return
                message = child.conn.recv()
            except (EOFError, OSError):
                return  # it stopped: _check_children says so
            self._handle(child, message)

    def _handle(self, child: _Child, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            child.ready, child.since, self._starts_failed = True, time.monotonic(), 0
            note = message[1] or ""
            if note and note != self._caption_note:
                self._caption_note = note
                self._add(DescriberReady(note))
            return
        if kind == "unavailable":
            self._give_up(message[1])
            return
        photo, child.photo, child.since = child.photo, None, time.monotonic()
        if photo is None or photo.id != message[1]:
            return
        self._stops_in_a_row = 0
        with self._lock:
            deleted = photo.id in self._deleted
        if kind == "found" and not deleted:
            self._store(photo.id, message[2])
        if not self._wanted(photo.id, child.generation):
            return
        if kind == "found":
            self._found(photo, message[2])
        else:
            self._add(NotDescribed(photo, message[2]))

    def _store(self, photo_id: str, findings: dict) -> None:
        """Cache what a process found: the parent is the cache's only writer."""
        if self.cache is None:
            self._remembered[photo_id] = findings
            return
        try:
            self.cache.put(photo_id, self._assembled.models_key, findings)
        except Exception:  # noqa: BLE001 - not cached: it is described again next time
            self._remembered[photo_id] = findings

    def _check_children(self) -> None:
        now = time.monotonic()
        for child in list(self._children):
            if not child.process.is_alive():
                self._lost(child, STOPPED)
            elif not child.ready and now - child.since > START_DEADLINE_SECONDS:
                self._lost(child, STOPPED)
            elif child.photo is not None and now - child.since > self.deadline:
                self._lost(child, f"{STOPPED}: it took longer than {self.deadline:.0f} seconds")
            elif child.photo is None and child.ready and now - child.since > self.idle_seconds:
                with self._lock:
                    waiting = len(self._queue)
                if not waiting:
                    self._children.remove(child)
                    child.stop()

    def _lost(self, child: _Child, reason: str) -> None:
        """A process that died or hung: end it; its photo is reported and maybe tried again."""
        self._receive(child)  # a result sent just before it died still counts
        if child in self._children:
            self._children.remove(child)
        photo, was_ready, generation = child.photo, child.ready, child.generation
        child.stop(wait=0)
        if not was_ready:
            self._starts_failed += 1
            if self._starts_failed >= STARTS_IN_A_ROW:
                self._give_up(cannot_describe(f"{STOPPED} while starting"))
            return
        if photo is None or not self._wanted(photo.id, generation):
            return
        self._tries[photo.id] += 1
        again = self._tries[photo.id] < TRIES_PER_PHOTO
        if again:
            with self._lock:
                self._queue.add_last(photo)
        else:
            reason = f"{reason}; it was tried twice"
            self._given_up[photo.id] = reason
        self._add(NotDescribed(photo, reason, final=not again))
        self._stops_in_a_row += 1
        if self._stops_in_a_row >= STOPS_IN_A_ROW:
            self._give_up(cannot_describe(f"{STOPPED} on {STOPS_IN_A_ROW} photos in a row"))

    def _give_up(self, message: str) -> None:
        if not self._unavailable:
            self._unavailable = True
            self._add(DescriberUnavailable(message))

    def _found(self, photo, findings: dict) -> None:
        if not self.phrase:
            self._add(_Found(photo, findings))
            return
        self._add_description(photo, findings)
        # An earlier photo that already names a near-duplicate stays true; re-phrasing every
        # twin each time made a burst of 10,000 similar photos cost O(n) phrasings per photo.
        for twin_id in self._assembled.describer.twins_of(photo.id):
            if twin_id not in self._said_twin:
                self._rephrase(twin_id)

    def _add_description(self, photo, findings: dict) -> None:
        try:
            description = self._assembled.describe(photo, findings)
        except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
            self._add(NotDescribed(photo, f"the describer failed ({error})"))
            return
        self._described[photo.id] = photo
        if "duplicate" in getattr(description, "quality", ()):
            self._said_twin.add(photo.id)
        else:
            self._said_twin.discard(photo.id)
        self._add(Described(photo, description))

    def _rephrase(self, photo_id: str) -> None:
        """A photo described earlier, re-phrased now that a near-duplicate came or went."""
        photo = self._described.get(photo_id)
        findings = self._cached(photo_id) if photo is not None else None
        if findings is not None:
            self._add_description(photo, findings)

    def _forget(self, photo_id: str) -> None:
        if not self.phrase:
            return
        describer = self._assembled.describer
        twins = describer.twins_of(photo_id)
        describer.forget_photo(photo_id)
        self._described.pop(photo_id, None)
        self._said_twin.discard(photo_id)
        self._remembered.pop(photo_id, None)
        for twin_id in twins:
            self._rephrase(twin_id)

    def _add(self, item) -> None:
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(item)

    def _batch_due(self) -> bool:
        return bool(self._batch) and (len(self._batch) >= BATCH_SIZE
                                      or time.monotonic() - self._batch_started >= BATCH_SECONDS)

    def _flush(self) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        with self._lock:
            if self._closing:
                return
        self.on_results(batch)


def describe_in_order(photos: list, service: DescribeService,
                      on_note: Callable[[str], None] | None = None) -> Iterator:
    """Describe ``photos`` with ``service`` (not yet started, made with ``phrase=False``),
    yielding a ``Described`` or a final ``NotDescribed`` for each, in the given order: the later
    photo of a near-duplicate pair then names the earlier, however the processes' timing falls.
    ``on_note`` hears, once each, why a caption model cannot be used."""
    import queue

    arrived: queue.Queue = queue.Queue()
    assembler = _Assembler(service.spec)
    notes: set[str] = set()

    def note(text: str) -> None:
        if text and text not in notes and on_note is not None:
            notes.add(text)
            on_note(text)

    note(assembler.describer.caption_problem or "")
    def hand_over(batch: list) -> None:
        for item in batch:
            arrived.put(item)

    service.start(hand_over)
    service.submit(photos)
    outcomes: dict[str, object] = {}
    still_to_show = collections.Counter(photo.id for photo in photos)  # a copy shares its outcome
    try:
        for photo in photos:
            while photo.id not in outcomes:
                item = arrived.get()
                if isinstance(item, DescriberUnavailable):
                    raise DescribeUnavailable(item.message)
                if isinstance(item, DescriberReady):
                    note(item.note)
                elif isinstance(item, _Found) or (isinstance(item, NotDescribed) and item.final):
                    outcomes[item.photo.id] = item
            outcome = outcomes[photo.id]
            still_to_show[photo.id] -= 1
            if not still_to_show[photo.id]:
                del outcomes[photo.id]
            yield _phrased(assembler, photo, outcome)
    finally:
        service.close()


def _phrased(assembler: _Assembler, photo, outcome):
    if isinstance(outcome, NotDescribed):
        return NotDescribed(photo, outcome.reason)
    try:
        return Described(photo, assembler.describe(photo, outcome.findings))
    except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
        return NotDescribed(photo, f"the describer failed ({error})")


class DescribeUnavailable(Exception):
    """The describer cannot run at all; ``str()`` is one plain sentence."""
