"""The records schema (SQLAlchemy 2.x). Alembic migrations in ``migrations/`` create it.

Consent and deletion events share ONE append-only chain, the ``events`` table, ordered by a
global ``seq``. Why one chain rather than one per kind: the order BETWEEN kinds carries meaning
("shared, then withdrawn, then deleted"), and with two chains an attacker could drop a whole
chain's tail, or move a deletion before the consent it ended, and each chain would still
verify on its own. With one chain any removal, insertion or reordering breaks the next link,
and a steward checks a single head hash. ``ConsentEvent`` and ``DeletionEvent`` are the two
kinds (single-table inheritance on ``kind``). Deletion events hold the content hash, time,
reason and counts only: never pixels, and never words taken from the photo.

Times are stored as fixed-width UTC strings (``chain.utc_timestamp``) rather than DateTime
columns, so that the text that was hashed is the text that is read back on every database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accessshare.records.states import CONSENT_STATES, DELETION_STATUSES  # noqa: F401 (re-exported)

HASH = String(64)


class Base(DeclarativeBase):
    pass


class Contributor(Base):
    """A data subject, known only by a pseudonym."""

    __tablename__ = "contributors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[str] = mapped_column(String(32))


class Dataset(Base):
    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    __table_args__ = (UniqueConstraint("root", name="uq_datasets_root"),)
    root: Mapped[str] = mapped_column(Text)
    manifest: Mapped[str | None] = mapped_column(Text)
    contributor_id: Mapped[str | None] = mapped_column(ForeignKey("contributors.id"))
    created: Mapped[str] = mapped_column(String(32))


class Photo(Base):
    """A photo known by its content hash; path and label are where it was last seen."""

    __tablename__ = "photos"
    content_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id"))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    orientation: Mapped[int] = mapped_column(Integer, default=1)
    label: Mapped[str | None] = mapped_column(Text)
    seen: Mapped[str] = mapped_column(String(32))


class Description(Base):
    """Cached description of a photo, keyed by content hash and the models that made it."""

    __tablename__ = "descriptions"
    __table_args__ = (UniqueConstraint("content_hash", "models_key", name="uq_descriptions_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_hash: Mapped[str] = mapped_column(HASH, index=True)
    models_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[str] = mapped_column(String(32))


class Event(Base):
    """One link of the append-only, hash-chained log. Never updated or deleted."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_photo_purpose", "photo_hash", "purpose", "seq"),
        Index("ix_events_dataset_purpose", "dataset", "purpose", "seq"),
        UniqueConstraint("hash", name="uq_events_hash"),
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    time: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str | None] = mapped_column(String(16))  # photo | dataset
    photo_hash: Mapped[str | None] = mapped_column(HASH)
    dataset: Mapped[str | None] = mapped_column(Text)  # dataset root folder
    purpose: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(16))
    form_version: Mapped[str | None] = mapped_column(String(64))
    form_hash: Mapped[str | None] = mapped_column(HASH)
    status: Mapped[str | None] = mapped_column(String(16))  # deletion: requested|done|verified
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)  # canonical JSON text, hashed as-is
    prev_hash: Mapped[str] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "event"}

    def chained_fields(self) -> dict[str, Any]:
        from accessshare.records.chain import CHAINED_FIELDS

        fields = {name: getattr(self, name) for name in CHAINED_FIELDS}
        fields["hash"] = self.hash
        return fields


class ConsentEvent(Event):
    __mapper_args__ = {"polymorphic_identity": "consent"}


class DeletionEvent(Event):
    __mapper_args__ = {"polymorphic_identity": "deletion"}


class ChainHead(Base):
    """The chain's head kept outside ``events`` (one row): see ``records.signing``."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    store_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(HASH)


class StudySession(Base):
    """A co-design session, pseudonymous: a participant code, never a name or image content."""

    __tablename__ = "study_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant: Mapped[str] = mapped_column(String(64))
    facilitator: Mapped[str | None] = mapped_column(String(64))
    started: Mapped[str] = mapped_column(String(32))
    ended: Mapped[str | None] = mapped_column(String(32))
    protocol: Mapped[str | None] = mapped_column(String(200))  # the protocol's title
    record_speech: Mapped[bool] = mapped_column(Boolean, default=False)


class StudyEvent(Base):
    __tablename__ = "study_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id"), index=True)
    time: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)  # since the session started
    task: Mapped[int | None] = mapped_column(Integer)  # the protocol's task number, if any
