"""Typed results of the application layer's operations: the sentence to say and what changed
(as Anki's ``OpChanges`` tells each screen what to refresh)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Photo(Protocol):
    """What the application layer needs of a photo (``library.PhotoInfo`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def relpath(self) -> str: ...


@dataclass(frozen=True)
class Changes:
    """What an operation changed. A screen refreshes only that."""

    photo_ids: tuple[str, ...] = ()  # photos whose consent state changed
    all_photos: bool = False  # any photo may have changed (a folder's default, its undo)
    removed: tuple[str, ...] = ()  # photos deleted for good

    @property
    def anything(self) -> bool:
        return bool(self.photo_ids or self.all_photos or self.removed)


NOTHING = Changes()


@dataclass(frozen=True)
class Outcome:
    """A finished operation: one sentence for the user, and what changed."""

    sentence: str
    changes: Changes = NOTHING
    saved: bool = False  # a decision was committed (the "saved" earcon plays)
    ok: bool = True  # False: the sentence says what went wrong
    log_damaged: bool = False  # saved to a consent log that fails verification (and said so)


@dataclass(frozen=True)
class PurposeChoice:
    """One purpose as the checklist of purposes shows it."""

    purpose_id: str
    label: str  # e.g. "Research"
    explanation: str  # one plain sentence from the form
    state_words: str  # the current state, spoken: "shared", "not shared", "not yet decided"
    checked: bool


@dataclass(frozen=True)
class FolderDecision:
    """A folder's default was decided: the sentence, and the photos still shared by a
    decision of their own (said as a second sentence when there are any)."""

    outcome: Outcome
    keeping_own: str = ""
