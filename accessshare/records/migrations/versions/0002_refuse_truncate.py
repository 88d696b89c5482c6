"""PostgreSQL: refuse TRUNCATE of the event chain too (row triggers do not see TRUNCATE).

SQLite has no TRUNCATE; its DELETE trigger from 0001 already covers ``DELETE FROM events``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION accessshare_events_append_only()"
        )


def downgrade() -> None:
    raise RuntimeError("Downgrading the records schema is not supported; it could lose consent records.")
