"""What a steward asks of the store: which photos may be used for a purpose, what stopped
being shared since a moment, and whose logs are held. Each answer is read from an index of the
materialised current state or of the changes (never by folding every event), and each query is
recorded in the steward's log, with a hash of the answer given, in the same transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import repeat
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import text

from accessshare.library.collector import collector_paused
from accessshare.steward.store import StewardProblem, StewardStore


class AllowedPhoto(NamedTuple):
    contributor: str  # the data subject whose consent it is
    photo_hash: str
    condition: dict[str, Any] | None  # for example {"redact": ["faces", "text"]}


@dataclass(frozen=True)
class AllowedAnswer:
    purpose: str
    photos: list[AllowedPhoto]
    answer_sha256: str  # of the answer as recorded in the steward's log
    log_seq: int
    purposes_held: list[str] | None = None  # only when no log held names ``purpose``

    @property
    def sentence(self) -> str:
        if self.purposes_held is not None:
            known = ", ".join(self.purposes_held) or "none yet"
            return (f"No contributor's log names the purpose {self.purpose!r}, so no photo may "
                    f"be used for it. The purposes named are: {known}.")
        count = len(self.photos)
        conditioned = sum(1 for photo in self.photos if photo.condition)
        sentence = (f"{count} {'photo' if count == 1 else 'photos'} may be used for "
                    f"{self.purpose}")
        if conditioned:
            sentence += f", {conditioned} of them only on a condition"
        return sentence + "."


class _ConditionReader:
    """Conditions as dicts, each distinct text read once: a hundred thousand photos share a
    handful of conditions (the dicts are shared too; callers only read them)."""

    def __init__(self):
        self.read: dict[str, dict[str, Any]] = {}

    def __call__(self, condition: str | None) -> dict[str, Any] | None:
        if not condition:
            return None
        if condition not in self.read:
            self.read[condition] = json.loads(condition)
        return self.read[condition]


class Change(NamedTuple):
    time: str  # when the contributor decided it (their clock, UTC)
    imported: str  # when the steward's store learned it
    contributor: str  # the data subject
    photo_hash: str
    purpose: str
    change: str  # withdrawn, refused, pending, deleted, unlisted, or condition
    condition: dict[str, Any] | None  # the new condition, for a "condition" change


@dataclass(frozen=True)
class ChangesAnswer:
    since: str
    changes: list[Change]
    log_seq: int

    @property
    def sentence(self) -> str:
        count = len(self.changes)
        photos = len({(c.contributor, c.photo_hash) for c in self.changes})
        if not count:
            return f"Nothing stopped being shared since {self.since}."
        return (f"{count} {'change' if count == 1 else 'changes'} to act on since {self.since}, "
                f"about {photos} {'photo' if photos == 1 else 'photos'}.")


class ContributorStatus(NamedTuple):
    pseudonym: str
    fingerprint: str
    pinned_by: str  # "first use", "pin file" or "key replaced" (``steward repin``)
    pinned_at: str
    events_held: int
    last_decision: str | None  # the time of the newest event held
    last_import: str | None  # when a log last added something


def allowed(store: StewardStore, purpose: str) -> AllowedAnswer:
    """The photos whose current state for ``purpose`` is given (not refused, withdrawn,
    pending or deleted), by contributor and photo hash, with any sharing condition."""
    with collector_paused(), store.transaction() as connection:
        rows = store.plain_rows(connection, (
            "SELECT subject, photo_hash, condition FROM steward_current "
            "WHERE purpose = :purpose AND state = 'given' ORDER BY subject, photo_hash"),
            {"purpose": purpose})
        held = None
        if not rows and connection.execute(text(
                "SELECT 1 FROM steward_current WHERE purpose = :purpose LIMIT 1"),
                {"purpose": purpose}).first() is None:
            held = list(connection.execute(text(
                "SELECT DISTINCT purpose FROM steward_current ORDER BY purpose")).scalars())
        digest = hashlib.sha256("".join([
            f"{subject}\t{photo}\t{condition or ''}\n" for subject, photo, condition in rows
        ]).encode("utf-8"))
        entry = store.append_log(connection, "allowed", {
            "purpose": purpose, "photos": len(rows), "answer_sha256": digest.hexdigest()})
    with collector_paused():
        photos = _allowed_photos(rows)
    return AllowedAnswer(purpose, photos, digest.hexdigest(), entry.seq, held)


def _allowed_photos(rows: list[tuple]) -> list[AllowedPhoto]:
    """The rows as ``AllowedPhoto``s, each condition read as a dict. The rows become tuples of
    that type in C (``tuple.__new__``, not a call of the class for each); only the few with a
    condition are made again. (The caller pauses the garbage collector: walking the hundred
    thousand tuples again and again cost more than the query.)"""
    photos = list(map(tuple.__new__, repeat(AllowedPhoto), rows))
    read = _ConditionReader()
    for index in [index for index, row in enumerate(rows) if row[2] is not None]:
        subject, photo, condition = rows[index]
        photos[index] = AllowedPhoto(subject, photo, read(condition))
    return photos


def changes(store: StewardStore, since: str) -> ChangesAnswer:
    """Every photo and purpose that stopped being shared (withdrawn, refused, back to
    pending, deleted, or no longer listed) or whose condition changed, that the contributor
    decided at or after ``since`` or that the store learned at or after it; oldest first.
    ``since`` is read by ``parse_moment``."""
    moment = parse_moment(since)
    with store.transaction() as connection:
        rows = connection.execute(text(
            "SELECT time, imported, subject, photo_hash, purpose, change, condition "
            "FROM steward_changes WHERE time >= :since OR imported >= :since "
            "ORDER BY time, id"), {"since": moment}).all()
        entry = store.append_log(connection, "changes", {"since": moment, "changes": len(rows)})
    read = _ConditionReader()
    found = [Change(*row[:6], read(row[6])) for row in rows]
    return ChangesAnswer(moment, found, entry.seq)


def status(store: StewardStore) -> list[ContributorStatus]:
    """Every contributor whose key is pinned, by pseudonym."""
    with store.transaction() as connection:
        rows = connection.execute(text(
            "SELECT pseudonym, fingerprint, pinned_by, pinned_at, head_seq, last_decision, "
            "last_import FROM steward_contributors ORDER BY pseudonym")).all()
        store.append_log(connection, "status", {"contributors": len(rows)})
    return [ContributorStatus(*row) for row in rows]


def parse_moment(given: str) -> str:
    """A moment as the events write it (``2026-03-05T14:00:00.000000Z``) from that form, any
    ISO-8601 time (one without a zone is taken as UTC) or a plain date (its midnight, UTC);
    ``StewardProblem`` with one sentence for anything else."""
    typed = str(given).strip()
    try:
        if len(typed) == 10:
            moment = datetime.combine(date.fromisoformat(typed), datetime.min.time())
        else:
            moment = datetime.fromisoformat(typed)
    except ValueError:
        raise StewardProblem(f"The time {given!r} cannot be read; give a date such as "
                             "2026-03-05 or a UTC time such as 2026-03-05T14:00:00Z.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        raise StewardProblem(f"The time {given!r} is out of range; give a date such as "
                             "2026-03-05.") from None
    # Written out in full: strftime does not pad years before 1000, and the text is compared.
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z")
