"""RecordStore: the local (or central PostgreSQL) record of photos, consent and deletion.

Writes of events are serialised and committed before ``append_*`` returns, so the UI says
"saved" only after the decision is durable. SQLite runs in WAL mode with ``synchronous=FULL``
and foreign keys on; ``BEGIN IMMEDIATE`` keeps two writers from forking the chain. On
PostgreSQL a transaction-scoped advisory lock does the same.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from accessshare.config import AppPaths
from accessshare.records.chain import GENESIS_HASH, event_hash, first_break, utc_timestamp
from accessshare.records.models import (CONSENT_STATES, DELETION_STATUSES, ConsentEvent,
                                        Contributor, Dataset, DeletionEvent, Description, Event,
                                        Photo)

CHAIN_LOCK_ID = 0x4143_4353  # "ACCS": the advisory lock that serialises chain appends
SQLITE_BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    first_broken: int | None  # seq (or position) of the first broken record
    message: str


class RecordStore:
    def __init__(self, db_url: str):
        self.url = db_url
        self.engine = _make_engine(db_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        upgrade_to_head(self.engine)

    @classmethod
    def open(cls, paths: AppPaths) -> "RecordStore":
        paths.ensure()
        return cls(paths.db_url)

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
        if state not in CONSENT_STATES:
            raise ValueError(f"Unknown consent state {state!r}; use one of {', '.join(CONSENT_STATES)}.")
        if (photo_hash is None) == (dataset is None):
            raise ValueError("A consent decision is about one photo or one dataset.")
        return self._append(ConsentEvent, scope="photo" if photo_hash else "dataset",
                            photo_hash=photo_hash, dataset=dataset, purpose=purpose, state=state,
                            actor=actor, form_version=form_version, form_hash=form_hash,
                            reason=reason, detail=detail)

    def append_consents(self, decisions: Iterable[dict[str, Any]]) -> list[ConsentEvent]:
        """Several decisions in one transaction: all are saved, or none (bulk and undo)."""
        decisions = list(decisions)
        for decision in decisions:
            if decision.get("state") not in CONSENT_STATES:
                raise ValueError(f"Unknown consent state {decision.get('state')!r}.")
        rows = [dict(decision, scope="photo" if decision.get("photo_hash") else "dataset")
                for decision in decisions]
        return self._append_many(ConsentEvent, rows)

    def append_deletion(self, *, photo_hash: str, status: str, actor: str, reason: str | None = None,
                        detail: dict[str, Any] | None = None) -> DeletionEvent:
        if status not in DELETION_STATUSES:
            raise ValueError(f"Unknown deletion status {status!r}.")
        return self._append(DeletionEvent, scope="photo", photo_hash=photo_hash, status=status,
                            actor=actor, reason=reason, detail=detail)

    def _append(self, kind: type[Event], **fields: Any) -> Event:
        return self._append_many(kind, [fields])[0]

    def _append_many(self, kind: type[Event], rows: list[dict[str, Any]]) -> list[Event]:
        with self.session() as session, session.begin():
            self._lock_chain(session)
            last = session.execute(select(Event.seq, Event.hash).order_by(Event.seq.desc())
                                   .limit(1)).first()
            seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
            created = []
            for row in rows:
                seq += 1
                fields = {name: row.get(name) for name in (
                    "scope", "photo_hash", "dataset", "purpose", "state", "form_version",
                    "form_hash", "status", "reason", "actor")}
                detail = row.get("detail")
                fields.update(
                    seq=seq, kind=kind.__mapper_args__["polymorphic_identity"],
                    time=row.get("time") or utc_timestamp(), prev_hash=prev_hash,
                    detail=json.dumps(detail, sort_keys=True, separators=(",", ":"))
                    if detail is not None else None,
                )
                fields["hash"] = event_hash(fields)
                record = kind(**fields)
                session.add(record)
                created.append(record)
                prev_hash = fields["hash"]
        return created  # committed: the transaction closed without error

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

    def iter_raw_events(self, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Events as plain dicts, read without the ORM so that a tampered ``kind`` still loads."""
        table = Event.__table__
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(select(table).where(table.c.seq > last)
                                          .order_by(table.c.seq).limit(batch)).mappings().all()
            if not rows:
                return
            for row in rows:
                yield dict(row)
            last = rows[-1]["seq"]

    def latest_states(self, photo_hashes: Iterable[str] | None = None
                      ) -> dict[tuple[str, str], ConsentEvent]:
        """(photo hash, purpose) -> the latest per-photo consent event."""
        query = select(ConsentEvent).where(ConsentEvent.scope == "photo").order_by(ConsentEvent.seq)
        if photo_hashes is not None:
            query = query.where(ConsentEvent.photo_hash.in_(list(photo_hashes)))
        latest: dict[tuple[str, str], ConsentEvent] = {}
        with self.session() as session:
            for record in session.scalars(query):
                latest[(record.photo_hash, record.purpose)] = record
        return latest

    def dataset_defaults(self, dataset: str) -> dict[str, ConsentEvent]:
        """purpose -> the latest dataset-wide consent event for ``dataset``."""
        query = (select(ConsentEvent).where(ConsentEvent.scope == "dataset",
                                            ConsentEvent.dataset == dataset)
                 .order_by(ConsentEvent.seq))
        with self.session() as session:
            return {record.purpose: record for record in session.scalars(query)}

    def verify(self) -> VerifyReport:
        """Recompute the whole chain and name the first broken record."""
        events = list(self.iter_raw_events())
        broken = first_break(events)
        if broken is None:
            return VerifyReport(True, len(events), None,
                                f"Chain intact: {len(events)} events verified.")
        position, reason = broken
        seq = events[position].get("seq", position + 1)
        return VerifyReport(False, position, seq, f"Chain broken at record {position + 1}: {reason}.")

    # --- photos, datasets, contributors -----------------------------------------------------

    def contributor(self) -> str:
        """The pseudonym of this data directory's contributor, made on first use."""
        with self.session() as session, session.begin():
            existing = session.scalars(select(Contributor.id).order_by(Contributor.created)).first()
            if existing:
                return existing
            pseudonym = f"contributor-{secrets.token_hex(6)}"
            session.add(Contributor(id=pseudonym, created=utc_timestamp()))
            return pseudonym

    def dataset_id(self, root: str | Path, manifest: str | None = None) -> int:
        root = str(root)
        with self.session() as session, session.begin():
            found = session.scalars(select(Dataset).where(Dataset.root == root)).first()
            if found:
                return found.id
            record = Dataset(root=root, manifest=manifest, created=utc_timestamp())
            session.add(record)
            session.flush()
            return record.id

    def upsert_photos(self, dataset_root: str | Path, photos: Iterable[Any]) -> int:
        """Remember where each scanned photo (a library PhotoInfo) was last seen."""
        dataset = self.dataset_id(dataset_root)
        count = 0
        now = utc_timestamp()
        with self.session() as session, session.begin():
            for photo in photos:
                session.merge(Photo(content_hash=photo.id, dataset_id=dataset, path=str(photo.path),
                                    size=photo.size, width=photo.width, height=photo.height,
                                    orientation=getattr(photo.exif, "orientation", 1),
                                    label=photo.label, seen=now))
                count += 1
        return count

    def photo(self, content_hash: str) -> Photo | None:
        with self.session() as session:
            return session.get(Photo, content_hash)

    def forget_photo(self, content_hash: str) -> None:
        """Remove the photo's path and label (words from the contributor) after deletion."""
        with self.session() as session, session.begin():
            session.execute(delete(Photo).where(Photo.content_hash == content_hash))

    # --- description cache -----------------------------------------------------------------

    def cached_description(self, content_hash: str, models_key: str) -> dict[str, Any] | None:
        with self.session() as session:
            return session.scalars(select(Description.payload).where(
                Description.content_hash == content_hash,
                Description.models_key == models_key)).first()

    def cache_description(self, content_hash: str, models_key: str, payload: dict[str, Any]) -> None:
        with self.session() as session, session.begin():
            session.execute(delete(Description).where(Description.content_hash == content_hash,
                                                      Description.models_key == models_key))
            session.add(Description(content_hash=content_hash, models_key=models_key,
                                    payload=payload, created=utc_timestamp()))

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


def _make_engine(db_url: str) -> Engine:
    if db_url.startswith("sqlite"):
        database = db_url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(db_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(db_url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock at once, so reading the chain head and appending
        # after it cannot interleave with another writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("accessshare.records") / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
