"""The first schema: contributors, datasets, photos, description cache, the event chain, study.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HASH = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "contributors",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created", sa.String(32), nullable=False),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("manifest", sa.Text, nullable=True),
        sa.Column("contributor_id", sa.String(64), sa.ForeignKey("contributors.id"), nullable=True),
        sa.Column("created", sa.String(32), nullable=False),
        sa.UniqueConstraint("root", name="uq_datasets_root"),
    )
    op.create_table(
        "photos",
        sa.Column("content_hash", HASH, primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id"), nullable=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("orientation", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=True),
        sa.Column("seen", sa.String(32), nullable=False),
    )
    op.create_table(
        "descriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("content_hash", HASH, nullable=False),
        sa.Column("models_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.UniqueConstraint("content_hash", "models_key", name="uq_descriptions_key"),
    )
    op.create_index("ix_descriptions_content_hash", "descriptions", ["content_hash"])
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=True),
        sa.Column("photo_hash", HASH, nullable=True),
        sa.Column("dataset", sa.Text, nullable=True),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("form_version", sa.String(64), nullable=True),
        sa.Column("form_hash", HASH, nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.UniqueConstraint("hash", name="uq_events_hash"),
    )
    op.create_index("ix_events_photo_purpose", "events", ["photo_hash", "purpose", "seq"])
    op.create_index("ix_events_dataset_purpose", "events", ["dataset", "purpose", "seq"])
    op.create_table(
        "study_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("participant", sa.String(64), nullable=False),
        sa.Column("facilitator", sa.String(64), nullable=True),
        sa.Column("started", sa.String(32), nullable=False),
        sa.Column("ended", sa.String(32), nullable=True),
    )
    op.create_table(
        "study_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("study_sessions.id"), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=True),
    )
    op.create_index("ix_study_events_session_id", "study_events", ["session_id"])
    _forbid_event_changes()


def _forbid_event_changes() -> None:
    """The database itself refuses to update or delete an event."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION accessshare_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'events are append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION accessshare_events_append_only()"
        )


def downgrade() -> None:
    raise RuntimeError("Downgrading the records schema is not supported; it could lose consent records.")
