"""The window's exports (Ctrl+E), run off the UI thread by the one operation runner
(``ui.operations``): a photo export with redacted copies takes seconds per photo, and the
window must keep answering keys and saying things meanwhile.

One export at a time. Its progress is said at a calm rate ("Exported 3 of 12.") while the
export dialog is in front, or when the window is free for news (never into another dialog);
its result is always said, once, as the answer to the user's action. ``stop()`` (Escape in the
dialog) ends it between two photos: every copy written is complete and in the manifest, and
nothing partial is left (each file is written under a temporary name and renamed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QTimer, Signal

from accessshare.app.exports import Exports
from accessshare.app.results import Outcome
from accessshare.sentences import en
from accessshare.ui.announcer import something_on_top
from accessshare.ui.operations import OperationRunner, Report
from accessshare.vocabulary import AnnouncementKind as Kind
from accessshare.vocabulary import ExportKind

PROGRESS_SECONDS = 5.0  # at most one progress sentence this often
STARTED_AFTER_MS = 300  # "Exporting…" only for an export still running by then


class ExportJob(QObject):
    """Runs the exports of one ``Exports``; ``progressed`` and ``finished`` carry what the
    dialog shows (a sentence each)."""

    progressed = Signal(str)
    finished = Signal(str)

    progress_seconds = PROGRESS_SECONDS

    def __init__(self, exports: Exports, operations: OperationRunner,
                 say: Callable[[str, str], None], in_front: Callable[[], bool],
                 clock: Callable[[], float] = time.monotonic):
        """``say(text, kind)`` speaks through the announcer; ``in_front()``: the export dialog
        is what the user is in now."""
        super().__init__()
        self.exports, self.operations = exports, operations
        self._say, self._in_front, self._clock = say, in_front, clock
        self._stop = threading.Event()
        self._last_said = -PROGRESS_SECONDS
        self.running = False
        self._kind = ExportKind.PHOTOS
        self.last_progress = ""  # what the dialog shows when it is opened again meanwhile

    # ExportActions, for the dialog -------------------------------------------------------

    def purposes(self) -> list[tuple[str, str]]:
        return self.exports.purposes()

    def default_path(self, kind: str, purpose: str | None) -> Path:
        return self.exports.default_path(kind, purpose)

    # Running -------------------------------------------------------------------------------

    def start(self, kind: str, path: Path, purpose: str | None) -> bool:
        """Start an export or a check; False (and said) if one is running already."""
        if self.running:
            self._say(en.EXPORT_RUNNING, Kind.STATUS)
            return False
        self.running = True
        self._stop.clear()
        self.last_progress = ""
        self._last_said = self._clock()  # the first count comes a full interval after the start
        kind = self._kind = ExportKind(kind)

        def work(report: Report) -> Outcome:
            try:
                return self.exports.outcome(kind, path, purpose,
                                            progress=lambda done, total: report((done, total)),
                                            stop=self._stop.is_set)
            except Exception as error:  # noqa: BLE001 - every failure is one spoken sentence
                return Outcome(en.export_failed(error), ok=False)

        self.operations.run_long(work, failed=en.export_failed, progress=self._progressed,
                                 done=self._done)
        if kind is ExportKind.PHOTOS:
            QTimer.singleShot(STARTED_AFTER_MS, self, self._say_started)
        return True

    def stop(self) -> bool:
        """Stop a photo export between two photos (the result says what was exported); True
        if it is stopping now. A log export or check (quick, one file) runs to its end."""
        if not self.running or self._stop.is_set() or self._kind is not ExportKind.PHOTOS:
            return False
        self._stop.set()
        self._say(en.EXPORT_STOPPING, Kind.STATUS)
        return True

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _say_started(self) -> None:
        if self.running and not self._stop.is_set() and self._in_front():
            self.last_progress = en.EXPORT_STARTED
            self._say(en.EXPORT_STARTED, Kind.STATUS)

    def _progressed(self, value: object) -> None:
        done, total = cast(tuple[int, int], value)
        if not self.running or done == 0 or done >= total or self._stop.is_set():
            return  # the start and the end have sentences of their own
        sentence = en.export_progress(done, total)
        self.last_progress = sentence
        self.progressed.emit(sentence)
        now = self._clock()
        if now - self._last_said < self.progress_seconds:
            return
        if self._in_front():
            self._last_said = now
            self._say(sentence, Kind.STATUS)
        elif not something_on_top():  # the window: said once focus rests; never into a dialog
            self._last_said = now
            self._say(sentence, Kind.PROGRESS)

    def _done(self, outcome: Outcome) -> None:
        # The operation runner has said the sentence (always: it answers the user's action).
        self.running = False
        self.last_progress = ""
        self.finished.emit(outcome.sentence)
