"""The chain's head outside the events table: a one-row ``chain_head`` (store id, seq, hash).

Cutting events off the end of the log, or rewriting one and recomputing every later hash,
leaves a chain that verifies on its own; the head kept here (and in a signed file in the data
folder) names the event the log must still reach. The row starts at the current last event, so
a store upgraded with events in it keeps every one and verifies as before. The database refuses
to delete the row or move it backwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")).first()
    bind.execute(sa.text("INSERT INTO chain_head (id, store_id, seq, hash) "
                         "VALUES (1, :store, :seq, :hash)"),
                 {"store": secrets.token_hex(16), "seq": last[0] if last else 0,
                  "hash": last[1] if last else GENESIS})
    _guard_head(bind.dialect.name)


def _guard_head(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head "
                   "BEGIN SELECT RAISE(ABORT, 'the chain head is kept'); END")
        op.execute("CREATE TRIGGER chain_head_only_forward BEFORE UPDATE ON chain_head "
                   "WHEN NEW.seq < OLD.seq OR NEW.store_id <> OLD.store_id "
                   "BEGIN SELECT RAISE(ABORT, 'the chain head only moves forward'); END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION accessshare_chain_head_forward() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.store_id <> OLD.store_id THEN "
            "RAISE EXCEPTION 'the chain head only moves forward'; END IF; RETURN NEW; END; $$ "
            "LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER chain_head_only_forward BEFORE UPDATE OR DELETE ON chain_head "
                   "FOR EACH ROW EXECUTE FUNCTION accessshare_chain_head_forward()")
        op.execute("CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON chain_head "
                   "FOR EACH STATEMENT EXECUTE FUNCTION accessshare_events_append_only()")


def downgrade() -> None:
    raise RuntimeError("Downgrading the records schema is not supported; it could lose consent records.")
