"""The dataset session: what the app knows about the open folder, reset together when another
folder opens (photos, descriptions, failures, flags, scan progress, what was already said).

Qt-free: the window's list model shows it, the window's workers feed it, and the sentences
about it (status, progress, "All 10 photos described") are made here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessshare.app.results import Photo
from accessshare.sentences import en
from accessshare.vocabulary import PhotoFilter

StateProvider = Callable[[str], tuple[str, bool]]  # photo id -> (spoken state, shared)


def consent_unknown(_photo_id: str) -> tuple[str, bool]:
    return en.NOT_DECIDED, False


@dataclass
class DatasetSession:
    """The open dataset. ``open(folder)`` starts a new one and forgets everything of the last."""

    root: Path | None = None
    photos: list[Any] = field(default_factory=list)  # every photo, in scan order
    descriptions: dict[str, Any] = field(default_factory=dict)  # photo id -> Description
    failures: dict[str, str] = field(default_factory=dict)  # photo id -> why not described
    filter: PhotoFilter = PhotoFilter.ALL  # kept from one dataset to the next
    scan_done: bool = False
    scan_problems: list[Any] = field(default_factory=list)  # library.Problem
    scan_number: int = 0  # the scan whose results are wanted; older ones are dropped
    said_all: bool = False  # "All N photos described" was said for this dataset
    describer_note: str = ""  # why the describer is limited or missing (not per dataset)
    state_provider: StateProvider = consent_unknown
    _flagged: set[str] = field(default_factory=set)
    _ids: set[str] = field(default_factory=set)
    _heard: dict[str, str] = field(default_factory=dict)  # photo id -> body last spoken

    # Opening --------------------------------------------------------------------------------

    def open(self, folder: str | Path) -> str:
        """Start a session for ``folder``; returns "" or why it cannot be opened."""
        path = Path(folder).expanduser()
        if not path.is_dir():
            return en.not_a_folder(path)
        self.reset(path.resolve())
        return ""

    def reset(self, root: Path | None) -> None:
        """Everything about the last dataset is forgotten at once, so nothing leaks into the
        next one (issue 13: "All N described" was never said again after a second open)."""
        self.root = root
        self.photos = []
        self._ids = set()
        self.descriptions = {}
        self.failures = {}
        self._flagged = set()
        self.scan_done = False
        self.scan_problems = []
        self.scan_number += 1
        self.said_all = False
        self._heard = {}

    @property
    def name(self) -> str:
        return self.root.name if self.root is not None else ""

    # Photos and descriptions ----------------------------------------------------------------

    def add_photos(self, photos: Iterable[Any]) -> list[Any]:
        """Photos from the scan; returns those not already listed."""
        added = [p for p in photos if p.id not in self._ids]
        self.photos.extend(added)
        self._ids.update(p.id for p in added)
        return added

    def remove_photo(self, photo_id: str) -> None:
        self.photos = [p for p in self.photos if p.id != photo_id]
        self._ids.discard(photo_id)
        self.descriptions.pop(photo_id, None)
        self._flagged.discard(photo_id)
        self.failures.pop(photo_id, None)
        self._heard.pop(photo_id, None)

    def photo(self, photo_id: str) -> Any | None:
        return next((p for p in self.photos if p.id == photo_id), None)

    def set_description(self, photo_id: str, description: Any) -> None:
        self.descriptions[photo_id] = description
        if description.privacy or description.quality:
            self._flagged.add(photo_id)
        else:
            self._flagged.discard(photo_id)
        self.failures.pop(photo_id, None)

    def set_failure(self, photo_id: str, message: str) -> None:
        self.failures[photo_id] = message

    def is_flagged(self, photo: Photo) -> bool:
        description = self.descriptions.get(photo.id)
        return bool(description and (description.privacy or description.quality))

    def privacy_reminder(self, photo_id: str) -> str:
        """What the photo gives away, said again as it is shared ("" if nothing, or not known)."""
        description = self.descriptions.get(photo_id)
        return str(description.privacy_reminder()) if description is not None else ""

    def heard(self, photo_id: str, body: str) -> bool:
        """Note that ``body`` was said for the photo; False if it was already said."""
        if self._heard.get(photo_id) == body:
            return False
        self._heard[photo_id] = body
        return True

    def forget_heard(self) -> None:
        self._heard.clear()

    # Filters and counts ---------------------------------------------------------------------

    def accepts(self, photo: Photo, filter_name: PhotoFilter | None = None) -> bool:
        chosen = filter_name or self.filter
        if chosen is PhotoFilter.ALL:
            return True
        if chosen in (PhotoFilter.PRIVACY, PhotoFilter.QUALITY):
            description = self.descriptions.get(photo.id)
            return bool(description and getattr(description, chosen.value))
        spoken, shared = self.state_provider(photo.id)
        undecided = spoken.strip() == en.NOT_DECIDED
        return {PhotoFilter.UNDECIDED: undecided, PhotoFilter.SHARED: shared,
                PhotoFilter.NOT_SHARED: not shared and not undecided}[chosen]

    def counts(self) -> tuple[int, int, int]:
        """(photos, described, flagged) over the whole dataset."""
        return len(self.photos), len(self.descriptions), len(self._flagged)

    def decision_counts(self) -> tuple[int, int, int]:
        """(shared, not shared, not yet decided) over the whole dataset."""
        shared = not_shared = undecided = 0
        for photo in self.photos:
            spoken, is_shared = self.state_provider(photo.id)
            if spoken.strip() == en.NOT_DECIDED:
                undecided += 1
            elif is_shared:
                shared += 1
            else:
                not_shared += 1
        return shared, not_shared, undecided

    def all_known(self) -> bool:
        """The scan is done and every photo is described or failed."""
        total, described, _flagged = self.counts()
        return self.scan_done and described + len(self.failures) >= total

    # Sentences ------------------------------------------------------------------------------

    def opened_sentence(self) -> str:
        total, described, flagged = self.counts()
        return en.opened(self.name, total, described, flagged,
                         [p.message for p in self.scan_problems])

    def progress_sentence(self) -> str:
        total, described, flagged = self.counts()
        return en.described_progress(described, total, flagged)

    def all_described_once(self) -> str | None:
        """"All 10 photos described: 2 flagged.", the first time it becomes true."""
        total, _described, flagged = self.counts()
        if not total or self.said_all or not self.all_known():
            return None
        self.said_all = True
        return en.all_described(total, flagged)

    def all_described_now(self, scan_number: int) -> str:
        """"All N photos described" as it is now, for the news held back since
        ``all_described_once`` (a photo deleted meanwhile changes N). "" if another dataset was
        opened since, or a photo is being described again; then it is said once that is done."""
        if scan_number != self.scan_number:
            return ""
        total, _described, flagged = self.counts()
        if not total or not self.all_known():
            self.said_all = False
            return ""
        return en.all_described(total, flagged)

    def opened_now(self, scan_number: int) -> str:
        """"Opened …" as it is now, for the news held back since the scan ended."""
        return self.opened_sentence() if scan_number == self.scan_number else ""

    def status_sentence(self, shown: int) -> str:
        if self.root is None:
            return en.NO_DATASET
        total, described, flagged = self.counts()
        return en.status_sentence(self.name, total, self.filter, shown, described, flagged,
                                  self.decision_counts(), not self.scan_done, self.describer_note,
                                  [p.message for p in self.scan_problems])

    def status_line(self) -> str:
        total, described, flagged = self.counts()
        return en.status_line(total, described, flagged, self.filter, not self.scan_done)

    def nothing_here(self) -> str:
        """Why no photo is shown."""
        if self.root is None:
            return en.NO_DATASET
        if not self.scan_done:
            return en.STILL_OPENING
        if not self.photos:
            return en.no_photos_in(self.root)
        return en.NO_MATCH

    def showing(self, shown: int) -> str:
        return en.showing(self.filter, shown)

    def filter_choices(self) -> Sequence[tuple[PhotoFilter, str]]:
        return list(en.FILTER_WORDS.items())
