"""Background work for the window: scanning, describing, photo previews, starting the voice.

Each worker runs on its own daemon thread and talks to the UI thread only through Qt signals
(queued across threads), so nothing slow ever runs on the UI thread.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from PIL import ImageEnhance, ImageOps
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage

from accessshare.describe.service import Described, DescriberReady, DescriberUnavailable
from accessshare.library import ImageProblem, PhotoInfo, Problem, iter_scan, open_upright
from accessshare.library.scanner import default_index_dir
from accessshare.sentences import en

FIRST_BATCH = 16  # photos: a screenful, listed as soon as they are found
SCAN_BATCH = 64  # photos in each later batch, at least (more while the window is busy)
SCAN_BATCH_MOST = 1024  # photos held back for a window that has not taken the last batch
SCAN_BATCH_SECONDS = 0.1  # what was found is sent at least this often
TAKEN_WAIT_SECONDS = 5.0  # a window that takes no batch for this long is not waited for
_SCAN_ENDED = object()
PREVIEW_SIDE = 2048


class ScanWorker(QObject):
    """Scans a dataset folder; photos arrive in batches so the first ones show at once.

    The scanner yields photos in their final order as it finds them; the first batch is sent
    as soon as it fills a screen. The next is sent only once the window has taken the last
    (``batch_taken``), growing meanwhile: the window reads the photos' consent states without
    waiting for this thread's next write to the store, and never has batches piling up."""

    # Every signal carries the scan's number, so results of a dataset closed meanwhile are
    # recognised and dropped.
    photos_found = Signal(int, list)
    problems_found = Signal(int, list)
    finished = Signal(int, float)  # seconds taken
    failed = Signal(int, str)

    def __init__(self, folder: Path, paths, store=None, number: int = 0):
        super().__init__()
        self.folder, self.paths, self.store = Path(folder), paths, store
        self.number = number
        self.cancelled = False
        self._taken = threading.Event()
        self._taken.set()
        self._batches = 0
        self._thread = threading.Thread(target=self._run, name="scan", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def batch_taken(self) -> None:
        """The window has listed the last batch (called on the UI thread)."""
        self._taken.set()

    def _run(self) -> None:
        started = time.monotonic()
        try:
            self._scan()
        except Exception as error:  # noqa: BLE001 - any failure is said to the user
            self.failed.emit(self.number, f"Could not open {self.folder}: {error}")
            return
        self.finished.emit(self.number, time.monotonic() - started)

    def _scan(self) -> None:
        found: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._iterate, args=(found,), name="scan-items",
                         daemon=True).start()
        photos: list[PhotoInfo] = []
        problems: list[Problem] = []
        last_flush = time.monotonic()
        while True:
            try:
                item = found.get(timeout=SCAN_BATCH_SECONDS)
            except queue.Empty:
                item = None  # nothing new (a slow folder): what was found is still sent
            if item is _SCAN_ENDED or self.cancelled:
                break
            if isinstance(item, BaseException):
                raise item
            if item is not None:
                (photos if isinstance(item, PhotoInfo) else problems).append(item)
            if len(photos) >= SCAN_BATCH_MOST:
                self._wait_until_taken()
            if self._due(photos, problems, last_flush):
                self._flush(photos, problems)
                photos, problems, last_flush = [], [], time.monotonic()
        self._wait_until_taken()
        self._flush(photos, problems)

    def _iterate(self, found: queue.SimpleQueue) -> None:
        """The scanner's items, as they come, for ``_scan`` (which sends them on time even
        while the scanner waits for a slow folder)."""
        try:
            for item in iter_scan(self.folder, index_dir=default_index_dir(self.paths.data_dir)):
                if self.cancelled:
                    break  # closes the scan: its index keeps what it learnt
                found.put(item)
        except Exception as error:  # noqa: BLE001 - raised again on the scan's thread
            found.put(error)
        found.put(_SCAN_ENDED)

    def _due(self, photos: list, problems: list, last_flush: float) -> bool:
        if not self._taken.is_set():
            return False
        wanted = FIRST_BATCH if self._batches == 0 else SCAN_BATCH
        return len(photos) >= wanted or (
            bool(photos or problems) and time.monotonic() - last_flush > SCAN_BATCH_SECONDS)

    def _wait_until_taken(self) -> None:
        deadline = time.monotonic() + TAKEN_WAIT_SECONDS
        while not self.cancelled and time.monotonic() < deadline:
            if self._taken.wait(0.05):
                return

    def _flush(self, photos: list, problems: list) -> None:
        if self.cancelled:
            return
        if photos:
            self._remember(photos)
            self._taken.clear()
            self._batches += 1
            self.photos_found.emit(self.number, photos)
        if problems:
            self.problems_found.emit(self.number, problems)

    def _remember(self, photos: list) -> None:
        if self.store is None:
            return
        try:
            self.store.upsert_photos(self.folder, photos)
        except Exception:  # noqa: BLE001 - decisions upsert again; the list must still show
            pass


class DescribeWorker(QObject):
    """Adapts the Qt-free ``describe.service.DescribeService`` to signals. The service runs
    the models in a lower-priority process and hands results over on its own thread, in
    batches; here they become one queued signal per batch, so the window takes a batch in one
    go between key presses."""

    described = Signal(list)  # [(photo id, Description or None, why it could not be described)]
    ready = Signal(str)  # describing can start; a note (e.g. a caption model problem) or ""
    unavailable = Signal(str)  # the describer cannot run at all

    def __init__(self, make_service):
        super().__init__()
        self.service = make_service()
        self._stopped = False

    def start(self) -> None:
        if not self._stopped:
            self.service.start(self._hand_over)

    def enqueue(self, photos) -> None:
        self.service.submit(photos)

    def prioritise(self, photo_ids: list[str]) -> None:
        self.service.prioritise(photo_ids)

    def forget(self, photo_id: str) -> None:
        """A deleted photo: not described any more, and its twins no longer name it."""
        self.service.forget(photo_id)

    def clear(self) -> None:
        self.service.clear()

    def stop(self, wait_seconds: float = 0.0) -> None:
        """No more descriptions; the describer processes end. Waits up to ``wait_seconds`` for
        the service's thread, so nothing writes to a store the window is about to close."""
        self._stopped = True
        self.service.close(wait_seconds)

    @property
    def remaining(self) -> int:
        return self.service.remaining

    def _hand_over(self, batch: list) -> None:
        results = []
        for item in batch:
            if isinstance(item, Described):
                results.append((item.photo.id, item.description, ""))
            elif isinstance(item, DescriberReady):
                self._emit(self.ready, item.note)
            elif isinstance(item, DescriberUnavailable):
                self._emit(self.unavailable, item.message)
            else:
                results.append((item.photo.id, None, item.reason))
        if results:
            self._emit(self.described, results)

    def _emit(self, signal, *args) -> None:
        """Emit unless stopped: after the window closes there is nobody left to tell."""
        if self._stopped:
            return
        try:
            signal.emit(*args)
        except RuntimeError:  # the window and this worker's Qt side are already gone
            self._stopped = True


class AfterRemovalWorker(QObject):
    """Makes a photo's redacted copy in memory and describes it again (describe.redaction), on
    a thread: what would be shared, heard and seen before deciding. Nothing is written.

    The window's describer runs in another process, so this keeps a describer of its own in the
    app's process, built on its thread the first time it is asked for (models load in a few
    seconds, never on the UI thread) and kept for the next photo."""

    heard = Signal(str, str, list, bytes)  # photo id, sentence, details, the copy's bytes (or b"")

    def __init__(self, make_describer):
        super().__init__()
        self._make_describer = make_describer  # () -> a Describer; called on this worker's thread
        self._describer = None
        self._lock = threading.Lock()  # one copy at a time: they share one describer

    def request(self, photo: PhotoInfo, kinds, verbosity: str) -> None:
        threading.Thread(target=self._run, args=(photo, kinds, verbosity),
                         name="after-removal", daemon=True).start()

    def _run(self, photo: PhotoInfo, kinds, verbosity: str) -> None:
        from accessshare.describe.redaction import Redactor

        try:
            with self._lock:
                if self._describer is None:
                    self._describer = self._make_describer()
                result = Redactor(self._describer).redact(photo, kinds)
            sentence, details = result.spoken(verbosity)
            data = result.data or b""
        except Exception as error:  # noqa: BLE001 - said, and the app keeps working
            sentence, details, data = en.copy_not_made(photo.path.name, error), [], b""
        try:
            self.heard.emit(photo.id, sentence, details, data)
        except RuntimeError:  # the window is gone
            pass


class PreviewLoader(QObject):
    """Decodes the photo to show, on a thread; only the newest request is kept."""

    loaded = Signal(str, QImage, QImage)  # photo id, the preview, and it fitted to the asked size
    failed = Signal(str, str)

    def __init__(self):
        super().__init__()
        self._request: tuple[PhotoInfo, bool, QSize] | None = None
        self._condition = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="preview", daemon=True)
        self._thread.start()

    def request(self, photo: PhotoInfo, high_contrast: bool, fit: QSize | None = None) -> None:
        """``fit``: also scale it to fit this size here, off the UI thread (smooth scaling of a
        large preview held the UI thread while a screen reader was reading the new photo)."""
        with self._condition:
            self._request = (photo, high_contrast, fit or QSize())
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._request is None:
                    self._condition.wait()
                photo, high_contrast, fit = self._request
                self._request = None
            try:
                image = preview_image(photo.path, high_contrast)
                fitted = (image.scaled(fit, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
                          if fit.isValid() and not fit.isEmpty() else QImage())
            except ImageProblem as problem:
                self.failed.emit(photo.id, str(problem))
            except Exception as error:  # noqa: BLE001 - a bad preview must not end the loader
                self.failed.emit(photo.id, f"{photo.path.name} could not be shown: {error}")
            else:
                self.loaded.emit(photo.id, image, fitted)


def preview_image(path: Path, high_contrast: bool) -> QImage:
    picture = open_upright(path, max_side=PREVIEW_SIDE)
    if high_contrast:  # stretch the histogram and sharpen edges for low vision
        picture = ImageEnhance.Contrast(ImageOps.autocontrast(picture, cutoff=2)).enhance(1.4)
    width, height = picture.size
    data = picture.tobytes("raw", "RGB")
    return QImage(data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class SpeakerStarter(QObject):
    """Starts the app's own voice on a thread (probing audio can take seconds)."""

    started = Signal(object)  # the Speaker

    def __init__(self, make_speaker):
        super().__init__()
        self._make_speaker = make_speaker
        self._thread = threading.Thread(target=self._run, name="speaker-start", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            speaker = self._make_speaker()
            if speaker is not None:
                speaker.wait_ready(10)
        except Exception:  # noqa: BLE001 - no voice: the screen reader still speaks everything
            speaker = None
        self.started.emit(speaker)
