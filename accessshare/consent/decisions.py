"""Consent decisions: per photo and per dataset, per purpose, with undo and history.

Scope: a dataset default (``scope="dataset"``, keyed by the dataset's root folder) plus
per-photo overrides. The effective state of a photo for a purpose is its latest per-photo
event, else its dataset's latest default, else ``pending``. A per-photo event whose detail
holds ``"inherit": true`` (written by undo when the photo had no own decision before) hands the
photo back to the dataset default.

Every decision is appended to the records chain and committed before the call returns, with
the form's version and SHA-256. One call is one decision (all its events share a decision id
in ``detail``), so undo can restore exactly what the last decision changed, by writing new
events; nothing is ever updated or deleted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from accessshare.consent.form import ConsentForm, load_form
from accessshare.records import CONSENT_STATES, RecordStore
from accessshare.records.chain import parse_timestamp
from accessshare.records.models import ConsentEvent, Dataset, Photo

PENDING = "pending"
IN_CHUNK = 500  # hashes per IN (...) list
HISTORY_VERBS = {"given": "shared {it}", "refused": "refused {it}", "withdrawn": "withdrew {it}",
                 "pending": "set {it} back to undecided"}


@dataclass(frozen=True)
class Effective:
    """The state that counts now for one photo and purpose, and where it comes from."""

    purpose: str
    state: str
    source: str  # "photo", "dataset" or "none"
    event_hash: str | None = None  # the event that decided it


@dataclass(frozen=True)
class Undone:
    photo_hashes: tuple[str, ...]
    datasets: tuple[str, ...]
    events: int
    sentence: str


def event_detail(event: Any) -> dict[str, Any]:
    raw = event.get("detail") if isinstance(event, dict) else event.detail
    if not raw:
        return {}
    try:
        detail = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


def resolve(purpose: str, photo_event: Any | None, dataset_event: Any | None) -> Effective:
    """Latest per-photo event wins, unless it hands back to the dataset default."""
    if photo_event is not None and not event_detail(photo_event).get("inherit"):
        return Effective(purpose, _field(photo_event, "state"), "photo", _field(photo_event, "hash"))
    if dataset_event is not None:
        return Effective(purpose, _field(dataset_event, "state"), "dataset",
                         _field(dataset_event, "hash"))
    return Effective(purpose, PENDING, "none", None)


def dataset_key(root: str | Path) -> str:
    return str(Path(root).expanduser().resolve())


class Decisions:
    """The contributor's decisions over one records store and one consent form."""

    def __init__(self, store: RecordStore, form: ConsentForm | None = None,
                 actor: str | None = None):
        self.store = store
        self.form = form or load_form()
        self.actor = actor or store.contributor()

    # Purposes ---------------------------------------------------------------------------

    @property
    def purpose_ids(self) -> tuple[str, ...]:
        return self.form.purpose_ids

    def purpose_words(self, purpose_id: str) -> str:
        try:
            return self.form.purpose(purpose_id).words
        except KeyError:
            return purpose_id.replace("_", " ")

    def _checked_purposes(self, purposes: str | Iterable[str] | None) -> list[str]:
        if purposes is None:
            return list(self.purpose_ids)
        chosen = [purposes] if isinstance(purposes, str) else list(purposes)
        for purpose in chosen:
            self.form.purpose(purpose)  # raises KeyError with a plain sentence
        return chosen

    # Deciding ---------------------------------------------------------------------------

    def decide_photos(self, photo_hashes: Iterable[str], purposes: str | Iterable[str] | None,
                      state: str, *, reason: str | None = None) -> int:
        """One decision for many photos (bulk), committed in one transaction.

        Returns the number of photos decided."""
        hashes = list(dict.fromkeys(photo_hashes))
        rows = [self._row(purpose, state, photo_hash=h, reason=reason)
                for h in hashes for purpose in self._checked_purposes(purposes)]
        self._append(rows)
        return len(hashes)

    def decide_dataset(self, root: str | Path, purposes: str | Iterable[str] | None, state: str,
                       *, reason: str | None = None) -> int:
        """Set the dataset default; per-photo decisions still win. Returns purposes set."""
        chosen = self._checked_purposes(purposes)
        self._append([self._row(p, state, dataset=dataset_key(root), reason=reason)
                      for p in chosen])
        return len(chosen)

    def decide_dataset_states(self, root: str | Path, states: dict[str, str]) -> int:
        """The dataset default with each purpose's own state, as one decision (one undo step)."""
        self._checked_purposes(states)
        key = dataset_key(root)
        self._append([self._row(p, state, dataset=key) for p, state in states.items()])
        return len(states)

    def decide_states(self, photo_hashes: Iterable[str], states: dict[str, str], *,
                      reason: str | None = None) -> int:
        """One decision giving each purpose its own state, for many photos (one undo step)."""
        hashes = list(dict.fromkeys(photo_hashes))
        self._checked_purposes(states)
        self._append([self._row(p, state, photo_hash=h, reason=reason)
                      for h in hashes for p, state in states.items()])
        return len(hashes)

    def share_only(self, photo_hashes: Iterable[str], purposes: Iterable[str]) -> int:
        """Share for ``purposes`` and say no to every other purpose (the Y key), one decision.
        Saying no to a purpose that was shared withdraws it (ISO/IEC TS 27560)."""
        chosen = set(self._checked_purposes(purposes))
        return self._per_photo(photo_hashes, lambda p, old: "given" if p in chosen else refusal(old))

    def refuse_all(self, photo_hashes: Iterable[str]) -> int:
        """Say no to every purpose (the N key); shared purposes become withdrawn."""
        return self._per_photo(photo_hashes, lambda _p, old: refusal(old))

    def reset(self, photo_hashes: Iterable[str]) -> int:
        """Set every purpose back to not yet decided (the U key)."""
        return self._per_photo(photo_hashes, lambda _p, _old: PENDING)

    def _per_photo(self, photo_hashes: Iterable[str], new_state) -> int:
        hashes = list(dict.fromkeys(photo_hashes))
        current = self.effective_many(hashes)
        self._append([self._row(p, new_state(p, current[h][p].state), photo_hash=h)
                      for h in hashes for p in self.purpose_ids])
        return len(hashes)

    def _row(self, purpose: str, state: str, **target: Any) -> dict[str, Any]:
        if state not in CONSENT_STATES:
            raise ValueError(f"Unknown consent state {state!r}; use one of "
                             f"{', '.join(CONSENT_STATES)}.")
        return dict(purpose=purpose, state=state, actor=self.actor,
                    form_version=self.form.version, form_hash=self.form.sha256, **target)

    def _append(self, rows: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
        decision = f"d-{secrets.token_hex(8)}"
        for row in rows:
            row["detail"] = {"decision": decision, **(extra or {}), **row.get("detail", {})}
        self.store.append_consents(rows)

    # Reading ----------------------------------------------------------------------------

    def dataset_of(self, photo_hash: str) -> str | None:
        query = (select(Dataset.root).join(Photo, Photo.dataset_id == Dataset.id)
                 .where(Photo.content_hash == photo_hash))
        with self.store.session() as session:
            return session.scalars(query).first()

    def datasets_of(self, photo_hashes: list[str]) -> dict[str, str | None]:
        """photo hash -> its dataset's root folder, in a few queries for many photos."""
        found: dict[str, str | None] = dict.fromkeys(photo_hashes)
        with self.store.session() as session:
            for start in range(0, len(photo_hashes), IN_CHUNK):
                query = (select(Photo.content_hash, Dataset.root)
                         .join(Dataset, Photo.dataset_id == Dataset.id)
                         .where(Photo.content_hash.in_(photo_hashes[start:start + IN_CHUNK])))
                found.update({h: root for h, root in session.execute(query)})
        return found

    def effective(self, photo_hash: str, dataset: str | Path | None = None
                  ) -> dict[str, Effective]:
        """purpose -> Effective, for every purpose of the form (and any decided purpose)."""
        return self.effective_many([photo_hash], dataset)[photo_hash]

    def effective_many(self, photo_hashes: Iterable[str], dataset: str | Path | None = None,
                       datasets_of: dict[str, str | None] | None = None
                       ) -> dict[str, dict[str, Effective]]:
        """Effective states of many photos; ``dataset`` for all, or ``datasets_of`` per photo
        (otherwise each photo's dataset is looked up)."""
        hashes = list(dict.fromkeys(photo_hashes))
        latest = self.store.latest_states(hashes)
        if dataset is None and datasets_of is None:
            datasets_of = self.datasets_of(hashes)
        defaults: dict[str, dict[str, ConsentEvent]] = {}
        extra: dict[str, set[str]] = {}  # purposes decided that the form does not name
        for photo_hash, purpose in latest:
            if purpose not in self.purpose_ids:
                extra.setdefault(photo_hash, set()).add(purpose)
        result = {}
        for photo_hash in hashes:
            if dataset is not None:
                root = dataset_key(dataset)
            else:
                root = datasets_of.get(photo_hash)
            if root is not None and root not in defaults:
                defaults[root] = self.store.dataset_defaults(root)
            folder = defaults.get(root, {})
            purposes = list(self.purpose_ids) + sorted(extra.get(photo_hash, set()))
            result[photo_hash] = {p: resolve(p, latest.get((photo_hash, p)), folder.get(p))
                                  for p in purposes}
        return result

    def states(self, photo_hash: str, dataset: str | Path | None = None) -> dict[str, str]:
        return {p: e.state for p, e in self.effective(photo_hash, dataset).items()}

    def summary(self, photo_hash: str, dataset: str | Path | None = None) -> str:
        """One short sentence for a screen reader: "Shared for research, not for commercial use." """
        return self.summary_of_states(self.states(photo_hash, dataset))

    def summary_of_states(self, states: dict[str, str]) -> str:
        grouped = {state: [self.purpose_words(p) for p, s in states.items() if s == state]
                   for state in CONSENT_STATES}
        shared, refused, withdrawn, pending = (grouped[s] for s in CONSENT_STATES)
        if not shared and not refused and not withdrawn:
            return "Not yet decided."
        if not shared and not pending:
            if not withdrawn:
                return "Not shared for any purpose."
            if not refused:
                return "Withdrawn from every purpose."
        parts = []
        if shared:
            parts.append(f"shared for {join_words(shared)}")
        if refused:
            parts.append(f"not {'shared ' if not shared else ''}for {join_words(refused, 'or')}")
        if withdrawn:
            parts.append(f"withdrawn from {join_words(withdrawn)}")
        sentence = ", ".join(parts)
        if pending:
            sentence += "; other purposes not yet decided"
        return sentence[:1].upper() + sentence[1:] + "."

    def history(self, photo_hash: str, dataset: str | Path | None = None) -> list[str]:
        """Plain sentences, one per purpose: "You shared this for research on 3 March and
        withdrew it on 5 March." Dataset-wide decisions come first, as the folder's."""
        root = dataset_key(dataset) if dataset is not None else self.dataset_of(photo_hash)
        sentences = []
        if root is not None:
            sentences += _sentences(self.store.events(dataset=root, kind="consent"),
                                    self.purpose_words, "You", "the whole folder")
        sentences += _sentences(self.store.events(photo_hash=photo_hash, kind="consent"),
                                self.purpose_words, "You", "this")
        return sentences

    # Undo -------------------------------------------------------------------------------

    def undo_last(self) -> Undone | None:
        """Write new events that restore what the last not-yet-undone decision changed."""
        events = self.store.events(kind="consent")
        batch = _last_undoable(events)
        if batch is None:
            return None
        first_seq = batch[0].seq
        previous: dict[tuple, ConsentEvent] = {}  # the state each target had before the batch
        for earlier in events:
            if earlier.seq >= first_seq:
                break
            previous[_target(earlier)] = earlier
        roots = self.datasets_of([e.photo_hash for e in batch if e.scope == "photo"])
        defaults = {root: self.store.dataset_defaults(root) for root in set(roots.values()) if root}
        rows = [self._restoring_row(event, previous.get(_target(event)),
                                    defaults.get(roots.get(event.photo_hash), {}))
                for event in batch]
        undoes = event_detail(batch[0]).get("decision") or f"seq-{first_seq}"
        self._append(rows, {"undoes": undoes})
        photos = tuple(dict.fromkeys(e.photo_hash for e in batch if e.photo_hash))
        datasets = tuple(dict.fromkeys(e.dataset for e in batch if e.scope == "dataset"))
        if len(photos) == 1 and not datasets:
            sentence = f"Undone. {self.summary(photos[0])}"
        elif photos:
            sentence = f"Undone for {len(photos)} photos."
        else:
            sentence = "Undone for the whole folder."
        return Undone(photos, datasets, len(rows), sentence)

    def _restoring_row(self, event: ConsentEvent, previous: ConsentEvent | None,
                       folder_defaults: dict[str, ConsentEvent]) -> dict[str, Any]:
        target = ({"photo_hash": event.photo_hash} if event.scope == "photo"
                  else {"dataset": event.dataset})
        row = dict(purpose=event.purpose, actor=self.actor, form_version=self.form.version,
                   form_hash=self.form.sha256, reason="undo", **target)
        if previous is not None:
            row["state"] = previous.state
            if event_detail(previous).get("inherit"):
                row["detail"] = {"inherit": True}
        elif event.scope == "photo":
            # The photo followed its dataset default before: hand it back to that default.
            default = folder_defaults.get(event.purpose)
            row["state"] = default.state if default is not None else PENDING
            row["detail"] = {"inherit": True}
        else:
            row["state"] = PENDING
        return row


def _target(event: ConsentEvent) -> tuple:
    return (event.scope, event.photo_hash, event.dataset, event.purpose)


def refusal(old_state: str) -> str:
    """No to a purpose that was shared is a withdrawal; otherwise a refusal."""
    return "withdrawn" if old_state in ("given", "withdrawn") else "refused"


def _last_undoable(events: list[ConsentEvent]) -> list[ConsentEvent] | None:
    batches: dict[str, list[ConsentEvent]] = {}
    undone: set[str] = set()
    for event in events:
        detail = event_detail(event)
        key = detail.get("decision") or f"seq-{event.seq}"
        batches.setdefault(key, []).append(event)
        if "undoes" in detail:
            undone.add(detail["undoes"])
    for key in reversed(list(batches)):
        first = batches[key][0]
        if key in undone or "undoes" in event_detail(first):
            continue
        return batches[key]
    return None


def _sentences(events: list[ConsentEvent], words, who: str, what: str) -> list[str]:
    """One sentence per purpose, or per group of purposes whose decisions were the same at the
    same moments ("You refused this for training AI models and commercial use on 3 March"), so
    one keypress that decides four purposes reads as two sentences, not four."""
    by_purpose: dict[str, list[ConsentEvent]] = {}
    for event in events:
        by_purpose.setdefault(event.purpose, []).append(event)
    groups: dict[tuple[str, ...], list[str]] = {}
    for purpose, chain in by_purpose.items():
        groups.setdefault(_steps(chain, what), []).append(purpose)
    sentences = []
    for steps, purposes in groups.items():
        first, *rest = steps
        verb, when = first.split("\t")
        first = f"{verb} for {join_words([words(p) for p in purposes])} {when}"
        sentences.append(f"{who} {join_words([first, *rest])}.")
    return sentences


def _steps(chain: list[ConsentEvent], what: str) -> tuple[str, ...]:
    """"shared this\ton 3 March at 10:04", "undid that at 10:05": the time is said only when
    a day holds more than one step, and a step on the same day as the one before says just it."""
    days = [spoken_date(e.time) for e in chain]
    timed = len(set(days)) < len(days)
    steps, previous_day = [], None
    for index, (event, day) in enumerate(zip(chain, days)):
        clock = f"at {spoken_time(event.time)}" if timed else ""
        when = clock if timed and day == previous_day else f"on {day} {clock}".strip()
        verb = _verb(event).format(it=what if index == 0 else "it")
        steps.append(f"{verb}\t{when}" if index == 0 else f"{verb} {when}")
        previous_day = day
    return tuple(steps)


def _verb(event: ConsentEvent) -> str:
    if event.reason == "undo":
        return "undid that"
    if event_detail(event).get("inherit"):
        return "gave {it} back to the folder's decision"
    return HISTORY_VERBS.get(event.state, event.state + " {it}")


def spoken_date(timestamp: str, today: datetime | None = None) -> str:
    """"3 March" this year, "3 March 2025" otherwise (UTC)."""
    moment = parse_timestamp(timestamp)
    today = today or datetime.now(timezone.utc)
    day = f"{moment.day} {moment.strftime('%B')}"
    return day if moment.year == today.year else f"{day} {moment.year}"


def spoken_time(timestamp: str) -> str:
    """"10:04", in UTC like ``spoken_date``."""
    return parse_timestamp(timestamp).strftime("%H:%M")


def join_words(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name)
