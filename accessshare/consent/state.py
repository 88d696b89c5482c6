"""What is shared now, derived from the events of the chain that verify, and from nothing else.

``ConsentState.load(store)`` reads the whole chain once, checks every link, every hash and the
heads kept outside the chain (``RecordStore.verify``), and folds each verified event into:

- the latest decision per (photo, purpose) and per (folder, purpose);
- every consent event of each photo and each folder, in order (history and undo);
- the latest deletion of each content hash.

If the chain fails verification, ``verified.ok`` is False and every photo is ``UNVERIFIED``:
not shared, whatever its events say. ``refresh()`` extends a loaded state with the events
appended since, checking that each follows from the head already verified.

The rules, per photo and purpose (states after ISO/IEC TS 27560, plus two of our own):

1. the photo's own latest decision counts, unless it hands the photo back to its folder
   (``inherit``, written by undo);
2. else the latest default of the folder the photo is in;
3. else ``pending``.

A deletion (from its request on) ends every decision about that content made before it,
folder defaults included, for good: until a decision about that photo is made after the
deletion, it is ``DELETED`` ("deleted earlier; not shared"), even when the same bytes come
back. Which folder a photo is in comes from where its file is (the scan, or the path checked
at export), never from an unchained column of the database.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from accessshare.consent.conditions import redaction_of
from accessshare.records import RecordStore, VerifyReport
from accessshare.vocabulary import ConsentStatus, DecidedBy

PENDING = ConsentStatus.PENDING
DELETED = ConsentStatus.DELETED  # the content was deleted after every decision about it
UNVERIFIED = ConsentStatus.UNVERIFIED  # the chain failed verification: nothing counts as shared


class Effective(NamedTuple):
    """The state that counts now for one photo and purpose, and where it comes from (a tuple:
    made for every photo and purpose shown)."""

    purpose: str
    state: str
    source: DecidedBy
    event_hash: str | None = None  # the event that decided it
    redact: tuple[str, ...] = ()  # shared on condition that these are removed (sorted kinds)


class Step(NamedTuple):
    """One verified consent event, with what state, history and undo need of it (a tuple:
    made once per event of the chain, so it must be cheap)."""

    seq: int
    time: str
    scope: str
    photo_hash: str | None
    dataset: str | None
    purpose: str
    state: str
    reason: str | None
    hash: str
    inherit: bool
    detail: str | None  # the event's detail as stored (JSON), read only when undo needs it
    redact: tuple[str, ...] = ()  # the condition of a decision to share: kinds to remove

    @property
    def target(self) -> tuple:
        return (self.scope, self.photo_hash, self.dataset, self.purpose)

    @property
    def decision(self) -> str | None:
        return _text(event_detail(self._asdict()).get("decision"))

    @property
    def undoes(self) -> str | None:
        return _text(event_detail(self._asdict()).get("undoes"))


@dataclass
class ConsentState:
    verified: VerifyReport
    photo_steps: dict[str, list[Step]] = field(default_factory=dict)
    folder_steps: dict[str, list[Step]] = field(default_factory=dict)
    latest_photo: dict[tuple[str, str], Step] = field(default_factory=dict)
    latest_folder: dict[tuple[str, str], Step] = field(default_factory=dict)
    deleted_at: dict[str, int] = field(default_factory=dict)  # hash -> seq of its last deletion
    deletion_status: dict[str, tuple[int, str]] = field(default_factory=dict)  # hash -> (seq, status)
    deletion_seqs: dict[str, list[int]] = field(default_factory=dict)
    purposes_seen: set[str] = field(default_factory=set)  # every purpose a photo was decided for

    @classmethod
    def load(cls, store: RecordStore) -> "ConsentState":
        state = cls(VerifyReport(True, 0, None, ""))
        state.verified = store.verify(fold=state.fold)
        return state

    def refresh(self, store: RecordStore) -> None:
        """Add the events appended since this state was read, if they follow from it."""
        if not self.verified.ok:
            return
        report = store.verify_after(self.verified.head_seq, self.verified.head_hash, self.fold)
        if not report.ok:
            self.verified = report
        elif report.head_seq != self.verified.head_seq:
            self.verified = VerifyReport(True, report.head_seq, None,
                                         f"Chain intact: {report.head_seq} events verified.",
                                         report.head_seq, report.head_hash)

    # Folding verified events ------------------------------------------------------------

    def fold(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "deletion":
            photo = event["photo_hash"]
            if event.get("status") == "requested":
                self.deleted_at[photo] = event["seq"]
                self.deletion_seqs.setdefault(photo, []).append(event["seq"])
            self.deletion_status[photo] = (event["seq"], event.get("status"))
        elif kind == "consent" and event.get("purpose") and event.get("state"):
            step = _step(event)
            if step.scope == "photo" and step.photo_hash:
                self.photo_steps.setdefault(step.photo_hash, []).append(step)
                self.latest_photo[(step.photo_hash, step.purpose)] = step
                self.purposes_seen.add(step.purpose)
            elif step.scope == "dataset" and step.dataset:
                self.folder_steps.setdefault(step.dataset, []).append(step)
                self.latest_folder[(step.dataset, step.purpose)] = step

    # Reading ----------------------------------------------------------------------------

    def batches(self) -> tuple[dict[str, list[Step]], set[str]]:
        """Every decision's events (decision id -> events, in order) and the decisions undone;
        worked out when undo asks, not for every event read."""
        steps = sorted([s for chain in (*self.photo_steps.values(), *self.folder_steps.values())
                        for s in chain], key=lambda s: s.seq)
        batches: dict[str, list[Step]] = {}
        undone: set[str] = set()
        for step in steps:
            detail = event_detail(step._asdict())
            key = _text(detail.get("decision")) or f"seq-{step.seq}"
            batches.setdefault(key, []).append(step)
            if _text(detail.get("undoes")):
                undone.add(detail["undoes"])
        return batches, undone

    @property
    def ok(self) -> bool:
        return self.verified.ok

    def effective(self, photo_hash: str, purpose: str, root: str | None) -> Effective:
        return self.effective_all(photo_hash, (purpose,), root)[purpose]

    def effective_all(self, photo_hash: str, purposes, root: str | None
                      ) -> dict[str, Effective]:
        """``effective`` for each of ``purposes``: the same rules, in one call per photo (a
        folder of 20,000 photos asks 80,000 times)."""
        if not self.verified.ok:
            return {p: Effective(p, UNVERIFIED, DecidedBy.UNVERIFIED, None) for p in purposes}
        deleted = self.deleted_at.get(photo_hash)
        latest_photo, latest_folder = self.latest_photo, self.latest_folder
        result = {}
        for purpose in purposes:
            own = latest_photo.get((photo_hash, purpose))
            if own is not None and (deleted is None or own.seq > deleted) and not own.inherit:
                result[purpose] = Effective(purpose, own.state, DecidedBy.PHOTO, own.hash, own.redact)
            elif deleted is not None:
                result[purpose] = Effective(purpose, DELETED, DecidedBy.DELETION, None)
            elif root is not None and (folder := latest_folder.get((root, purpose))) is not None:
                result[purpose] = Effective(purpose, folder.state, DecidedBy.DATASET, folder.hash, folder.redact)
            else:
                result[purpose] = Effective(purpose, PENDING, DecidedBy.NONE, None)
        return result

    def purposes_decided(self, photo_hash: str) -> set[str]:
        return {step.purpose for step in self.photo_steps.get(photo_hash, ())}

    def folder_defaults(self, root: str) -> dict[str, Step]:
        return {purpose: step for (folder, purpose), step in self.latest_folder.items()
                if folder == root}

    @property
    def roots(self) -> set[str]:
        return set(self.folder_steps)

    def root_for(self, path: str | Path | None) -> str | None:
        """The nearest folder with a default of its own that holds ``path``."""
        if path is None:
            return None
        roots = self.roots
        for parent in Path(path).parents:
            if str(parent) in roots:
                return str(parent)
        return None

    def deleted_between(self, photo_hash: str, after_seq: int, before_seq: int | None) -> bool:
        """Whether the content was deleted after ``after_seq`` (and before ``before_seq``)."""
        seqs = self.deletion_seqs.get(photo_hash, [])
        index = bisect.bisect_right(seqs, after_seq)
        return index < len(seqs) and (before_seq is None or seqs[index] < before_seq)

    def unfinished_deletions(self) -> dict[str, str]:
        """hash -> the last status of deletions not yet verified ("requested" or "done")."""
        return {h: status for h, (_seq, status) in self.deletion_status.items()
                if status in ("requested", "done")}


def _step(event: dict[str, Any]) -> Step:
    raw = event.get("detail")
    # Parsed only when it may hand the photo back or carry a condition: most details hold just
    # a decision id.
    detail = event_detail(event) if raw and ("inherit" in str(raw) or "redact" in str(raw)) else {}
    return Step(event["seq"], event.get("time") or "", event.get("scope") or "",
                event.get("photo_hash"), event.get("dataset"), event["purpose"], event["state"],
                event.get("reason"), event["hash"], bool(detail.get("inherit")),
                raw if isinstance(raw, str) or raw is None else json.dumps(raw),
                redaction_of(detail, event["state"]))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def event_detail(event: Any) -> dict[str, Any]:
    raw = event.get("detail") if isinstance(event, dict) else getattr(event, "detail", None)
    if not raw:
        return {}
    try:
        detail = json.loads(raw) if isinstance(raw, str) else raw
    except (ValueError, RecursionError):
        return {}
    return detail if isinstance(detail, dict) else {}
