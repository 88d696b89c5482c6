"""The one helper that runs an application-layer operation for the window (as Anki's
``CollectionOp``): off the UI thread when it may be slow, a failure said in words (never a
traceback), and the window refreshed from the outcome's ``Changes`` before its sentence is
said ("saved" is said only after the commit).

Operations run one at a time, in the order asked, on one worker thread, so two quick key
presses are decided in the order they were pressed. Long jobs that report progress (an
export of photos, seconds per redacted copy) run on a second worker of their own through
``run_long``, so a decision is never held up behind them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from accessshare.app.results import Changes, Outcome
from accessshare.ui.consent_host import ConsentHost

Work = Callable[[], Outcome]
Failed = Callable[[Exception], str]  # the sentence for a failure
Done = Callable[[Outcome], None]
Report = Callable[[object], None]  # a long job's progress, carried to the UI thread
LongWork = Callable[[Report], Outcome]


class _Relay(QObject):
    """Carries a worker's progress and result back to the UI thread (queued signals)."""

    finished = Signal(object, object)  # (outcome or None, error or None)
    progress = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, relay: _Relay):
        super().__init__()
        self.work, self.relay = work, relay

    def run(self) -> None:
        try:
            outcome = self.work()
        except Exception as error:  # noqa: BLE001 - every failure is said, never lost
            self.relay.finished.emit(None, error)
            return
        self.relay.finished.emit(outcome, None)


class OperationRunner:
    def __init__(self, host: ConsentHost, *, play_saved: Callable[[], None] | None = None):
        self.host = host
        self.play_saved = play_saved or (lambda: None)
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)  # in the order asked
        self.long_pool = QThreadPool()
        self.long_pool.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run(self, work: Work, *, failed: Failed, background: bool = False,
            done: Done | None = None, committed: Done | None = None) -> None:
        """Run ``work``; call ``committed`` (the outcome, before the screen changes: a study
        session records where the photo was), refresh what its outcome changed, play the saved
        cue, say its sentence, then call ``done``. ``background`` for what may take long (many
        photos, deletion): the UI thread stays free, and the result arrives as a queued signal."""
        if not background:
            try:
                outcome = work()
            except Exception as error:  # noqa: BLE001 - every failure is said, never lost
                self._say(failed(error))
                return
            self._finish(outcome, done, committed)
            return
        relay = self._relay(failed, done, committed)
        self.pool.start(_Job(work, relay))

    def run_long(self, work: LongWork, *, failed: Failed, progress: Report,
                 done: Done | None = None) -> None:
        """Run ``work(report)`` on the long jobs' worker: each ``report(value)`` reaches
        ``progress`` on the UI thread; then the outcome is handled as ``run`` does."""
        relay = self._relay(failed, done, None)
        relay.progress.connect(progress)
        self.long_pool.start(_Job(lambda: work(relay.progress.emit), relay))

    def _relay(self, failed: Failed, done: Done | None, committed: Done | None) -> _Relay:
        relay = _Relay()
        self._relays.add(relay)

        def arrived(outcome: Outcome | None, error: Exception | None) -> None:
            self._relays.discard(relay)
            if error is not None or outcome is None:
                self._say(failed(error or RuntimeError("no result")))
            else:
                self._finish(outcome, done, committed)

        relay.finished.connect(arrived)
        return relay

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Wait for operations still running (closing the window)."""
        return self.pool.waitForDone(milliseconds) and self.long_pool.waitForDone(milliseconds)

    def _finish(self, outcome: Outcome, done: Done | None, committed: Done | None) -> None:
        if committed is not None:
            committed(outcome)
        self.refresh(outcome.changes)
        if outcome.saved:
            self.play_saved()
        self._say(outcome.sentence)
        if done is not None:
            done(outcome)

    def refresh(self, changes: Changes) -> None:
        """One photo's item, or the whole list at once (a decision over 10,000 photos would
        otherwise send 10,000 separate updates)."""
        for photo_id in changes.removed:
            self.host.remove_photo(photo_id)
        if changes.all_photos or len(changes.photo_ids) > 1:
            self.host.refresh_all_photos()
        elif changes.photo_ids:
            self.host.refresh_photo(changes.photo_ids[0])

    def _say(self, text: str) -> None:
        if text:
            self.host.announcer.announce(text)
