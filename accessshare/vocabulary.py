"""The app's fixed vocabularies, each one ``StrEnum``: the only place their words are written.

Members are strings, so they are stored, exported and compared as the plain words they were
before (``ConsentStatus.GIVEN == "given"``); code names them by member, never by literal.
Qt-free and below every layer, like ``config``.
"""

from __future__ import annotations

from enum import StrEnum


class ConsentStatus(StrEnum):
    """A purpose's consent state. The first four are stored (ISO/IEC TS 27560); the last two
    are derived from the chain and never written."""

    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"
    DELETED = "deleted"  # the content was deleted after every decision about it
    UNVERIFIED = "unverified"  # the chain failed verification: nothing counts as shared


STORED_STATUSES: tuple[ConsentStatus, ...] = (ConsentStatus.GIVEN, ConsentStatus.REFUSED,
                                              ConsentStatus.WITHDRAWN, ConsentStatus.PENDING)


class DecidedBy(StrEnum):
    """Where a purpose's effective state comes from (a purpose's kind of decision)."""

    PHOTO = "photo"  # the photo's own decision
    DATASET = "dataset"  # the folder's default
    DELETION = "deletion"  # the content was deleted since
    UNVERIFIED = "unverified"  # the log failed verification
    NONE = "none"  # nothing decided


class Decision(StrEnum):
    """What the contributor chooses for one photo, many photos or a folder's default."""

    SHARE = "share"  # for the chosen purposes, and no to the others
    DONT_SHARE = "dont_share"  # no to every purpose (a withdrawal where it was shared)
    UNDECIDED = "undecided"  # every purpose back to not yet decided


class AnnouncementKind(StrEnum):
    """What a spoken message is, which decides its channel and whether it may wait."""

    STATUS = "status"
    DESCRIPTION = "description"
    PROGRESS = "progress"
    ERROR = "error"


class ExportKind(StrEnum):
    """The steward's exports and the check of an exported log."""

    JSON = "json"
    CSV = "csv"
    PHOTOS = "photos"
    VERIFY = "verify"


class PhotoFilter(StrEnum):
    """The Show filter of the photo list."""

    ALL = "all"
    UNDECIDED = "undecided"
    PRIVACY = "privacy"
    QUALITY = "quality"
    SHARED = "shared"
    NOT_SHARED = "not-shared"
