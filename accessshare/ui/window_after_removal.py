"""Shift+R: the photo as it would be shared with what its decision removes, heard and seen
before deciding. The copy is made and described again on a worker thread; nothing is saved."""

from __future__ import annotations

from PySide6.QtGui import QImage

from accessshare.app.consent import KINDS
from accessshare.sentences import en
from accessshare.ui.window_parts import WindowParts
from accessshare.ui.workers import AfterRemovalWorker
from accessshare.vocabulary import AnnouncementKind as Kind


class AfterRemoval(WindowParts):
    """Mixed into ``MainWindow``: the Photo menu's "Hear it after removal"."""

    _after_removal: AfterRemovalWorker | None = None

    def hear_after_removal(self) -> None:
        """What the photo's decision removes (faces, text and location if it has no condition
        yet), said and shown."""
        photo = self._current_or_say()
        if photo is None:
            return
        if self._describe_worker is None:
            self.announcer.announce(self.describer_note or en.CANNOT_DESCRIBE_HERE, Kind.STATUS)
            return
        if self._after_removal is None:
            # The window's describer runs in another process: the copy is checked by one of
            # its own, built from the same spec on the worker's thread.
            self._after_removal = AfterRemovalWorker(self._describe_worker.service.spec.build)
            self._after_removal.heard.connect(self._heard_after_removal)
        service = getattr(self.consent_controller, "service", None)
        kinds = (service.redaction(photo.id) if service is not None else ()) or KINDS
        self._after_removal.request(photo, kinds, self.settings.verbosity)
        self.announcer.announce(en.removing_and_checking(photo.path.name), Kind.STATUS,
                                interrupt=True)

    def _heard_after_removal(self, photo_id: str, sentence: str, details: list, data: bytes) -> None:
        photo = self.current_photo()
        if photo is None or photo.id != photo_id:
            return  # the user moved on
        self.announcer.announce(sentence, Kind.DESCRIPTION, interrupt=True, asked=True)
        self.photo_view.show_copy(QImage.fromData(data) if data else None,
                                  " ".join([sentence, *details]))
