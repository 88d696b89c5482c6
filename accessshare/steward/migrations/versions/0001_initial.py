"""The steward's first schema: contributors and their pinned keys, their events, the current
state and its changes, and the steward's own hash-chained log (see ``steward.schema``).

The database itself refuses to change or remove events, changes and log entries, to move a
contributor's held head or the log's head backwards, and to change a pinned key.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HASH = sa.String(64)
PSEUDONYM = sa.String(64)
TIME = sa.String(32)
GENESIS = "0" * 64
APPEND_ONLY = ("steward_events", "steward_changes", "steward_log")
# What a contributor's row may never do: be removed, move its head back, change its key (a
# key known only by its fingerprint may be filled in once) or the store its logs come from.
CONTRIBUTOR_FORBIDDEN = ("NEW.pseudonym <> OLD.pseudonym OR NEW.head_seq < OLD.head_seq "
                         "OR NEW.fingerprint <> OLD.fingerprint "
                         "OR (OLD.public_key IS NOT NULL AND NEW.public_key {distinct} "
                         "OLD.public_key) "
                         "OR (OLD.store_id IS NOT NULL AND NEW.store_id {distinct} OLD.store_id)")


def upgrade() -> None:
    op.create_table(
        "steward_contributors",
        sa.Column("pseudonym", PSEUDONYM, primary_key=True),
        sa.Column("fingerprint", HASH, nullable=False),
        sa.Column("public_key", sa.String(64), nullable=True),
        sa.Column("pinned_by", sa.String(16), nullable=False),
        sa.Column("pinned_at", TIME, nullable=False),
        sa.Column("store_id", sa.String(64), nullable=True),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", HASH, nullable=False),
        sa.Column("last_decision", TIME, nullable=True),
        sa.Column("last_import", TIME, nullable=True),
        sa.Column("exported_at", TIME, nullable=True),
    )
    op.create_table(
        "steward_events",
        sa.Column("contributor", PSEUDONYM, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("time", TIME, nullable=False),
        sa.Column("actor", PSEUDONYM, nullable=False),
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
    )
    op.create_table(
        "steward_current",
        sa.Column("contributor", PSEUDONYM, primary_key=True),
        sa.Column("subject", PSEUDONYM, primary_key=True),
        sa.Column("photo_hash", HASH, primary_key=True),
        sa.Column("purpose", sa.String(64), primary_key=True),
        sa.Column("dataset", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(16), nullable=False),
        sa.Column("event_hash", HASH, nullable=True),
        sa.Column("condition", sa.Text, nullable=True),
    )
    # The photos allowed for one purpose, in the order they are listed, read from the index
    # alone; only shared rows are in it, so most rows written cost one index, not two.
    given = sa.text("state = 'given'")
    op.create_index("ix_steward_current_allowed", "steward_current",
                    ["purpose", "subject", "photo_hash"], postgresql_include=["condition"],
                    postgresql_where=given, sqlite_where=given)
    op.create_table(
        "steward_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contributor", PSEUDONYM, nullable=False),
        sa.Column("subject", PSEUDONYM, nullable=False),
        sa.Column("photo_hash", HASH, nullable=False),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("condition", sa.Text, nullable=True),
        sa.Column("time", TIME, nullable=False),
        sa.Column("imported", TIME, nullable=False),
        sa.Column("log_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_steward_changes_time", "steward_changes", ["time"])
    op.create_index("ix_steward_changes_imported", "steward_changes", ["imported"])
    op.create_table(
        "steward_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("time", TIME, nullable=False),
        sa.Column("actor", PSEUDONYM, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("hash", HASH, nullable=False),
    )
    op.create_table(
        "steward_log_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", HASH, nullable=False),
    )
    op.execute(sa.text("INSERT INTO steward_log_head (id, seq, hash) VALUES (1, 0, :genesis)")
               .bindparams(genesis=GENESIS))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _guard_sqlite()
    elif dialect == "postgresql":
        _guard_postgresql()


def _guard_sqlite() -> None:
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    op.execute("CREATE TRIGGER steward_log_head_no_delete BEFORE DELETE ON steward_log_head "
               "BEGIN SELECT RAISE(ABORT, 'the log head is kept'); END")
    op.execute("CREATE TRIGGER steward_log_head_forward BEFORE UPDATE ON steward_log_head "
               "WHEN NEW.seq < OLD.seq BEGIN SELECT RAISE(ABORT, 'the log head only moves "
               "forward'); END")
    op.execute("CREATE TRIGGER steward_contributors_no_delete BEFORE DELETE ON "
               "steward_contributors BEGIN SELECT RAISE(ABORT, 'a contributor is kept'); END")
    op.execute("CREATE TRIGGER steward_contributors_guard BEFORE UPDATE ON steward_contributors "
               f"WHEN {CONTRIBUTOR_FORBIDDEN.format(distinct='IS NOT')} "
               "BEGIN SELECT RAISE(ABORT, 'a pinned key and a held head are kept'); END")


def _guard_postgresql() -> None:
    op.execute("CREATE FUNCTION accessshare_steward_append_only() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ "
               "LANGUAGE plpgsql")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION accessshare_steward_append_only()")
    for table in (*APPEND_ONLY, "steward_log_head", "steward_contributors"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION accessshare_steward_append_only()")
    op.execute("CREATE FUNCTION accessshare_steward_log_head_forward() RETURNS trigger AS $$ "
               "BEGIN IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN "
               "RAISE EXCEPTION 'the log head only moves forward'; END IF; RETURN NEW; END; $$ "
               "LANGUAGE plpgsql")
    op.execute("CREATE TRIGGER steward_log_head_forward BEFORE UPDATE OR DELETE ON "
               "steward_log_head FOR EACH ROW EXECUTE FUNCTION "
               "accessshare_steward_log_head_forward()")
    op.execute("CREATE FUNCTION accessshare_steward_contributor_guard() RETURNS trigger AS $$ "
               "BEGIN IF TG_OP = 'DELETE' OR "
               f"{CONTRIBUTOR_FORBIDDEN.format(distinct='IS DISTINCT FROM')} THEN "
               "RAISE EXCEPTION 'a pinned key and a held head are kept'; END IF; RETURN NEW; "
               "END; $$ LANGUAGE plpgsql")
    op.execute("CREATE TRIGGER steward_contributors_guard BEFORE UPDATE OR DELETE ON "
               "steward_contributors FOR EACH ROW EXECUTE FUNCTION "
               "accessshare_steward_contributor_guard()")


def downgrade() -> None:
    raise RuntimeError("Downgrading the steward's store is not supported; it could lose "
                       "consent records.")
