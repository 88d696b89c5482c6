"""What the main window's workers send: photos and problems from the scan, descriptions from
the describer. The data goes into the dataset session; the window only shows it and says it."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer

from accessshare.speech import earcons
from accessshare.ui.workers import DescribeWorker
from accessshare.ui.window_parts import WindowParts
from accessshare.vocabulary import AnnouncementKind as Kind
from accessshare.vocabulary import PhotoFilter

NEIGHBOURS = 3  # photos each side of the current one described before the rest


class WorkerFeeds(WindowParts):
    """Mixed into ``MainWindow``: the slots its scan and describe workers are connected to."""

    def _photos_found(self, number: int, photos: list) -> None:
        if number != self.session.scan_number:
            return  # a scan of a dataset that is no longer open
        try:
            self._list_photos(photos)
        finally:  # the scan sends its next batch only once this one was taken
            if self._scan_worker is not None:
                self._scan_worker.batch_taken()

    def _list_photos(self, photos: list) -> None:
        if self.consent_controller is not None:
            self.consent_controller.prefetch_states([p.id for p in photos])
        first_batch = self.model.rowCount() == 0
        self.model.add_photos(photos)
        if self._describe_worker is not None:
            self._describe_worker.enqueue(photos)
            QTimer.singleShot(0, self._describe_worker.start)
        if first_batch and self.model.rowCount():
            self._select_row(0)
        self._update_status()

    def _problems_found(self, number: int, problems: list) -> None:
        if number == self.session.scan_number:
            self.scan_problems.extend(problems)

    def _scan_finished(self, number: int, _seconds: float) -> None:
        if number != self.session.scan_number:
            return
        self.session.scan_done = True
        self.announcer.announce(self.session.opened_sentence(), Kind.STATUS, background=True,
                                recheck=partial(self.session.opened_now, number))
        self.study.dataset_opened(self.model.counts()[0])
        self._update_status()
        self._maybe_all_described()

    def _scan_failed(self, number: int, message: str) -> None:
        if number == self.session.scan_number:
            self.session.scan_done = True
            self.announcer.announce(message, Kind.ERROR, background=True)
            self._set_status(message)

    def _start_describer(self) -> None:
        if self._describe_worker is not None:
            self._describe_worker.clear()
            return
        if self.make_describer is None:
            return
        self._describe_worker = DescribeWorker(self.make_describer)
        self._describe_worker.described.connect(self._described)
        self._describe_worker.ready.connect(self._describer_ready)
        self._describe_worker.unavailable.connect(self._describer_unavailable)
        # Started when the first photos are listed: loading the describer's libraries holds
        # the interpreter for a second and would hold back the first photos.

    def _describer_ready(self, note: str) -> None:
        self.describer_ready = True
        if note:
            self.describer_note = note
            self.announcer.announce(note, Kind.ERROR, background=True)
        self._prioritise_around_current()

    def _describer_unavailable(self, message: str) -> None:
        self.describer_note = message
        self.announcer.announce(message, Kind.ERROR, background=True)
        self._set_status(message)

    def _described(self, results: list) -> None:
        """A batch of (photo id, description or None, why not): every photo first, then the
        progress once."""
        for photo_id, description, problem in results:
            if description is None:
                self.model.set_failure(photo_id, problem)
            else:
                if description.verbosity != self.settings.verbosity:
                    description = description.rephrased(self.settings.verbosity)
                self.model.set_description(photo_id, description)
            self._after_description(photo_id)
        self._description_progress()

    def _after_description(self, photo_id: str) -> None:
        current = self.current_photo()
        if current is not None and current.id == photo_id:
            self._show_details(current)
            self._say_current_if_new(current)
            self._privacy_earcon(current)
        elif self.model.filter in (PhotoFilter.PRIVACY, PhotoFilter.QUALITY):
            photo = self.session.photo(photo_id)
            if photo is not None and self.model.accepts(photo) and self.model.row_of(photo_id) is None:
                self._refilter_keeping_current()

    def _description_progress(self) -> None:
        self.announcer.announce(self.session.progress_sentence(), Kind.PROGRESS)
        self._update_status()
        self._maybe_all_described()

    def _maybe_all_described(self) -> None:
        sentence = self.session.all_described_once()
        if sentence:
            self.announcer.announce(sentence, Kind.STATUS, background=True, recheck=partial(
                self.session.all_described_now, self.session.scan_number))

    def _say_current_if_new(self, photo) -> None:
        """Say the description that arrived for the photo the user is on, once."""
        body = self.model.body(photo)
        if self.session.heard(photo.id, body):
            self.announcer.announce(body, Kind.DESCRIPTION, background=True)

    def _prioritise_around_current(self) -> None:
        if self._describe_worker is None:
            return
        row = max(0, self.photo_list.currentIndex().row())
        order = [row]
        for step in range(1, NEIGHBOURS + 1):
            order += [row + step, row - step]
        ids = [self.model.visible[r].id for r in order if 0 <= r < len(self.model.visible)]
        self._describe_worker.prioritise(ids)

    def _privacy_earcon(self, photo) -> None:
        description = self.model.descriptions.get(photo.id)
        if description is not None and description.privacy:
            earcons.play_earcon(earcons.PRIVACY_FLAG, enabled=self.settings.earcons)
