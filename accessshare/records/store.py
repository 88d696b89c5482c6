"""RecordStore: the local (or central PostgreSQL) record of photos, consent and deletion.

Writes of events are serialised and committed before ``append_*`` returns, so the UI says
"saved" only after the decision is durable. SQLite runs in WAL mode with ``synchronous=FULL``
and foreign keys on; ``BEGIN IMMEDIATE`` keeps two writers from forking the chain. On
PostgreSQL a transaction-scoped advisory lock does the same.
"""

from __future__ import annotations

import importlib
import json
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (bindparam, create_engine, delete, event, func, insert, select, text,
                        update)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from accessshare.config import AppPaths
from accessshare.library.files import is_utf8
from accessshare.records.chain import (CHAINED_FIELDS, GENESIS_HASH, ChainCheck, event_hash,
                                       first_break, parse_timestamp, row_hasher, utc_timestamp)
from accessshare.records.models import (CONSENT_STATES, DELETION_STATUSES, ChainHead,
                                        ConsentEvent, Contributor, Dataset, DeletionEvent,
                                        Description, Event, Photo, StudyEvent, StudySession)
from accessshare.records import key_history
from accessshare.records.key_history import KeyChange
from accessshare.records.signing import DeviceKey, Head, HeadKeeper, KeyProblem, compare

CHAIN_LOCK_ID = 0x4143_4353  # "ACCS": the advisory lock that serialises chain appends
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 32 * 1024  # at most; pages are allocated as they are used
EVENT_INPUT_FIELDS = ("scope", "photo_hash", "dataset", "purpose", "state", "form_version",
                      "form_hash", "status", "reason", "actor")
DISK_FULL_BYTES = 256 << 10  # less free room than this on its disk: the database is full
IN_CHUNK = 500  # hashes per IN (...) list, well under every database's parameter limit
CHAIN_COLUMNS = (*CHAINED_FIELDS, "hash")
SEQ_AT, PREV_HASH_AT, HASH_AT = (CHAIN_COLUMNS.index(name)
                                 for name in ("seq", "prev_hash", "hash"))
EVENT_COLUMNS = CHAIN_COLUMNS  # every column of ``events`` is chained, but for the hash itself
IN_MEMORY = re.compile(r"^sqlite[^:]*://(/(:memory:)?)?(\?.*)?$")
PASSWORD_IN_URL = re.compile(r"(://[^/:@]*:)[^@/]*@")
PSEUDONYM = re.compile(r"[A-Za-z0-9_.-]{1,64}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# Study records are pseudonymous and hold no image content: these keys are refused outright.
CONTENT_KEYS = frozenset({"image", "pixels", "thumbnail", "photo", "path", "filename", "label",
                          "description", "sentence", "text", "ocr", "caption"})
# The only free text a study keeps: the facilitator's notes, and what the app said when the
# participant agreed to that being recorded (--record-speech).
STUDY_FREE_TEXT = {"note": 2000, "said": 2000}
# A decision over many photos keeps their list positions compactly ("1-12,15"): only digits,
# commas and hyphens, however long.
STUDY_POSITIONS = re.compile(r"[0-9]+(?:-[0-9]+)?(?:,[0-9]+(?:-[0-9]+)?)*")


class RecordsUnavailable(RuntimeError):
    """The records database cannot be opened or written; ``str()`` is one plain sentence."""


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int  # events that verified (all of them when ok; those before the break otherwise)
    first_broken: int | None  # the place in the chain (= the seq it should have) that breaks
    message: str  # one sentence for the user: "Chain intact: N events verified." or the break
    head_seq: int = 0  # the last event that verified, and its hash
    head_hash: str = GENESIS_HASH


class Appended(SimpleNamespace):
    """A plain copy of an event just written: its chained fields and hash, as attributes."""


class RecordStore:
    """The records database. Open it with ``RecordStore(url)`` or ``RecordStore.open(paths)``
    (both upgrade the schema to the newest revision) and close it, or use it in a ``with``.

    Events are only ever appended (``append_consent``, ``append_consents``, ``append_deletion``);
    there is deliberately no method to change or remove one. Bad arguments raise ``ValueError``
    with one plain sentence and write nothing; an unusable database raises ``RecordsUnavailable``.
    """

    def __init__(self, db_url: str, data_dir: str | Path | None = None):
        """``data_dir``, when given, keeps a signed copy of the chain's head outside the
        database (``records.signing``); ``RecordStore.open(paths)`` always gives it."""
        self.url = db_url
        self.shown_url = shown_address(db_url)
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.head_problem: str | None = None  # why the head file could not be kept, if so
        self.engine = _make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._key: DeviceKey | None = None
        try:
            upgrade_to_head(self.engine)
            with self.session() as session:
                self.store_id = session.get(ChainHead, 1).store_id
        except (DBAPIError, NewerSchema) as problem:
            self.engine.dispose()
            raise RecordsUnavailable(_unavailable_sentence(db_url, problem)) from problem

    def __enter__(self) -> "RecordStore":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @classmethod
    def open(cls, paths: AppPaths) -> "RecordStore":
        """The store of a data folder, which keeps the chain's head and the device key."""
        if IN_MEMORY.match(paths.db_url.strip()):
            raise RecordsUnavailable(f"The records database address {paths.db_url!r} is in "
                                     "memory, so nothing would be kept; give a file or a server.")
        paths.ensure()
        return cls(paths.db_url, paths.data_dir)

    def device_key(self) -> DeviceKey:
        """This data folder's signing key, made on first use (``KeyProblem`` if unusable)."""
        if self.data_dir is None:
            raise KeyProblem("This records store was opened without a data folder, so it has "
                             "no device key to sign with.")
        if self._key is None:
            self._key = DeviceKey.load_or_create(self.data_dir)
        return self._key

    def pending_key_change(self) -> KeyChange | None:
        """The device key differs from the one that signed this folder's earlier records, and
        no signed log was exported with it since (``records.key_history``); None otherwise,
        or when the key cannot be read (which signing says)."""
        if self.data_dir is None:
            return None
        try:
            return key_history.pending_key_change(self.data_dir, self.device_key())
        except (OSError, KeyProblem):
            return None

    def note_signed_export(self) -> None:
        """A signed log was exported: a pending key change has now been handed on."""
        if self.data_dir is not None:
            key_history.note_signed_export(self.data_dir, self.device_key())

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    # --- the event chain -------------------------------------------------------------------

    def append_consent(self, *, purpose: str, state: str, actor: str, photo_hash: str | None = None,
                       dataset: str | None = None, form_version: str | None = None,
                       form_hash: str | None = None, reason: str | None = None,
                       detail: dict[str, Any] | None = None) -> ConsentEvent:
        """Record one consent decision about one photo or one whole dataset (its default)."""
        return self.append_consents([dict(
            purpose=purpose, state=state, actor=actor, photo_hash=photo_hash, dataset=dataset,
            form_version=form_version, form_hash=form_hash, reason=reason, detail=detail)])[0]

    def append_consents(self, decisions: Iterable[dict[str, Any]]) -> list[ConsentEvent]:
        """Several decisions in one transaction: all are saved, or none (bulk and undo).

        Each decision is a dict with the keyword arguments of ``append_consent``."""
        checked: set[tuple[str, Any]] = set()  # one form and one actor for a whole bulk call
        rows = [_consent_row(decision, checked) for decision in decisions]
        return self._append_many(ConsentEvent, rows) if rows else []

    def append_deletion(self, *, photo_hash: str, status: str, actor: str, reason: str | None = None,
                        detail: dict[str, Any] | None = None) -> DeletionEvent:
        """Record a step of a deletion. A tombstone holds the hash, time and reason only:
        ``detail`` may hold counts and flags (numbers, booleans), never words or pixels."""
        if status not in DELETION_STATUSES:
            raise ValueError(f"Unknown deletion status {status!r}; use one of "
                             f"{', '.join(DELETION_STATUSES)}.")
        _require_hash(photo_hash, "photo_hash")
        _require_pseudonym(actor)
        for key, value in (detail or {}).items():
            if isinstance(value, str) or not isinstance(value, (int, float, bool, type(None))):
                raise ValueError(f"A deletion record keeps counts and flags only; {key!r} holds "
                                 f"{type(value).__name__}, which could carry words from the photo.")
        return self._append(DeletionEvent, scope="photo", photo_hash=photo_hash, status=status,
                            actor=actor, reason=reason, detail=detail)

    def _append(self, kind: type[Event], **fields: Any) -> Event:
        return self._append_many(kind, [fields])[0]

    def _append_many(self, kind: type[Event], rows: list[dict[str, Any]]) -> list[Event]:
        identity = kind.__mapper_args__["polymorphic_identity"]
        with self.writing(), self.session() as session, session.begin():
            self._lock_chain(session)
            last = session.execute(select(Event.seq, Event.hash).order_by(Event.seq.desc())
                                   .limit(1)).first()
            seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
            kept = session.get(ChainHead, 1)
            extends_kept = (kept.seq, kept.hash) == (seq, prev_hash)
            now = utc_timestamp()  # one decision, one moment (and one clock read, not 80,000)
            chained = []
            detail, detail_text = None, None  # rows of one decision share one detail object
            for row in rows:
                seq += 1
                fields = {name: row.get(name) for name in EVENT_INPUT_FIELDS}
                if row.get("detail") is not detail:
                    detail = row.get("detail")
                    detail_text = (json.dumps(detail, sort_keys=True, separators=(",", ":"))
                                   if detail is not None else None)
                given_time = row.get("time")
                fields.update(
                    seq=seq, kind=identity,
                    time=now if given_time is None else _checked_time(given_time),
                    prev_hash=prev_hash, detail=detail_text,
                )
                fields["hash"] = prev_hash = event_hash(fields)
                chained.append(fields)
            # One executemany straight to the driver: ORM bookkeeping, or even Core's per-row
            # parameter processing, would cost more than the hashing for a bulk decision.
            session.connection().exec_driver_sql(
                self._insert_events_sql, [tuple(map(fields.get, EVENT_COLUMNS))
                                          for fields in chained])
            if extends_kept:  # a head that no longer matches stays as evidence
                kept.seq, kept.hash = seq, prev_hash
        # Committed: the transaction closed without error. The returned events are plain
        # copies of what was written (not ORM objects: 80,000 of those cost seconds).
        self._keep_head(Head(seq, prev_hash))
        return [Appended(**fields) for fields in chained]

    @property
    def _insert_events_sql(self) -> str:
        marker = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        return (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                f"VALUES ({', '.join([marker] * len(EVENT_COLUMNS))})")

    def _keep_head(self, head: Head) -> None:
        """Write the head file after a commit. A failure here never undoes the decision: the
        file then lags behind the chain (which verification allows), never ahead of it."""
        if self.data_dir is None:
            return
        try:
            HeadKeeper(self.data_dir).advance(self.store_id, self.shown_url, head,
                                              utc_timestamp(), self.hash_at, self.device_key())
            self.head_problem = None
        except (OSError, KeyProblem) as problem:
            self.head_problem = (f"The chain's head could not be kept outside the database "
                                 f"({problem}).")

    def hash_at(self, seq: int) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(Event.hash).where(Event.seq == seq)).scalar()

    def kept_head(self) -> Head:
        """The head in the database's ``chain_head`` row."""
        with self.session() as session:
            row = session.get(ChainHead, 1)
            return Head(row.seq, row.hash)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Turn a database that cannot be written into one plain sentence."""
        try:
            yield
        except DBAPIError as problem:
            raise RecordsUnavailable(_write_failure_sentence(problem, self.url)) from problem

    def _lock_chain(self, session: Session) -> None:
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": CHAIN_LOCK_ID})

    def events(self, *, photo_hash: str | None = None, dataset: str | None = None,
               kind: str | None = None) -> list[Event]:
        query = select(Event).order_by(Event.seq)
        if photo_hash is not None:
            query = query.where(Event.photo_hash == photo_hash)
        if dataset is not None:
            query = query.where(Event.dataset == dataset)
        if kind is not None:
            query = query.where(Event.kind == kind)
        with self.session() as session:
            return list(session.scalars(query))

    def iter_events(self, batch: int = 2000) -> Iterator[Event]:
        last = 0
        while True:
            with self.session() as session:
                rows = list(session.scalars(select(Event).where(Event.seq > last)
                                            .order_by(Event.seq).limit(batch)))
            if not rows:
                return
            yield from rows
            last = rows[-1].seq

    def iter_raw_events(self, batch: int = 5000, after_seq: int = 0
                        ) -> Iterator[dict[str, Any]]:
        """Events as plain dicts of the hashed fields and the hash, read straight from the
        driver (so a tampered ``kind`` still loads), in short read transactions."""
        for row in self._iter_rows(batch, after_seq):
            yield dict(zip(CHAIN_COLUMNS, row))

    def _iter_rows(self, batch: int = 5000, after_seq: int = 0) -> Iterator[tuple]:
        """Rows of ``CHAIN_COLUMNS`` in seq order, ``batch`` per read transaction (80,000
        events read in well under a second)."""
        marker = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        query = (f"SELECT {', '.join(CHAIN_COLUMNS)} FROM events WHERE seq > {marker} "
                 f"ORDER BY seq LIMIT {marker}")
        last = after_seq
        while True:
            with self.engine.connect() as connection:
                try:
                    rows = _plain_rows(connection, query, (last, batch))
                except DBAPIError as problem:
                    if "decode" not in str(problem) or self.dialect != "sqlite":
                        raise
                    rows = _read_leniently(connection, query, (last, batch))
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def latest_states(self, photo_hashes: Iterable[str] | None = None
                      ) -> dict[tuple[str, str], ConsentEvent]:
        """(photo hash, purpose) -> the latest per-photo consent event, as stored: not verified.
        Never decide what is shared from it; ``consent.state`` derives state from the events
        that verify."""
        if photo_hashes is None:
            return self._latest_states(None)
        latest: dict[tuple[str, str], ConsentEvent] = {}
        wanted = list(dict.fromkeys(photo_hashes))
        for start in range(0, len(wanted), IN_CHUNK):
            latest.update(self._latest_states(wanted[start:start + IN_CHUNK]))
        return latest

    def _latest_states(self, photo_hashes: list[str] | None) -> dict[tuple[str, str], ConsentEvent]:
        newest = (select(func.max(Event.seq).label("seq"))
                  .where(Event.kind == "consent", Event.scope == "photo"))
        if photo_hashes is not None:
            newest = newest.where(Event.photo_hash.in_(photo_hashes))
        newest = newest.group_by(Event.photo_hash, Event.purpose).subquery()
        query = select(ConsentEvent).join(newest, ConsentEvent.seq == newest.c.seq)
        with self.session() as session:
            return {(record.photo_hash, record.purpose): record
                    for record in session.scalars(query)}

    def dataset_defaults(self, dataset: str) -> dict[str, ConsentEvent]:
        """purpose -> the latest dataset-wide consent event for ``dataset``, as stored (not
        verified; see ``latest_states``)."""
        query = (select(ConsentEvent).where(ConsentEvent.scope == "dataset",
                                            ConsentEvent.dataset == dataset)
                 .order_by(ConsentEvent.seq))
        with self.session() as session:
            return {record.purpose: record for record in session.scalars(query)}

    def verify(self, fold: Callable[[dict[str, Any]], None] | None = None) -> VerifyReport:
        """Recompute the whole chain, in seq order, name the first broken record, and check it
        against the heads kept outside it (the ``chain_head`` row and the head file).

        ``fold`` is called with each event once it has verified, so a caller can derive state
        from verified events in the same single pass."""
        kept_file = self._kept_file_head()
        watched = {kept_file.seq} if kept_file is not None else set()
        check = ChainCheck()
        hashes: dict[int, str] = {}
        broken = self._verify_after(check, fold, watched, hashes)
        kept_row = self.kept_head()
        while broken is None and kept_row.seq > check.seq:  # appended while we read
            watched.add(kept_row.seq)
            before = check.seq
            broken = self._verify_after(check, fold, watched, hashes)
            kept_row = self.kept_head()
            if check.seq == before:
                break
        if broken is not None:
            position, reason = broken
            return VerifyReport(False, position, position + 1,
                                f"Chain broken at record {position + 1}: {reason}.",
                                check.seq, check.head_hash)
        hashes[check.seq] = check.head_hash
        problem = self._head_problem(check.seq, hashes, kept_row, kept_file)
        noun = "event" if check.seq == 1 else "events"
        if problem is not None:
            return VerifyReport(False, check.seq, None, problem, check.seq, check.head_hash)
        self._keep_head(Head(check.seq, check.head_hash))
        return VerifyReport(True, check.seq, None, f"Chain intact: {check.seq} {noun} verified.",
                            check.seq, check.head_hash)

    def verify_after(self, seq: int, head_hash: str,
                     fold: Callable[[dict[str, Any]], None] | None = None) -> VerifyReport:
        """Check only the events after an already verified ``(seq, head_hash)``: that each
        follows from it. The events before are not read again (in-process use only)."""
        check = ChainCheck(seq, head_hash)
        broken = self._verify_after(check, fold, set(), {})
        if broken is not None:
            position, reason = broken
            return VerifyReport(False, position, position + 1,
                                f"Chain broken at record {position + 1}: {reason}.",
                                check.seq, check.head_hash)
        return VerifyReport(True, check.seq, None, f"Chain intact: {check.seq} events verified.",
                            check.seq, check.head_hash)

    def _verify_after(self, check: ChainCheck, fold, watched: set[int],
                      hashes: dict[int, str]) -> tuple[int, str] | None:
        row_hash = row_hasher(CHAIN_COLUMNS)
        for row in self._iter_rows(after_seq=check.seq):
            computed = row_hash(row)
            if not check.follows(row[SEQ_AT], row[PREV_HASH_AT], row[HASH_AT], computed):
                reason = check.feed(dict(zip(CHAIN_COLUMNS, row)), computed)
                if reason is not None:
                    return check.seq, reason
            if check.seq in watched:
                hashes[check.seq] = check.head_hash
            if fold is not None:
                fold(dict(zip(CHAIN_COLUMNS, row)))
        return None

    def _kept_file_head(self):
        if self.data_dir is None:
            return None
        return HeadKeeper(self.data_dir).read(self.store_id)

    def _head_problem(self, length: int, hashes: dict[int, str], kept_row: Head,
                      kept_file) -> str | None:
        """How the verified chain departs from the heads kept outside it, in one sentence."""
        keeper = HeadKeeper(self.data_dir) if self.data_dir is not None else None
        if kept_file is not None and kept_file.problem:
            return f"The log cannot be checked for cut-off events: {kept_file.problem}."
        if kept_file is None and keeper is not None:
            others = [h for h in keeper.for_database(self.shown_url) if h.store_id != self.store_id]
            if others:
                return (f"The records database at {self.shown_url} is not the one this data "
                        f"folder wrote to: it was replaced, and the head kept in {others[0].file} "
                        f"names another log of {others[0].seq} events.")
        sources = []
        if kept_file is not None:
            sources.append((str(kept_file.file), Head(kept_file.seq, kept_file.hash)))
        sources.append(("the database's chain_head row", kept_row))
        def hash_at(seq: int) -> str | None:  # the chain verified: its stored hashes are right
            return hashes[seq] if seq in hashes else self.hash_at(seq)

        found = [(where, head, compare(head, length, hash_at)) for where, head in sources]
        for kind in ("cut", "rewritten"):
            hits = [(where, head) for where, head, seen in found if seen == kind]
            if hits:
                head = max((h for _w, h in hits), key=lambda h: h.seq)
                where = " and ".join(w for w, h in hits if h == head)
                return _departure_sentence(kind, head, length, where)
        if kept_row.seq < length:
            return (f"Events {kept_row.seq + 1} to {length} were added outside AccessShare: the "
                    f"database's chain_head row names event {kept_row.seq} as the last.")
        return None

    # --- photos, datasets, contributors -----------------------------------------------------

    def contributor(self) -> str:
        """The pseudonym of this data directory's contributor, made on first use."""
        with self.writing(), self.session() as session, session.begin():
            self._lock_chain(session)  # two first runs at once must agree on one pseudonym
            existing = session.scalars(select(Contributor.id).order_by(Contributor.created)).first()
            if existing:
                return existing
            pseudonym = f"contributor-{secrets.token_hex(6)}"
            session.add(Contributor(id=pseudonym, created=utc_timestamp()))
            return pseudonym

    def dataset_id(self, root: str | Path, manifest: str | None = None) -> int:
        root = str(root)
        with self.writing(), self.session() as session, session.begin():
            found = session.scalars(select(Dataset).where(Dataset.root == root)).first()
            if found:
                return found.id
            record = Dataset(root=root, manifest=manifest, created=utc_timestamp())
            session.add(record)
            session.flush()
            return record.id

    def upsert_photos(self, dataset_root: str | Path, photos: Iterable[Any]) -> int:
        """Remember where each scanned photo (a library PhotoInfo) was last seen.

        A renamed or moved photo keeps its row: the content hash is its identity. Only rows
        whose facts changed are written (``seen`` is when they last changed), so rescanning
        20,000 unchanged photos reads them and writes nothing."""
        # A duplicate file: the last one seen wins. A path that is not UTF-8 cannot be stored.
        latest = {photo.id: photo for photo in photos if storable_path(photo.path)}
        if not latest:
            return 0
        dataset = self.dataset_id(dataset_root)
        now = utc_timestamp()
        hashes = list(latest)
        table = Photo.__table__
        columns = ("dataset_id", "path", "size", "width", "height", "orientation", "label")
        marker = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        with self.writing(), self.engine.begin() as connection:
            for start in range(0, len(hashes), IN_CHUNK):
                chunk = hashes[start:start + IN_CHUNK]
                # Plain SQL: compiling an IN of 500 values 40 times costs more than the reads.
                query = (f"SELECT content_hash, {', '.join(columns)} FROM photos "
                         f"WHERE content_hash IN ({', '.join([marker] * len(chunk))})")
                known = {row[0]: tuple(row[1:])
                         for row in _plain_rows(connection, query, tuple(chunk))}
                facts = {h: _scan_facts(latest[h], dataset) for h in chunk}
                new = [dict(zip(columns, facts[h]), content_hash=h, seen=now)
                       for h in chunk if h not in known]
                changed = [dict(zip(columns, facts[h]), key=h, seen=now) for h in chunk
                           if h in known and known[h] != facts[h]]
                if new:
                    connection.execute(insert(table), new)
                if changed:
                    connection.execute(update(table).where(table.c.content_hash
                                                           == bindparam("key")), changed)
        return len(hashes)

    def photo(self, content_hash: str) -> Photo | None:
        with self.session() as session:
            return session.get(Photo, content_hash)

    def forget_photo(self, content_hash: str) -> None:
        """Remove the photo's path and label (words from the contributor) after deletion."""
        with self.session() as session, session.begin():
            session.execute(delete(Photo).where(Photo.content_hash == content_hash))

    # --- co-design study records (pseudonymous, never image content) -----------------------

    def start_study_session(self, participant: str, facilitator: str | None = None, *,
                            protocol: str | None = None, record_speech: bool = False) -> int:
        _require_pseudonym(participant, "participant code")
        if facilitator is not None:
            _require_pseudonym(facilitator, "facilitator code")
        with self.session() as session, session.begin():
            record = StudySession(participant=participant, facilitator=facilitator,
                                  started=utc_timestamp(), protocol=(protocol or None) and protocol[:200],
                                  record_speech=record_speech)
            session.add(record)
            session.flush()
            return record.id

    def end_study_session(self, session_id: int) -> None:
        with self.session() as session, session.begin():
            record = session.get(StudySession, session_id)
            if record is None:
                raise ValueError(f"There is no study session {session_id}.")
            record.ended = utc_timestamp()

    def record_study_event(self, session_id: int, kind: str,
                           detail: dict[str, Any] | None = None) -> None:
        """What happened in a session, e.g. ("consent_walk_finished", {"questions_wrong": 1})."""
        self.record_study_events(session_id, [{"kind": kind, "detail": detail}])

    def record_study_events(self, session_id: int, events: list[dict[str, Any]]) -> None:
        """Several events in one transaction (the study recorder's batches). Each is a dict
        with ``kind`` and optionally ``time``, ``elapsed_ms``, ``task`` and ``detail``."""
        rows = []
        for item in events:
            _check_study_detail(item.get("detail") or {})
            rows.append({"session_id": session_id, "kind": str(item["kind"])[:64],
                         "time": _checked_time(item.get("time")),
                         "elapsed_ms": item.get("elapsed_ms"), "task": item.get("task"),
                         "detail": item.get("detail") or None})
        with self.session() as session, session.begin():
            if session.get(StudySession, session_id) is None:
                raise ValueError(f"There is no study session {session_id}.")
            if rows:
                session.execute(insert(StudyEvent), rows)

    def study_events(self, session_id: int, *, after: int = 0,
                     kind: str | None = None) -> list[StudyEvent]:
        """A session's events in the order written; only those after event id ``after``, and
        of one ``kind``, if given (the open app looks for notes from another terminal)."""
        query = select(StudyEvent).where(StudyEvent.session_id == session_id,
                                         StudyEvent.id > after)
        if kind is not None:
            query = query.where(StudyEvent.kind == kind)
        with self.session() as session:
            return list(session.scalars(query.order_by(StudyEvent.id)))

    def study_sessions(self, participant: str | None = None) -> list[StudySession]:
        """Sessions in the order they started, optionally only one participant's."""
        query = select(StudySession).order_by(StudySession.started, StudySession.id)
        if participant is not None:
            query = query.where(StudySession.participant == participant)
        with self.session() as session:
            return list(session.scalars(query))

    def study_event_counts(self) -> dict[int, int]:
        with self.session() as session:
            return dict(session.execute(select(StudyEvent.session_id, func.count()).group_by(
                StudyEvent.session_id)).all())

    def forget_study_participant(self, participant: str) -> tuple[int, int]:
        """Remove every study session and study event of one participant (a withdrawal from
        the study): (sessions, events) removed. Consent and deletion events are not touched."""
        with self.session() as session, session.begin():
            ids = list(session.scalars(select(StudySession.id).where(
                StudySession.participant == participant)))
            if not ids:
                return 0, 0
            events = session.execute(delete(StudyEvent).where(
                StudyEvent.session_id.in_(ids))).rowcount
            session.execute(delete(StudySession).where(StudySession.id.in_(ids)))
            return len(ids), events

    # --- description cache -----------------------------------------------------------------

    def cached_description(self, content_hash: str, models_key: str) -> dict[str, Any] | None:
        with self.session() as session:
            return session.scalars(select(Description.payload).where(
                Description.content_hash == content_hash,
                Description.models_key == models_key)).first()

    def cache_description(self, content_hash: str, models_key: str, payload: dict[str, Any]) -> None:
        """Store (or replace) a description. Two workers describing duplicate files (same
        hash) at once both succeed: the insert turns into an update on conflict."""
        values = dict(content_hash=content_hash, models_key=models_key, payload=payload,
                      created=utc_timestamp())
        with self.writing(), self.session() as session, session.begin():
            if self.dialect not in ("postgresql", "sqlite"):  # elsewhere: replace in two steps
                session.execute(delete(Description).where(
                    Description.content_hash == content_hash, Description.models_key == models_key))
                session.add(Description(**values))
                return
            # Imported here: PostgreSQL's dialect module costs every command a twentieth of a
            # second to import, and only this upsert needs it.
            dialect = importlib.import_module(f"sqlalchemy.dialects.{self.dialect}")
            statement = dialect.insert(Description).values(**values)
            session.execute(statement.on_conflict_do_update(
                index_elements=["content_hash", "models_key"],
                set_={"payload": statement.excluded.payload, "created": statement.excluded.created}))

    def delete_descriptions(self, content_hash: str) -> int:
        """Remove every cached description and recognised text of a photo."""
        with self.session() as session, session.begin():
            result = session.execute(delete(Description).where(
                Description.content_hash == content_hash))
            return result.rowcount or 0


class DescriptionCache:
    """Adapter giving the describer's cache protocol (get/put) over the store."""

    def __init__(self, store: RecordStore):
        self.store = store

    def get(self, content_hash: str, models_key: str) -> dict[str, Any] | None:
        return self.store.cached_description(content_hash, models_key)

    def put(self, content_hash: str, models_key: str, payload: dict[str, Any]) -> None:
        self.store.cache_description(content_hash, models_key, payload)


def verify_events(events: Iterable[dict[str, Any]]) -> VerifyReport:
    """Check events given in chain order (from the store or an export) and report plainly."""
    counted = _Counted(events)
    broken = first_break(counted)
    if broken is None:
        noun = "event" if counted.count == 1 else "events"
        return VerifyReport(True, counted.count, None,
                            f"Chain intact: {counted.count} {noun} verified.")
    position, reason = broken
    return VerifyReport(False, position, position + 1,
                        f"Chain broken at record {position + 1}: {reason}.")


class _Counted:
    """Counts the items an iterator hands out, so verify can stream and still say how many."""

    def __init__(self, items: Iterable[Any]):
        self._items = iter(items)
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._items)
        self.count += 1
        return item


CONSENT_FIELDS = frozenset({"purpose", "state", "actor", "photo_hash", "dataset", "form_version",
                            "form_hash", "reason", "detail", "time"})


def _consent_row(decision: dict[str, Any], checked: set[tuple[str, Any]]) -> dict[str, Any]:
    """The decision checked, with its scope. ``checked`` holds the form hashes and actors
    already found valid in this call, so 80,000 rows of one decision check them once."""
    if not CONSENT_FIELDS.issuperset(decision):
        unknown = set(decision) - CONSENT_FIELDS
        raise ValueError(f"A consent decision has no field {sorted(unknown)[0]!r}.")
    state, purpose = decision.get("state"), decision.get("purpose")
    if state not in CONSENT_STATES:
        raise ValueError(f"Unknown consent state {state!r}; use one of {', '.join(CONSENT_STATES)}.")
    if not isinstance(purpose, str) or not purpose.strip():
        raise ValueError("A consent decision needs a named purpose.")
    photo_hash, dataset = decision.get("photo_hash"), decision.get("dataset")
    if (photo_hash is None) == (dataset is None):
        raise ValueError("A consent decision is about one photo or one dataset, not both or neither.")
    if photo_hash is not None:
        _require_hash(photo_hash, "photo_hash")
    form_hash, actor = decision.get("form_hash"), decision.get("actor")
    if form_hash is not None and ("form_hash", form_hash) not in checked:
        _require_hash(form_hash, "form_hash")
        checked.add(("form_hash", form_hash))
    if ("actor", actor) not in checked:
        _require_pseudonym(actor)
        checked.add(("actor", actor))
    return dict(decision, scope="photo" if photo_hash is not None else "dataset",
                dataset=str(dataset) if dataset is not None else None)


def _require_hash(value: Any, name: str) -> None:
    if not (isinstance(value, str) and SHA256_HEX.fullmatch(value)):
        raise ValueError(f"{name} must be a SHA-256 hex digest (64 lowercase hex characters).")


def _require_pseudonym(value: Any, what: str = "actor") -> None:
    if not (isinstance(value, str) and PSEUDONYM.fullmatch(value)):
        raise ValueError(f"The {what} must be a pseudonym: up to 64 letters, digits, '.', '_' "
                         "or '-', no spaces (never a real name).")


def _checked_time(value: Any) -> str:
    if value is None:
        return utc_timestamp()
    try:
        parse_timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"Event time {value!r} is not a UTC time like "
                         "2026-03-05T14:00:00.000000Z.") from None
    return value


def _check_study_detail(detail: dict[str, Any]) -> None:
    for key, value in detail.items():
        if key.lower() in CONTENT_KEYS:
            raise ValueError(f"Study records never hold image content; {key!r} is not allowed.")
        if isinstance(value, (bytes, bytearray, dict, list)):
            raise ValueError(f"Study record detail {key!r} must be a number, flag or short word.")
        if key == "positions":
            if not (isinstance(value, str) and STUDY_POSITIONS.fullmatch(value)):
                raise ValueError("Study record detail 'positions' must be photo positions "
                                 "like 1-12,15.")
            continue
        limit = STUDY_FREE_TEXT.get(key, 80)
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"Study record detail {key!r} is too long to be a code or a choice.")


def _scan_facts(photo: Any, dataset_id: int) -> tuple:
    """(dataset_id, path, size, width, height, orientation, label), as ``upsert_photos``
    compares them with the stored row."""
    return (dataset_id, str(photo.path), photo.size, photo.width, photo.height,
            getattr(photo.exif, "orientation", 1) or 1, photo.label)


def storable_path(path: str | Path) -> bool:
    """Whether a database can keep this path: not when the file system gave it bytes that are
    not UTF-8."""
    return is_utf8(str(path))


def sqlite_file(db_url: Any) -> str | None:
    """The file of a SQLite database address (a string or URL), or None for any other."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        return None
    return url.database if url.get_backend_name() == "sqlite" and url.database else None


def shown_address(db_url: str) -> str:
    """A database address fit to print: its password replaced by ***."""
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an address SQLAlchemy cannot parse
        return PASSWORD_IN_URL.sub(r"\1***@", db_url)


def _departure_sentence(kind: str, head: Head, length: int, where: str) -> str:
    if kind == "cut":
        cut = (f"Event {head.seq} was" if head.seq == length + 1
               else f"Events {length + 1} to {head.seq} were")
        return (f"{cut} cut off the end of the log: the head kept in {where} names event "
                f"{head.seq}, but the log ends at event {length}.")
    return (f"Event {head.seq} is not the one this device wrote: its hash differs from the head "
            f"kept in {where}, so the log was rewritten up to there (every later hash "
            "recomputed) or replaced.")


def _disk_full(db_url: str) -> bool:
    """Whether a SQLite database's disk has no room left (SQLite then often says only
    "disk I/O error", as it cannot grow its WAL or shared-memory file)."""
    database = sqlite_file(db_url)
    try:
        return database is not None and shutil.disk_usage(
            Path(database).parent).free < DISK_FULL_BYTES
    except OSError:
        return False


def _write_failure_sentence(problem: DBAPIError, db_url: str = "") -> str:
    reason = str(getattr(problem, "orig", problem)).strip().splitlines()[0].rstrip(".")
    if "full" in reason.lower() or _disk_full(db_url):
        return (f"Nothing was saved: the records database is full ({reason}). Free some space "
                "and try again.")
    return f"Nothing was saved: the records database could not be written ({reason})."


def _unavailable_sentence(db_url: str, problem: Exception) -> str:
    where = shown_address(db_url)
    if isinstance(problem, NewerSchema):
        return (f"The records database at {where} was written by a newer AccessShare; "
                "update the app to open it.")
    reason = str(getattr(problem, "orig", problem)).strip().splitlines()[0].rstrip(".")
    if _disk_full(db_url):
        return (f"Cannot open the records database at {where}: the disk holding it is full "
                f"({reason}). Free some space and try again.")
    return f"Cannot open the records database at {where}: {reason}."


def _make_engine(db_url: str) -> Engine:
    try:
        url = make_url(db_url)
        if url.get_backend_name() == "sqlite":
            database = url.database
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
            return engine
        # READ COMMITTED whatever the server's default: after waiting for the chain lock, an
        # append must see the head that the previous holder just committed.
        return create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")
    except (ArgumentError, ImportError, OSError, ValueError) as problem:
        reason = PASSWORD_IN_URL.sub(r"\1***@", str(problem).rstrip("."))
        raise RecordsUnavailable(f"The records database address {shown_address(db_url)!r} "
                                 f"cannot be used: {reason}.") from problem


def _plain_rows(connection, query: str, values: tuple) -> list[tuple]:
    """The rows as the driver gives them (tuples: SQLAlchemy's Row objects cost as much as
    hashing, for 80,000 events). A driver error while fetching is raised again through
    SQLAlchemy, as ``DBAPIError``, by reading the rows the usual way."""
    result = connection.exec_driver_sql(query, values)
    try:
        return result.cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error:
        result.close()
    return connection.exec_driver_sql(query, values).fetchall()


def _read_leniently(connection, query: str, values: tuple) -> list[tuple]:
    """Rows holding text that is not UTF-8 (written by hand into the file): read them anyway,
    so their events fail verification with a sentence rather than stop it with a traceback."""
    driver = connection.connection.driver_connection
    driver.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
    try:
        return connection.exec_driver_sql(query, values).fetchall()
    finally:
        driver.text_factory = str


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # A bulk decision over 20,000 photos inserts into three indexes at random places; with
        # the default 2 MB cache SQLite spills pages while inserting (a third more time).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock at once, so reading the chain head and appending
        # after it cannot interleave with another writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


HEAD_REVISION = "0004"  # the newest migration; tests/records checks it is Alembic's head


def alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("accessshare.records") / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Migrate to the newest schema. A store already there is recognised with one query, so
    Alembic (a third of a second to import) is loaded only when there is work for it."""
    with engine.begin() as connection:
        try:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            current = None
            connection.rollback()
        if current == HEAD_REVISION:
            return
    from alembic import command
    from alembic.util import CommandError

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except CommandError as problem:  # a revision this version does not know
        raise NewerSchema(str(problem)) from problem


class NewerSchema(RuntimeError):
    """The database was written by a newer AccessShare."""
