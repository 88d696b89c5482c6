"""Checking the steward's store as a whole: its own log, every contributor's held events, and
that the materialised current state still follows from those events.

- The steward's log must chain from its first entry and end exactly at the head kept in
  ``steward_log_head`` (fewer entries: some were cut; a different hash: it was rewritten; more:
  entries were added outside the steward's commands).
- Each contributor's events must chain from event 1 to the head held for them.
- Each contributor's current state must be what ``consent.export.current_states`` (the app's
  own rules, as the verifier of exports applies them) gives from the held events, for the
  photos and folders it lists, with the condition of the deciding event. So a row edited in
  the database to allow a withdrawn photo is found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from accessshare.consent.export import current_states
from accessshare.records.chain import ChainCheck
from accessshare.records.signing import Head, compare
from accessshare.steward.importer import event_conditions
from accessshare.steward.schema import CURRENT_COLUMNS, EVENT_COLUMNS
from accessshare.steward.store import StewardStore
from accessshare.vocabulary import ConsentStatus


@dataclass
class StoreCheck:
    log_entries: int = 0
    contributors: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)
    log_seq: int | None = None  # the entry that records this check

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def sentence(self) -> str:
        if self.problems:
            return " ".join(self.problems)
        return (f"The steward's store is intact: its log of {self.log_entries} "
                f"{'entry' if self.log_entries == 1 else 'entries'} verifies, the "
                f"{self.events} {'event' if self.events == 1 else 'events'} of "
                f"{self.contributors} {'contributor' if self.contributors == 1 else 'contributors'}"
                " chain to the heads held, and the current state follows from them.")


def check_store(store: StewardStore) -> StoreCheck:
    result = StoreCheck()
    _check_log(store, result)
    for held in _contributors(store):
        result.contributors += 1
        _check_contributor(store, held, result)
    entry = store.record("verify", {"ok": result.ok, "problems": result.problems[:20]})
    result.log_seq = entry.seq
    return result


def _check_log(store: StewardStore, result: StoreCheck) -> None:
    check = ChainCheck()
    for entry in store.log_entries():
        reason = check.feed(entry)
        if reason is not None:
            result.problems.append(f"The steward's log was altered at entry {check.seq + 1}: "
                                   f"{reason.replace('event', 'entry')}.")
            return
    result.log_entries = check.seq
    kept = Head(*store.log_head())
    hashes = {check.seq: check.head_hash}
    departure = compare(kept, check.seq, lambda seq: hashes.get(seq) or _log_hash(store, seq))
    if departure == "cut":
        result.problems.append(f"Entries {check.seq + 1} to {kept.seq} were cut off the end of "
                               "the steward's log.")
    elif departure == "rewritten":
        result.problems.append(f"Entry {kept.seq} of the steward's log is not the one written "
                               "there: the log was rewritten up to it.")
    elif check.seq > kept.seq:
        result.problems.append(f"Entries {kept.seq + 1} to {check.seq} of the steward's log "
                               "were added outside the steward's commands.")


def _log_hash(store: StewardStore, seq: int) -> str | None:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT hash FROM steward_log WHERE seq = :seq"),
                                  {"seq": seq}).scalar()


def _contributors(store: StewardStore) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(
            "SELECT pseudonym, head_seq, head_hash FROM steward_contributors "
            "ORDER BY pseudonym")).mappings()]


def _check_contributor(store: StewardStore, held: dict[str, Any], result: StoreCheck) -> None:
    who = held["pseudonym"]
    events = list(_events(store, who))
    check = ChainCheck()
    for event in events:
        reason = check.feed(event)
        if reason is not None:
            result.problems.append(f"The events held for {who} were altered: {reason}.")
            return
    result.events += check.seq
    if (check.seq, check.head_hash) != (held["head_seq"], held["head_hash"]):
        result.problems.append(f"The events held for {who} end at event {check.seq}, not at "
                               f"the head held for them (event {held['head_seq']}).")
        return
    wrong = _current_problem(store, who, events)
    if wrong:
        result.problems.append(f"The current state held for {who} does not follow from their "
                               f"events ({wrong}).")


def _events(store: StewardStore, who: str) -> Iterator[dict[str, Any]]:
    columns = EVENT_COLUMNS[1:]
    with store.engine.connect() as connection:
        for row in connection.execute(text(
                f"SELECT {', '.join(columns)} FROM steward_events WHERE contributor = :c "
                "ORDER BY seq"), {"c": who}):
            yield dict(zip(columns, row))


def _current_problem(store: StewardStore, who: str, events: list[dict[str, Any]]) -> str | None:
    """The first row of the held current state that the events do not give, in words."""
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            f"SELECT {', '.join(CURRENT_COLUMNS[1:])} FROM steward_current WHERE contributor = :c"),
            {"c": who}).all()
    by_subject: dict[str, list] = defaultdict(list)
    for row in rows:
        by_subject[row[0]].append(row)
    conditions = event_conditions(events)
    for subject, held in by_subject.items():
        photos = {row[1]: row[3] for row in held}
        purposes = sorted({row[2] for row in held})
        own = [event for event in events if event["actor"] == subject]
        expected = {(row["photo_hash"], row["purpose"]): row
                    for row in current_states(own, photos, purposes)}
        for _subject, photo, purpose, _dataset, state, decided_by, event_hash, condition in held:
            row = expected[(photo, purpose)]
            given = conditions.get(event_hash) if state == ConsentStatus.GIVEN else None
            if (row["state"], row["decided_by"], row["event_hash"], given) != \
                    (state, decided_by, event_hash, condition):
                return (f"photo {photo[:12]}… for {purpose} is held as {state}, but its events "
                        f"make it {row['state']}")
    return None
