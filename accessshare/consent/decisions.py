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

Every state read here comes from ``consent.state.ConsentState``: derived from the events that
verify, with deletions ending earlier decisions for good. It is read once (one pass over the
chain) and extended with each decision, so deciding or reading 20,000 photos costs a few
queries, not a few per photo.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from accessshare.consent.conditions import parse_kinds
from accessshare.consent.form import ConsentForm, load_form
from accessshare.consent.state import (
    DELETED,
    PENDING,
    UNVERIFIED,
    ConsentState,
    Effective,
    Step,
    event_detail,
)
from accessshare.library.files import resolve_safely
from accessshare.records import CONSENT_STATES, RecordStore
from accessshare.records.chain import parse_timestamp
from accessshare.records.models import Photo
from accessshare.sentences import en
from accessshare.vocabulary import ConsentStatus, DecidedBy

IN_CHUNK = 500  # hashes per IN (...) list
HISTORY_VERBS = en.HISTORY_VERBS
NOT_VERIFIED = en.NOT_VERIFIED


@dataclass(frozen=True)
class Undone:
    photo_hashes: tuple[str, ...]
    datasets: tuple[str, ...]
    events: int
    sentence: str


def resolve(purpose: str, photo_event: Any | None, dataset_event: Any | None) -> Effective:
    """Latest per-photo event wins, unless it hands back to the dataset default (for events
    given as dicts, e.g. read back from an export)."""
    if photo_event is not None and not event_detail(photo_event).get("inherit"):
        return Effective(purpose, _field(photo_event, "state"), DecidedBy.PHOTO,
                         _field(photo_event, "hash"))
    if dataset_event is not None:
        return Effective(purpose, _field(dataset_event, "state"), DecidedBy.DATASET,
                         _field(dataset_event, "hash"))
    return Effective(purpose, PENDING, DecidedBy.NONE, None)


def dataset_key(root: str | Path) -> str:
    return _dataset_key(str(root))


@lru_cache(maxsize=256)
def _dataset_key(root: str) -> str:  # asked once per photo of a folder shown
    return str(resolve_safely(Path(root).expanduser()))


class Decisions:
    """The contributor's decisions over one records store and one consent form."""

    def __init__(self, store: RecordStore, form: ConsentForm | None = None,
                 actor: str | None = None):
        self.store = store
        self.form = form or load_form()
        self.actor = actor or store.contributor()
        self._state: ConsentState | None = None
        # The first read runs on a worker thread (the window's log check) while the UI may ask.
        self._state_lock = threading.Lock()
        self._purpose_ids = self.form.purpose_ids
        self._words = {p.id: p.words for p in self.form.purposes}
        self._summaries: dict[tuple, str] = {}

    def state(self) -> ConsentState:
        """The verified state, read on first use and then extended with what was appended."""
        with self._state_lock:
            if self._state is None:
                self._state = ConsentState.load(self.store)
            else:
                self._state.refresh(self.store)
            return self._state

    def reload(self) -> ConsentState:
        """Verify the whole chain again (before an export, say)."""
        self._state = None
        return self.state()

    # Purposes ---------------------------------------------------------------------------

    @property
    def purpose_ids(self) -> tuple[str, ...]:
        return self._purpose_ids

    def purpose_words(self, purpose_id: str) -> str:
        return self._words.get(purpose_id) or purpose_id.replace("_", " ")

    def _checked_purposes(self, purposes: str | Iterable[str] | None) -> list[str]:
        if purposes is None:
            return list(self.purpose_ids)
        chosen = [purposes] if isinstance(purposes, str) else list(purposes)
        for purpose in chosen:
            self.form.purpose(purpose)  # raises KeyError with a plain sentence
        return chosen

    # Deciding ---------------------------------------------------------------------------

    def decide_photos(self, photo_hashes: Iterable[str], purposes: str | Iterable[str] | None,
                      state: str, *, reason: str | None = None,
                      redact: Iterable[str] | None = None) -> int:
        """One decision for many photos (bulk), committed in one transaction. ``redact``: the
        kinds to remove before sharing (consent.conditions), only with ``state`` "given".

        Returns the number of photos decided."""
        hashes = list(dict.fromkeys(photo_hashes))
        condition = _condition(state, redact)
        rows = [self._row(purpose, state, photo_hash=h, reason=reason, **condition)
                for h in hashes for purpose in self._checked_purposes(purposes)]
        self._append(rows)
        return len(hashes)

    def decide_dataset(self, root: str | Path, purposes: str | Iterable[str] | None, state: str,
                       *, reason: str | None = None, redact: Iterable[str] | None = None) -> int:
        """Set the dataset default; per-photo decisions still win. Returns purposes set."""
        chosen = self._checked_purposes(purposes)
        condition = _condition(state, redact)
        self._append([self._row(p, state, dataset=dataset_key(root), reason=reason, **condition)
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

    def share_only(self, photo_hashes: Iterable[str], purposes: Iterable[str], *,
                   redact: Iterable[str] | None = None) -> int:
        """Share for ``purposes`` (on condition that ``redact`` is removed, if given) and say no
        to every other purpose (the Y key), one decision. Saying no to a purpose that was
        shared withdraws it (ISO/IEC TS 27560)."""
        chosen = set(self._checked_purposes(purposes))
        condition = _condition(ConsentStatus.GIVEN, redact)
        return self._per_photo(photo_hashes,
                               lambda p, old: ConsentStatus.GIVEN if p in chosen else refusal(old),
                               condition)

    def refuse_all(self, photo_hashes: Iterable[str]) -> int:
        """Say no to every purpose (the N key); shared purposes become withdrawn."""
        return self._per_photo(photo_hashes, lambda _p, old: refusal(old))

    def reset(self, photo_hashes: Iterable[str]) -> int:
        """Set every purpose back to not yet decided (the U key)."""
        return self._per_photo(photo_hashes, lambda _p, _old: PENDING)

    def _per_photo(self, photo_hashes: Iterable[str], new_state,
                   condition: dict[str, Any] | None = None) -> int:
        hashes = list(dict.fromkeys(photo_hashes))
        current = self.effective_many(hashes)
        rows = []
        for h in hashes:
            for p in self.purpose_ids:
                state = new_state(p, current[h][p].state)
                rows.append(self._row(p, state, photo_hash=h,
                                      **(condition if state == ConsentStatus.GIVEN and condition else {})))
        self._append(rows)
        return len(hashes)

    def _row(self, purpose: str, state: str, **target: Any) -> dict[str, Any]:
        if state not in CONSENT_STATES:
            raise ValueError(f"Unknown consent state {state!r}; use one of "
                             f"{', '.join(CONSENT_STATES)}.")
        return dict(purpose=purpose, state=state, actor=self.actor,
                    form_version=self.form.version, form_hash=self.form.sha256, **target)

    def _append(self, rows: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
        decision = f"d-{secrets.token_hex(8)}"
        shared = {"decision": decision, **(extra or {})}  # one object: written out once
        for row in rows:
            own = row.get("detail")
            row["detail"] = {**shared, **own} if own else shared
        self.store.append_consents(rows)

    # Reading ----------------------------------------------------------------------------

    def dataset_of(self, photo_hash: str) -> str | None:
        return self.datasets_of([photo_hash])[photo_hash]

    def datasets_of(self, photo_hashes: list[str]) -> dict[str, str | None]:
        """photo hash -> the folder whose default it follows: the nearest folder with a default
        that holds the path where it was last seen (not the unchained dataset column)."""
        paths = self.paths_of(photo_hashes)
        state = self.state()
        return {h: state.root_for(paths.get(h)) for h in photo_hashes}

    def paths_of(self, photo_hashes: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self.store.session() as session:
            for start in range(0, len(photo_hashes), IN_CHUNK):
                query = select(Photo.content_hash, Photo.path).where(
                    Photo.content_hash.in_(photo_hashes[start:start + IN_CHUNK]))
                found.update({h: path for h, path in session.execute(query)})
        return found

    def effective(self, photo_hash: str, dataset: str | Path | None = None
                  ) -> dict[str, Effective]:
        """purpose -> Effective, for every purpose of the form (and any decided purpose)."""
        return self.effective_many([photo_hash], dataset)[photo_hash]

    def effective_many(self, photo_hashes: Iterable[str], dataset: str | Path | None = None,
                       datasets_of: dict[str, str | None] | None = None
                       ) -> dict[str, dict[str, Effective]]:
        """Effective states of many photos; ``dataset`` for all, or ``datasets_of`` per photo
        (otherwise each photo's folder is found from where it was last seen)."""
        hashes = list(dict.fromkeys(photo_hashes))
        state = self.state()
        if dataset is not None:
            root = dataset_key(dataset)
            datasets_of = dict.fromkeys(hashes, root)
        elif datasets_of is None:
            datasets_of = self.datasets_of(hashes)
        result = {}
        known = set(self.purpose_ids)
        # Purposes the form does not name are looked for only when some event decided one.
        others = not state.purposes_seen <= known
        for photo_hash in hashes:
            purposes = self.purpose_ids
            if others:
                purposes = [*purposes, *sorted(state.purposes_decided(photo_hash) - known)]
            result[photo_hash] = state.effective_all(photo_hash, purposes,
                                                     datasets_of.get(photo_hash))
        return result

    def folder_states(self, root: str | Path) -> dict[str, str]:
        """The folder's default per purpose (what photos with no decision of their own follow),
        from the verified chain."""
        state = self.state()
        if not state.ok:
            return dict.fromkeys(self.purpose_ids, UNVERIFIED)
        defaults = state.folder_defaults(dataset_key(root))
        return {p: defaults[p].state if p in defaults else PENDING for p in self.purpose_ids}

    def folder_conditions(self, root: str | Path) -> dict[str, tuple[str, ...]]:
        """purpose -> kinds removed, for the folder's defaults that share on a condition."""
        state = self.state()
        if not state.ok:
            return {}
        return {p: step.redact for p, step in state.folder_defaults(dataset_key(root)).items()
                if step.redact}

    def states(self, photo_hash: str, dataset: str | Path | None = None) -> dict[str, str]:
        return {p: e.state for p, e in self.effective(photo_hash, dataset).items()}

    def summary(self, photo_hash: str, dataset: str | Path | None = None) -> str:
        """One short sentence for a screen reader: "Shared for research, not for commercial use." """
        return self.summary_of(self.effective(photo_hash, dataset))

    def summary_of(self, effective: dict[str, Effective]) -> str:
        """The sentence for one photo's effective states, with any condition on sharing."""
        return self.summary_of_states({p: e.state for p, e in effective.items()},
                                      conditions_of(effective))

    def summary_of_states(self, states: dict[str, str],
                          conditions: dict[str, tuple[str, ...]] | None = None) -> str:
        """``conditions``: purpose -> kinds removed before sharing ("Shared for research, faces
        removed.")."""
        # 20,000 photos shown share a handful of combinations
        key = (tuple(states.items()),
               tuple(sorted((p, tuple(kinds)) for p, kinds in (conditions or {}).items())))
        sentence = self._summaries.get(key)
        if sentence is None:
            sentence = self._summaries[key] = self._summary_of_states(states, conditions)
        return sentence

    def _summary_of_states(self, states: dict[str, str],
                           conditions: dict[str, tuple[str, ...]] | None = None) -> str:
        if UNVERIFIED in states.values():
            return NOT_VERIFIED
        grouped = {state: [self.purpose_words(p) for p, s in states.items() if s == state]
                   for state in (*CONSENT_STATES, DELETED)}
        shared = grouped[ConsentStatus.GIVEN]
        if conditions:
            shared = _with_conditions([p for p, s in states.items() if s == ConsentStatus.GIVEN],
                                      conditions, self.purpose_words)
        return en.consent_summary(shared=shared,
                                  refused=grouped[ConsentStatus.REFUSED],
                                  withdrawn=grouped[ConsentStatus.WITHDRAWN],
                                  pending=grouped[ConsentStatus.PENDING],
                                  deleted=grouped[DELETED])

    def history(self, photo_hash: str, dataset: str | Path | None = None) -> list[str]:
        """Plain sentences, one per purpose: "You shared this for research on 3 March and
        withdrew it on 5 March." Dataset-wide decisions come first, as the folder's; a
        deletion of the same content is said last."""
        state = self._state or self.state()  # read many times in a row: no re-read each time
        root = dataset_key(dataset) if dataset is not None else self.dataset_of(photo_hash)
        sentences = []
        if root is not None:
            sentences += _sentences(state.folder_steps.get(root, []), self.purpose_words,
                                    en.HISTORY_YOU, en.HISTORY_FOLDER)
        sentences += _sentences(state.photo_steps.get(photo_hash, []), self.purpose_words,
                                en.HISTORY_YOU, en.HISTORY_THIS)
        if photo_hash in state.deleted_at:
            sentences.append(en.HISTORY_DELETED)
        return sentences

    # Undo -------------------------------------------------------------------------------

    def undo_last(self) -> Undone | None:
        """Write new events that restore what the last not-yet-undone decision changed.

        A photo deleted since that decision is left out: restoring its old decision would
        share deleted content again."""
        state = self.state()
        found = _last_undoable(state)
        if found is None:
            return None
        key, batch = found
        first_seq = batch[0].seq
        roots = self.datasets_of([e.photo_hash for e in batch if e.scope == "photo"])
        rows = [self._restoring_row(event, _previous(state, event, first_seq), state,
                                    roots.get(event.photo_hash))
                for event in batch]
        self._append(rows, {"undoes": key})
        photos = tuple(dict.fromkeys(e.photo_hash for e in batch if e.photo_hash))
        datasets = tuple(dict.fromkeys(e.dataset for e in batch if e.scope == "dataset"))
        if len(photos) == 1 and not datasets:
            sentence = en.undone_one(self.summary(photos[0]))
        elif photos:
            sentence = en.undone_many(len(photos))
        else:
            sentence = en.UNDONE_FOLDER
        return Undone(photos, datasets, len(rows), sentence)

    def _restoring_row(self, event: Step, previous: Step | None, state: ConsentState,
                       root: str | None) -> dict[str, Any]:
        target = ({"photo_hash": event.photo_hash} if event.scope == "photo"
                  else {"dataset": event.dataset})
        row = dict(purpose=event.purpose, actor=self.actor, form_version=self.form.version,
                   form_hash=self.form.sha256, reason="undo", **target)
        if previous is not None and not (event.scope == "photo" and state.deleted_between(
                event.photo_hash, previous.seq, event.seq)):
            row["state"] = previous.state
            if previous.inherit:
                row["detail"] = {"inherit": True}
            elif previous.redact:  # shared on a condition: restored with it, never without
                row["detail"] = {"redact": list(previous.redact)}
        elif event.scope == "photo":
            # The photo followed its folder before (or its content was deleted since its last
            # decision): hand it back, which for deleted content means not shared.
            default = state.latest_folder.get((root, event.purpose)) if root else None
            row["state"] = default.state if default is not None else PENDING
            row["detail"] = {"inherit": True}
        else:
            row["state"] = PENDING
        return row


def _condition(state: str, redact: Iterable[str] | None) -> dict[str, Any]:
    """The detail that carries a condition on sharing: {"detail": {"redact": [sorted kinds]}}."""
    if not redact:
        return {}
    if state != ConsentStatus.GIVEN:
        raise ValueError(en.CONDITION_ONLY_WHEN_SHARED)
    return {"detail": {"redact": sorted(parse_kinds(redact))}}


def conditions_of(effective: dict[str, Effective]) -> dict[str, tuple[str, ...]]:
    """purpose -> kinds removed, for the purposes shared on a condition."""
    return {p: e.redact for p, e in effective.items() if e.state == ConsentStatus.GIVEN and e.redact}


def _with_conditions(shared: list[str], conditions: dict[str, tuple[str, ...]], words) -> list[str]:
    """The shared purposes in words, each group with its condition: ["research, faces removed"]
    when one condition holds for all, else ["research with faces removed", "teaching"]."""
    groups: dict[tuple[str, ...], list[str]] = {(): []}  # those without a condition first
    for purpose in shared:
        groups.setdefault(conditions.get(purpose, ()), []).append(words(purpose))
    groups = {kinds: names for kinds, names in groups.items() if names}
    if len(groups) == 1 and () not in groups:
        kinds, names = next(iter(groups.items()))
        return [en.shared_on_condition(names, kinds)]
    return [en.shared_with_condition(names, kinds) for kinds, names in groups.items()]


def _previous(state: ConsentState, event: Step, before_seq: int) -> Step | None:
    """The event that decided the same target before ``before_seq``."""
    steps = (state.photo_steps.get(event.photo_hash, []) if event.scope == "photo"
             else state.folder_steps.get(event.dataset, []))
    earlier = None
    for step in steps:
        if step.seq >= before_seq:
            break
        if step.target == event.target:
            earlier = step
    return earlier


def refusal(old_state: str) -> str:
    """No to a purpose that was shared (or may have been: the log failed verification) is a
    withdrawal; otherwise a refusal."""
    if old_state in (ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN, UNVERIFIED):
        return ConsentStatus.WITHDRAWN
    return ConsentStatus.REFUSED


def _last_undoable(state: ConsentState) -> tuple[str, list[Step]] | None:
    """The last decision that is not an undo, not undone, and not only about photos whose
    content was deleted since (deletion cannot be undone)."""
    batches, undone = state.batches()
    for key in reversed(list(batches)):
        batch = batches[key]
        if key in undone or batch[0].undoes:
            continue
        kept = [e for e in batch if e.scope != "photo"
                or not state.deleted_between(e.photo_hash, e.seq, None)]
        if kept:
            return key, kept
    return None


def _sentences(events: list[Step], words, who: str, what: str) -> list[str]:
    """One sentence per purpose, or per group of purposes whose decisions were the same at the
    same moments ("You refused this for training AI models and commercial use on 3 March"), so
    one keypress that decides four purposes reads as two sentences, not four."""
    by_purpose: dict[str, list[tuple]] = {}
    for event in events:
        _check_time(event.time)  # said to the minute: a bulk decision's steps read alike
        by_purpose.setdefault(event.purpose, []).append(
            (event.time[:16], event.state, event.reason, event.inherit, event.redact))
    said = tuple((purpose, tuple(chain)) for purpose, chain in by_purpose.items())
    return list(_grouped_sentences(said, words, who, what))


@lru_cache(maxsize=4096)  # a bulk decision's events share one time: checked once
def _check_time(text: str) -> None:
    parse_timestamp(text)


@lru_cache(maxsize=1024)  # a bulk decision gives thousands of photos the same history
def _grouped_sentences(said: tuple, words, who: str, what: str) -> tuple[str, ...]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for purpose, chain in said:
        groups.setdefault(_steps(chain, what), []).append(purpose)
    sentences = []
    for steps, purposes in groups.items():
        first, *rest = steps
        verb, when = first.split("\t")
        first = f"{verb} for {join_words([words(p) for p in purposes])} {when}"
        sentences.append(f"{who} {join_words([first, *rest])}.")
    return tuple(sentences)


@lru_cache(maxsize=1024)  # one bulk decision gives thousands of photos the same steps
def _steps(chain: tuple[tuple[str, str, str | None, bool, tuple], ...], what: str) -> tuple[str, ...]:
    """"shared this\ton 3 March at 10:04", "undid that at 10:05": the time is said only when
    a day holds more than one step, and a step on the same day as the one before says just it.
    A condition follows the purposes: "shared this for research with faces removed on 3 March".
    ``chain`` holds each step's (time to the minute, state, reason, inherit, kinds removed)."""
    this_year = datetime.now(timezone.utc).year
    days = [_spoken_day(minute[:10], this_year) for minute, *_rest in chain]
    timed = len(set(days)) < len(days)
    steps, previous_day = [], None
    for index, ((minute, state, reason, inherit, redact), day) in enumerate(zip(chain, days)):
        clock = f"at {minute[11:16]}" if timed else ""
        when = clock if timed and day == previous_day else f"on {day} {clock}".strip()
        if redact and reason != "undo" and not inherit:
            when = f"{en.with_condition(redact)} {when}".strip()
        verb = _verb(state, reason, inherit).format(it=what if index == 0 else "it")
        if index and (state, reason, inherit) == chain[index - 1][1:4] and reason != "undo":
            verb = en.HISTORY_AGAIN.format(step=verb)  # not "shared this … and shared it"
        steps.append(f"{verb}\t{when}" if index == 0 else f"{verb} {when}")
        previous_day = day
    return tuple(steps)


def _verb(state: str, reason: str | None, inherit: bool) -> str:
    if reason == "undo":
        return en.HISTORY_UNDONE
    if inherit:
        return en.HISTORY_GIVEN_BACK
    return HISTORY_VERBS.get(state, state + " {it}")


def spoken_date(timestamp: str, today: datetime | None = None) -> str:
    """"3 March" this year, "3 March 2025" otherwise (UTC)."""
    parse_timestamp(timestamp)  # refuse anything else
    year = (today or datetime.now(timezone.utc)).year
    return _spoken_day(timestamp[:10], year)


@lru_cache(maxsize=4096)
def _spoken_day(day: str, this_year: int) -> str:  # history says many events of one day
    moment = datetime.strptime(day, "%Y-%m-%d")
    said = f"{moment.day} {moment.strftime('%B')}"
    return said if moment.year == this_year else f"{said} {moment.year}"


def spoken_time(timestamp: str) -> str:
    """"10:04", in UTC like ``spoken_date``."""
    parse_timestamp(timestamp)
    return timestamp[11:16]


join_words = en.join_words


def _field(event: Any, name: str) -> Any:
    return event.get(name) if isinstance(event, dict) else getattr(event, name)
