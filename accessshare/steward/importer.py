"""Importing contributors' signed consent logs into the steward's store.

Each file is read once, and the document read is the one verified (by the app's own verifier,
``consent.export.verify_export_document``: chain, summary, signature) and then imported, in one
transaction per file:

1. The first log of a contributor pins its key (trust on first use), unless a key was pinned
   for that pseudonym in advance (``steward pin``) or ``pinned_only`` asks for that.
2. Later logs must be signed by the pinned key, come from the same records store, and extend
   the head held: their event at the held number must have the held hash. Fewer events is an
   older log (a rollback); a different hash there is a fork (the history was rewritten). A log
   with the same events as the one held but exported earlier is older too.
3. The new events are added; the contributor's current state is replaced, row by row, by the
   one the log lists (which the verifier checked follows from its events by ``consent.state``'s
   rules); every photo and purpose that stops being shared is kept as a change.
4. The import is recorded in the steward's own log, in the same transaction.

A refused file stores nothing; the refusal itself is recorded in the steward's log. Importing
the same file twice changes nothing but that record.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from enum import StrEnum
from operator import itemgetter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from accessshare.consent.export import verify_export_document
from accessshare.consent.form import PURPOSE_ID
from accessshare.consent.state import event_detail
from accessshare.library.files import O_CLOEXEC, O_NONBLOCK
from accessshare.records.chain import GENESIS_HASH, parse_timestamp, utc_timestamp
from accessshare.records.signing import short_fingerprint
from accessshare.vocabulary import STORED_STATUSES, ConsentStatus
from accessshare.records.store import PSEUDONYM, SHA256_HEX
from accessshare.steward.schema import (CHANGE_COLUMNS, CURRENT_COLUMNS, CURRENT_KEY,
                                        CURRENT_VALUES, EVENT_COLUMNS)
from accessshare.steward.store import (StewardProblem, StewardStore, StoreWriteProblem,
                                      canonical_detail)

MAX_EXPORT_BYTES = 1 << 30  # a log of a million events is about 600 MB
TIDY_AFTER = 8  # files imported at once, after which the tables are tidied (see StewardStore.tidy)
class ImportOutcome(StrEnum):
    """What became of one imported file."""

    IMPORTED = "imported"
    NOTHING_NEW = "nothing new"
    REFUSED = "refused"


STATES = (*STORED_STATUSES, ConsentStatus.DELETED)
# The event fields the steward's tables hold in narrow columns, and their widths
NARROW_COLUMNS = (("kind", 16), ("scope", 16), ("state", 16), ("status", 16), ("actor", 64),
                  ("purpose", 64), ("form_version", 64), ("form_hash", 64), ("photo_hash", 64))
# How a key came to be pinned, in words (steward_contributors.pinned_by)
PINNED_WORDS = {"first use": "pinned on first use", "pin file": "pinned from a pin file",
                "key replaced": "replaced by the steward"}
# Refusals, by what did not agree in the verifier
VERIFIER_REFUSAL = {"file": "not a consent log", "chain": "broken chain",
                    "summary": "summary does not follow", "signature": "bad signature"}


@dataclass(frozen=True)
class ImportResult:
    """What became of one file. ``outcome`` is "imported", "nothing new" or "refused";
    ``refusal`` says why in two or three words (see ``VERIFIER_REFUSAL``, and "wrong key",
    "older log", "fork", "not pinned", "unreadable", "unusable content")."""

    file: str  # the path as given
    outcome: str
    sentence: str
    contributor: str | None = None
    fingerprint: str | None = None
    refusal: str | None = None
    events_added: int = 0
    events_held: int = 0
    changes: int = 0
    log_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != ImportOutcome.REFUSED


class Refused(Exception):
    def __init__(self, kind: str, why: str):
        super().__init__(why)
        self.kind, self.why = kind, why


@dataclass
class VerifiedLog:
    """A log file that verified, with what the import needs of it."""

    name: str
    sha256: str
    contributor: str
    fingerprint: str
    public_key: str
    store_id: str | None
    head_seq: int
    head_hash: str
    generated_at: str
    events: list[dict[str, Any]]  # in chain order, seq 1 to head_seq
    rows: dict[tuple[str, str, str], tuple] = field(default_factory=dict)  # key -> values


# --- one file -------------------------------------------------------------------------------

def import_file(store: StewardStore, path: str | os.PathLike, *,
                pinned_only: bool = False) -> ImportResult:
    """Verify and import one exported log; never raises for a bad file (its result says
    why it was refused). ``StewardProblem`` only when the store itself cannot be written."""
    # A name in another encoding than UTF-8 is kept as its escapes (\xff): a database keeps
    # only UTF-8 text.
    name = os.fsencode(Path(path).name).decode("utf-8", "backslashreplace")
    sha256 = None
    try:
        data = _read_bytes(Path(path))
        sha256 = hashlib.sha256(data).hexdigest()
        log = verified_log(data, name, sha256)
        result = _apply(store, log, pinned_only)
    except Refused as refusal:
        result = _refuse(store, name, sha256, refusal)
    except StoreWriteProblem as problem:  # such as text too wide for its column
        result = _refuse(store, name, sha256, Refused(
            "not stored", f"the steward's store could not hold what it holds ({problem.reason})"))
    return replace(result, file=str(path))


def verified_log(data: bytes, name: str, sha256: str) -> VerifiedLog:
    """The verified content of an export's bytes, or ``Refused``."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        document = None  # the verifier says what it is not
    report = verify_export_document(document, name)
    if not report.ok:
        raise Refused(VERIFIER_REFUSAL.get(report.failed or "file", "not a consent log"),
                      report.message.rstrip("."))
    if b"\\u0000" in data and _holds_nul(document):  # JSON writes a NUL only so
        raise Refused("unusable content", f"{name} verified, but it holds a NUL character, "
                      "which no database keeps in text")
    try:
        return _content(document, name, sha256, report.fingerprint)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise Refused("unusable content", f"{name} verified, but {problem}"
                      if isinstance(problem, ValueError) else
                      f"{name} verified, but it is not in the shape of an AccessShare export"
                      ) from None


def _read_bytes(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | O_NONBLOCK | O_CLOEXEC)  # a pipe: no wait
    except OSError as problem:
        raise Refused("unreadable", f"{path.name} cannot be read ({problem.strerror})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("unreadable", f"{path.name} is not a regular file")
        if info.st_size > MAX_EXPORT_BYTES:
            raise Refused("unreadable", f"{path.name} is larger than any consent log export "
                          f"({info.st_size // (1 << 20)} MB)")
        with os.fdopen(descriptor, "rb", closefd=False) as source:
            return source.read(MAX_EXPORT_BYTES + 1)
    except OSError as problem:
        raise Refused("unreadable", f"{path.name} cannot be read ({problem.strerror})") from None
    finally:
        os.close(descriptor)


def _content(document: dict[str, Any], name: str, sha256: str, fingerprint: str) -> VerifiedLog:
    """What to import from a document that verified; ValueError with a clause saying what
    cannot be used: pseudonyms, photo hashes and purposes of the current state, times, and
    text too wide for its column, so that SQLite and PostgreSQL take or refuse the same logs.
    Checked cheaply, as every event of a million passes here. (Lone surrogates cannot reach
    this point: the signed bytes are UTF-8.)"""
    contributor = _pseudonym(document["contributor"], "its contributor")
    chain = document["chain"]
    store_id = chain.get("store_id")
    if store_id is not None and not (isinstance(store_id, str) and 0 < len(store_id) <= 64):
        raise ValueError("its records store's id is not in the form AccessShare writes")
    generated_at = document.get("generated_at")
    _timestamp(generated_at, "the time it was exported")
    events = sorted((e for record in document["records"] for e in record["events"]),
                    key=lambda e: e["seq"])
    for event in events:
        _timestamp(event["time"], f"the time of event {event['seq']}")
        column = _too_wide(event)
        if column is not None:
            raise ValueError(f"the {column} of event {event['seq']} is not text of at most "
                             f"{dict(NARROW_COLUMNS)[column]} characters")
    # The key as its bytes say it: base64 has more than one spelling of the same bytes.
    public_key = base64.b64encode(base64.b64decode(document["signature"]["public_key"])
                                  ).decode("ascii")
    log = VerifiedLog(name, sha256, contributor, fingerprint, public_key, store_id,
                      chain["head_seq"], chain["head"], generated_at, events)
    conditions = event_conditions(events)
    for record in document["records"]:
        subject = _pseudonym(record["data_subject"], "a data subject")
        for row in record["current_state"]:
            photo, purpose, state, event = (row["photo_hash"], row["purpose"], row["state"],
                                            row["event_hash"])
            if not (isinstance(photo, str) and SHA256_HEX.fullmatch(photo)):
                raise ValueError("a photo is not named by a content hash")
            if not (isinstance(purpose, str) and PURPOSE_ID.fullmatch(purpose)):
                raise ValueError(f"the purpose {str(purpose)[:20]!r} is not a purpose id")
            if state not in STATES:
                raise ValueError(f"a photo's state {str(state)[:20]!r} is not one AccessShare "
                                 "knows")
            log.rows[(subject, photo, purpose)] = (
                row["dataset"], state, row["decided_by"], event,
                conditions.get(event) if state == ConsentStatus.GIVEN else None)
    return log


def _narrow_check():
    """A function giving the first of ``NARROW_COLUMNS`` of an event that is neither null nor
    text of at most its width, or None: one call, not a loop, for each of a million events."""
    lines = ["def too_wide(event):"]
    for column, width in NARROW_COLUMNS:
        lines += [f"    v = event[{column!r}]",
                  f"    if v is not None and (v.__class__ is not str or len(v) > {width}):",
                  f"        return {column!r}"]
    namespace: dict[str, Any] = {}
    exec("\n".join(lines) + "\n    return None\n", namespace)
    return namespace["too_wide"]


_too_wide = _narrow_check()


def event_conditions(events: Iterable[dict[str, Any]]) -> dict[str, str]:
    """event hash -> the sharing condition its detail records, for the events that have one.
    Issue 16 (redaction) records it as ``"redact": ["faces", "location", "text"]``."""
    found = {}
    for event in events:
        detail = event.get("detail")
        if isinstance(detail, str) and '"redact"' in detail:
            condition = sharing_condition(event_detail(event))
            if condition is not None:
                found[event["hash"]] = condition
    return found


def sharing_condition(detail: dict[str, Any]) -> str | None:
    """The condition a consent event's detail sets, as canonical JSON, or None. A redaction
    list is kept sorted and without repeats; anything else under "redact" is kept as it is,
    so that it is shown rather than dropped."""
    redact = detail.get("redact")
    if redact is None or redact == []:
        return None
    if isinstance(redact, list) and all(isinstance(kind, str) for kind in redact):
        redact = sorted(set(redact))
    return canonical_detail({"redact": redact})


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _pseudonym(value: Any, what: str) -> str:
    if not (isinstance(value, str) and PSEUDONYM.fullmatch(value)):
        raise ValueError(f"{what} is not named by a pseudonym")
    return value


def _timestamp(value: Any, what: str) -> None:
    try:
        parse_timestamp(value)
    except ValueError:
        raise ValueError(f"{what} is not a UTC time") from None


# --- applying it ----------------------------------------------------------------------------

def _apply(store: StewardStore, log: VerifiedLog, pinned_only: bool) -> ImportResult:
    with store.transaction() as connection:
        store.lock_contributor(connection, log.contributor)
        found = connection.execute(text("SELECT * FROM steward_contributors WHERE pseudonym = :p"),
                                   {"p": log.contributor}).mappings().first()
        held = dict(found) if found is not None else None
        now = utc_timestamp()
        if held is None:
            if pinned_only:
                raise Refused("not pinned", f"no key is pinned for {log.contributor}, and only "
                              "logs signed by a key pinned in advance are imported")
            held = _pin_on_first_use(connection, log, now)
        _check_extends(held, log)
        new_events = log.events[held["head_seq"]:]
        fields = itemgetter(*EVENT_COLUMNS[1:])
        store.insert_rows(connection, "steward_events", EVENT_COLUMNS,
                          [(log.contributor, *fields(e)) for e in new_events])
        changes = _replace_current(store, connection, log)
        if new_events or changes.written or held["store_id"] is None:
            _advance(connection, held, log, now)
            outcome = ImportOutcome.IMPORTED
        else:
            outcome = ImportOutcome.NOTHING_NEW
        entry = store.append_log(connection, "import", {
            "file": log.name, "sha256": log.sha256, "contributor": log.contributor,
            "fingerprint": log.fingerprint, "outcome": outcome, "events_added": len(new_events),
            "head_seq": log.head_seq, "head": log.head_hash, "changes": len(changes.rows)})
        store.insert_rows(connection, "steward_changes", CHANGE_COLUMNS,
                          [(log.contributor, *row, now, entry.seq) for row in changes.rows])
    return ImportResult(log.name, outcome, _imported_sentence(log, held, outcome, len(new_events),
                                                              changes),
                        log.contributor, log.fingerprint, None, len(new_events), log.head_seq,
                        len(changes.rows), entry.seq)


def _pin_on_first_use(connection: Connection, log: VerifiedLog, now: str) -> dict[str, Any]:
    row = {"pseudonym": log.contributor, "fingerprint": log.fingerprint,
           "public_key": log.public_key, "pinned_by": "first use", "pinned_at": now,
           "store_id": None, "head_seq": 0, "head_hash": GENESIS_HASH, "last_decision": None,
           "last_import": None, "exported_at": None}
    connection.execute(text(f"INSERT INTO steward_contributors ({', '.join(row)}) VALUES "
                            f"({', '.join(':' + name for name in row)})"), row)
    return dict(row, new=True)


def pinned_words(pinned_by: str) -> str:
    """"pinned on first use", "pinned from a pin file" or "replaced by the steward"."""
    return PINNED_WORDS.get(pinned_by, PINNED_WORDS["pin file"])


def _check_extends(held: dict[str, Any], log: VerifiedLog) -> None:
    """Refuse a log signed by another key, from another store, older than the one held, or
    departing from the history held."""
    who = log.contributor
    if held["fingerprint"] != log.fingerprint:
        how = pinned_words(held["pinned_by"]).removeprefix("pinned ")
        raise Refused("wrong key", f"it is signed by the key {short_fingerprint(log.fingerprint)}"
                      f", but the key pinned for {who} ({how}, {held['pinned_at'][:10]}) is "
                      f"{short_fingerprint(held['fingerprint'])}; a log signed by another key "
                      f"is not taken as theirs, unless {who} confirms to you, by a channel you "
                      "trust, that their device key was made anew: then replace it with "
                      f"'accessshare steward repin {who} FINGERPRINT --reason WHY', giving the "
                      "full fingerprint they read out to you")
    if held["store_id"] is not None and held["store_id"] != log.store_id:
        raise Refused("fork", f"it comes from another records store than the logs held for "
                      f"{who}, so its history is not the one held")
    held_seq = held["head_seq"]
    if log.head_seq < held_seq:
        raise Refused("older log", f"it ends at event {log.head_seq}, but the events of {who} "
                      f"up to {held_seq} are already held: it is an older log sent again "
                      "(a rollback)")
    if held_seq and log.events[held_seq - 1]["hash"] != held["head_hash"]:
        raise Refused("fork", f"its event {held_seq} differs from the event {held_seq} already "
                      f"held for {who}, so its history was rewritten or forked from the one "
                      "held")
    if log.head_seq == held_seq and held["exported_at"] and log.generated_at < held["exported_at"]:
        raise Refused("older log", f"it holds the same {held_seq} events as the log held for "
                      f"{who} but was exported before it, on {log.generated_at[:10]}")


@dataclass
class _Changes:
    written: int = 0  # current-state rows added, changed or removed
    rows: list[tuple] = field(default_factory=list)  # steward_changes rows, without the tail

    def photos(self) -> int:
        return len({(row[0], row[1]) for row in self.rows})


def _replace_current(store: StewardStore, connection: Connection, log: VerifiedLog) -> _Changes:
    """Write the rows of the contributor's current state that differ from those held, and
    find what stopped being shared."""
    held = {tuple(row[:3]): tuple(row[3:]) for row in connection.execute(
        text(f"SELECT {', '.join(CURRENT_COLUMNS[1:])} FROM steward_current "
             "WHERE contributor = :c"), {"c": log.contributor})}
    new = log.rows
    added = [key for key in new if key not in held]
    changed = [key for key in new if key in held and held[key] != new[key]]
    gone = [key for key in held if key not in new]
    store.insert_rows(connection, "steward_current", CURRENT_COLUMNS,
                      [(log.contributor, *key, *new[key]) for key in added])
    where = " AND ".join(f"{column} = :{column}" for column in CURRENT_KEY)
    if changed:
        connection.execute(text("UPDATE steward_current SET " + ", ".join(
            f"{column} = :{column}" for column in CURRENT_VALUES) + f" WHERE {where}"),
            [dict(zip(CURRENT_COLUMNS, (log.contributor, *key, *new[key]))) for key in changed])
    if gone:
        connection.execute(text(f"DELETE FROM steward_current WHERE {where}"),
                           [dict(zip(CURRENT_KEY, (log.contributor, *key))) for key in gone])
    result = _Changes(len(added) + len(changed) + len(gone))
    times = _ChangeTimes(log)
    for key in (*changed, *gone):
        before = held[key]
        after = new.get(key)
        if before[1] != ConsentStatus.GIVEN:
            continue
        subject, photo, purpose = key
        if after is None:
            result.rows.append((subject, photo, purpose, "unlisted", None, times.latest(photo)))
        elif after[1] != ConsentStatus.GIVEN:
            result.rows.append((subject, photo, purpose, after[1], None,
                                times.of(photo, after[1], after[3])))
        elif after[4] != before[4]:
            result.rows.append((subject, photo, purpose, "condition", after[4],
                                times.of(photo, ConsentStatus.GIVEN, after[3])))
    return result


class _ChangeTimes:
    """When the contributor made a change: the time of the event that decided the new state,
    of the photo's deletion, or else of the latest event about the photo. Worked out only
    when something changed."""

    def __init__(self, log: VerifiedLog):
        self.log = log
        self._maps: tuple[dict, dict, dict] | None = None

    def of(self, photo: str, state: str, event_hash: str | None) -> str:
        by_hash, deleted, _latest = self._build()
        if event_hash in by_hash:
            return by_hash[event_hash]
        if state == "deleted" and photo in deleted:
            return deleted[photo]
        return self.latest(photo)

    def latest(self, photo: str) -> str:
        _by_hash, _deleted, latest = self._build()
        fallback = self.log.events[-1]["time"] if self.log.events else self.log.generated_at
        return latest.get(photo, fallback)

    def _build(self) -> tuple[dict, dict, dict]:
        if self._maps is None:
            by_hash, deleted, latest = {}, {}, {}
            for event in self.log.events:
                by_hash[event["hash"]] = event["time"]
                photo = event["photo_hash"]
                if photo:
                    latest[photo] = event["time"]
                    if event["kind"] == "deletion" and event["status"] == "requested":
                        deleted[photo] = event["time"]
            self._maps = by_hash, deleted, latest
        return self._maps


def _advance(connection: Connection, held: dict[str, Any], log: VerifiedLog, now: str) -> None:
    last = log.events[-1]["time"] if log.events else held["last_decision"]
    connection.execute(text(
        "UPDATE steward_contributors SET head_seq = :seq, head_hash = :hash, store_id = :store, "
        "public_key = :key, last_decision = :last, last_import = :now, exported_at = :exported "
        "WHERE pseudonym = :p"),
        {"seq": log.head_seq, "hash": log.head_hash, "store": log.store_id,
         "key": log.public_key, "last": last, "now": now, "exported": log.generated_at,
         "p": log.contributor})


def _imported_sentence(log: VerifiedLog, held: dict[str, Any], outcome: str, added: int,
                       changes: _Changes) -> str:
    who = log.contributor
    if outcome == ImportOutcome.NOTHING_NEW:
        verb = "is" if log.head_seq == 1 else "are"
        return (f"{log.name} from {who} holds nothing new: its {log.head_seq} "
                f"{_events(log.head_seq)} {verb} already held.")
    key = short_fingerprint(log.fingerprint)
    if held.get("new"):
        signer = f"signed by the key {key}, now pinned for {who} (first use)"
    else:
        signer = f"signed by the key pinned for {who}, {key}"
    sentence = (f"Imported {log.name}, {signer}: {added} new {_events(added)}, "
                f"{log.head_seq} held.")
    stopped = changes.photos()
    if stopped:
        sentence += (f" {stopped} {'photo' if stopped == 1 else 'photos'} of {who} changed "
                     "from shared; see 'accessshare steward changes'.")
    return sentence


def _events(count: int) -> str:
    return "event" if count == 1 else "events"


def _refuse(store: StewardStore, name: str, sha256: str | None, refusal: Refused) -> ImportResult:
    sentence = f"Refused {name} ({refusal.kind}): {refusal.why}. Nothing from it was stored."
    entry = store.record(ImportOutcome.REFUSED, {"file": name, "sha256": sha256, "refusal": refusal.kind,
                                     "sentence": sentence})
    return ImportResult(name, ImportOutcome.REFUSED, sentence, refusal=refusal.kind, log_seq=entry.seq)


# --- many files -----------------------------------------------------------------------------

def import_files(store: StewardStore, paths: Sequence[str | os.PathLike], *, jobs: int = 1,
                 pinned_only: bool = False) -> Iterator[ImportResult]:
    """Import each file, in order with ``jobs`` = 1; with more, that many processes verify and
    import files at once (each file still one transaction), and results come in the order the
    files were given."""
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:
        for path in paths:
            yield import_file(store, path, pinned_only=pinned_only)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # A fresh interpreter per worker: a forked copy of this process's database
        # connections must never be used by two processes.
        try:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                     initializer=_open_worker_store,
                                     initargs=(store.url,)) as pool:
                yield from pool.map(_import_in_worker, [(str(p), pinned_only) for p in paths],
                                    chunksize=4)
        except BrokenProcessPool:
            # Each file is one transaction: a file whose result was not given was either
            # imported whole or not at all, and importing it again is safe.
            raise StewardProblem("An import process stopped before it finished (out of memory, "
                                 "or stopped from outside). The files reported above were "
                                 "handled; import the others again (a file imported again "
                                 "changes nothing).") from None
    if len(paths) >= TIDY_AFTER:
        store.tidy()


_worker_store: StewardStore | None = None


def _open_worker_store(url: str) -> None:
    global _worker_store
    _worker_store = StewardStore(url)


def _import_in_worker(task: tuple[str, bool]) -> ImportResult:
    path, pinned_only = task
    try:
        return import_file(_worker_store, path, pinned_only=pinned_only)
    except StewardProblem as problem:
        return ImportResult(path, ImportOutcome.REFUSED, str(problem), refusal="store")
