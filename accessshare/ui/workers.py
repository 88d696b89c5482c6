"""Background work for the window: scanning, describing, photo previews, starting the voice.

Each worker runs on its own daemon thread and talks to the UI thread only through Qt signals
(queued across threads), so nothing slow ever runs on the UI thread.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

from PIL import ImageEnhance, ImageOps
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage

from accessshare.library import ImageProblem, PhotoInfo, Problem, iter_scan, open_upright
from accessshare.library.scanner import default_index_dir
from accessshare.sentences import en

SCAN_BATCH = 64
SCAN_BATCH_SECONDS = 0.1
PREVIEW_SIDE = 2048


class ScanWorker(QObject):
    """Scans a dataset folder; photos arrive in batches so the first ones show at once."""

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
        self._thread = threading.Thread(target=self._run, name="scan", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        try:
            self._scan()
        except Exception as error:  # noqa: BLE001 - any failure is said to the user
            self.failed.emit(self.number, f"Could not open {self.folder}: {error}")
            return
        self.finished.emit(self.number, time.monotonic() - started)

    def _scan(self) -> None:
        photos: list[PhotoInfo] = []
        problems: list[Problem] = []
        last_flush = time.monotonic()
        for item in iter_scan(self.folder, index_dir=default_index_dir(self.paths.data_dir)):
            if self.cancelled:
                return
            (photos if isinstance(item, PhotoInfo) else problems).append(item)
            if len(photos) >= SCAN_BATCH or time.monotonic() - last_flush > SCAN_BATCH_SECONDS:
                self._flush(photos, problems)
                photos, problems, last_flush = [], [], time.monotonic()
        self._flush(photos, problems)

    def _flush(self, photos: list, problems: list) -> None:
        if photos:
            self._remember(photos)
            self.photos_found.emit(self.number, sorted(photos, key=lambda p: p.relpath))
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
    """Describes photos one at a time: the ones asked for first (the current photo, then its
    neighbours), then the rest in list order."""

    described = Signal(str, object)  # photo id, Description
    failed = Signal(str, str)  # photo id, plain message
    ready = Signal(str)  # models loaded; a note (e.g. a caption model problem) or ""
    unavailable = Signal(str)  # the describer cannot run at all

    def __init__(self, make_describer):
        super().__init__()
        self._make_describer = make_describer
        self._pending: OrderedDict[str, PhotoInfo] = OrderedDict()
        self._priority: list[str] = []
        self._described: dict[str, PhotoInfo] = {}  # to re-phrase them when a twin turns up
        self._new_dataset = True  # near-duplicates are looked for within one dataset
        self._deleted: list[str] = []  # deleted photos whose twins must be re-phrased
        self._condition = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="describe", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None and not self._stopped:  # once only
            self._thread.start()

    def enqueue(self, photos) -> None:
        with self._condition:
            for photo in photos:
                self._pending[photo.id] = photo
            self._condition.notify()

    def prioritise(self, photo_ids: list[str]) -> None:
        with self._condition:
            self._priority = [i for i in photo_ids if i in self._pending]
            self._condition.notify()

    def forget(self, photo_id: str) -> None:
        """A deleted photo: not described any more, and its twins no longer name it."""
        with self._condition:
            self._pending.pop(photo_id, None)
            self._described.pop(photo_id, None)
            self._deleted.append(photo_id)
            self._condition.notify()

    def clear(self) -> None:
        with self._condition:
            self._pending.clear()
            self._priority.clear()
            self._described.clear()
            self._deleted.clear()
            self._new_dataset = True

    def stop(self, wait_seconds: float = 0.0) -> None:
        """No more descriptions; wait up to ``wait_seconds`` for the one under way to end
        (the window waits when it closes, so nothing writes to a closed store)."""
        with self._condition:
            self._stopped = True
            self._condition.notify()
        if wait_seconds and self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait_seconds)

    @property
    def remaining(self) -> int:
        return len(self._pending)

    @property
    def describer(self):
        """The loaded describer, or None before it is ready."""
        return getattr(self, "_describer", None)

    def _next(self) -> PhotoInfo | str | None:
        """The next photo to describe, or the id of a deleted photo to forget; None to stop."""
        with self._condition:
            while not self._stopped and not self._pending and not self._deleted:
                self._condition.wait()
            if self._stopped:
                return None
            if self._new_dataset:
                self._new_dataset = False
                getattr(self._describer, "start_dataset", lambda: None)()
            if self._deleted:
                return self._deleted.pop(0)
            while self._priority:
                photo = self._pending.pop(self._priority.pop(0), None)
                if photo is not None:
                    return photo
            return self._pending.popitem(last=False)[1]

    def _run(self) -> None:
        try:  # models load on first use, so cached descriptions come back at once
            describer = self._make_describer()
        except Exception as error:  # noqa: BLE001 - the app keeps working without descriptions
            self._emit(self.unavailable, f"Photos cannot be described: {error}")
            return
        self._describer = describer
        self._emit(self.ready, getattr(describer, "caption_problem", None) or "")
        while (job := self._next()) is not None:
            if isinstance(job, str):
                self._forget_deleted(describer, job)
            elif self._describe(describer, job):
                self._redescribe_twins(describer, job.id)

    def _forget_deleted(self, describer, photo_id: str) -> None:
        twins_of = getattr(describer, "twins_of", None)
        twins = twins_of(photo_id) if twins_of else []
        getattr(describer, "forget_photo", lambda _id: None)(photo_id)
        for twin_id in twins:
            with self._condition:
                twin = self._described.get(twin_id)
            if twin is not None:
                self._describe(describer, twin)

    def _describe(self, describer, photo: PhotoInfo) -> bool:
        if self._stopped:
            return False
        try:
            description = describer.describe(photo)
        except ImageProblem as problem:
            self._emit(self.failed, photo.id, str(problem))
        except Exception as error:  # noqa: BLE001 - one bad photo must not stop the rest
            self._emit(self.failed, photo.id, f"the describer failed ({error})")
        else:
            with self._condition:
                self._described[photo.id] = photo
            self._emit(self.described, photo.id, description)
            return True
        return False

    def _emit(self, signal, *args) -> None:
        """Emit unless stopped: after the window closes there is nobody left to tell."""
        if self._stopped:
            return
        try:
            signal.emit(*args)
        except RuntimeError:  # the window and this worker's Qt side are already gone
            self._stopped = True

    def _redescribe_twins(self, describer, photo_id: str) -> None:
        """A photo described earlier did not know of this near-duplicate; say it now on both.
        Its findings are cached, so this only re-phrases."""
        twins_of = getattr(describer, "twins_of", None)
        for twin_id in twins_of(photo_id) if twins_of else []:
            with self._condition:
                twin = self._described.get(twin_id)
            if twin is not None:
                self._describe(describer, twin)


class AfterRemovalWorker(QObject):
    """Makes a photo's redacted copy in memory and describes it again (describe.redaction), on
    a thread, with the describer the DescribeWorker loaded: what would be shared, heard and
    seen before deciding. Nothing is written."""

    heard = Signal(str, str, list, bytes)  # photo id, sentence, details, the copy's bytes (or b"")

    def __init__(self, describer_of):
        super().__init__()
        self._describer_of = describer_of  # () -> the loaded describer, or None

    def request(self, photo: PhotoInfo, kinds, verbosity: str) -> bool:
        """Start on ``photo``; False if the describer has not loaded yet."""
        describer = self._describer_of()
        if describer is None:
            return False
        threading.Thread(target=self._run, args=(describer, photo, kinds, verbosity),
                         name="after-removal", daemon=True).start()
        return True

    def _run(self, describer, photo: PhotoInfo, kinds, verbosity: str) -> None:
        from accessshare.describe.redaction import Redactor

        try:
            result = Redactor(describer).redact(photo, kinds)
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
