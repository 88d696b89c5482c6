"""Study records: time since the session started and the task of each event, and what a
session records (its protocol's title, whether the participant agreed to recording speech).

Existing study rows keep their values; the new columns are empty for them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("study_events") as table:
        table.add_column(sa.Column("elapsed_ms", sa.Integer, nullable=True))
        table.add_column(sa.Column("task", sa.Integer, nullable=True))
    with op.batch_alter_table("study_sessions") as table:
        table.add_column(sa.Column("protocol", sa.String(200), nullable=True))
        table.add_column(sa.Column("record_speech", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    raise RuntimeError("Downgrading the records schema is not supported; it could lose consent records.")
