"""A pinned key may be replaced, only on the record: ``steward_key_replacements`` keeps each
deliberate replacement (``accessshare steward repin``: who, when, why, the old and the new
fingerprint), append only, and the database lets a contributor's fingerprint change only to
the one their latest replacement names. Everything else the first schema refuses stays
refused: the held head never moves back, the records store never changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

HASH = sa.String(64)
PSEUDONYM = sa.String(64)
TIME = sa.String(32)
TABLE = "steward_key_replacements"
# The key may change only to the one the contributor's latest recorded replacement names;
# the public key (filled in once) then changes with it.
CONTRIBUTOR_FORBIDDEN = (
    "NEW.pseudonym <> OLD.pseudonym OR NEW.head_seq < OLD.head_seq "
    "OR (NEW.fingerprint <> OLD.fingerprint AND NOT EXISTS (SELECT 1 FROM steward_key_replacements r "
    "WHERE r.pseudonym = OLD.pseudonym AND r.old_fingerprint = OLD.fingerprint "
    "AND r.new_fingerprint = NEW.fingerprint AND r.id = (SELECT max(id) FROM "
    "steward_key_replacements WHERE pseudonym = OLD.pseudonym))) "
    "OR (NEW.fingerprint = OLD.fingerprint AND OLD.public_key IS NOT NULL "
    "AND NEW.public_key {distinct} OLD.public_key) "
    "OR (OLD.store_id IS NOT NULL AND NEW.store_id {distinct} OLD.store_id)")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pseudonym", PSEUDONYM, nullable=False),
        sa.Column("old_fingerprint", HASH, nullable=False),
        sa.Column("new_fingerprint", HASH, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("time", TIME, nullable=False),
        sa.Column("actor", PSEUDONYM, nullable=False),
        sa.Column("log_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_steward_key_replacements_pseudonym", TABLE, ["pseudonym", "id"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")
        op.execute("DROP TRIGGER steward_contributors_guard")
        op.execute("CREATE TRIGGER steward_contributors_guard BEFORE UPDATE ON "
                   f"steward_contributors WHEN {CONTRIBUTOR_FORBIDDEN.format(distinct='IS NOT')} "
                   "BEGIN SELECT RAISE(ABORT, 'a pinned key and a held head are kept'); END")
    elif dialect == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   "FOR EACH ROW EXECUTE FUNCTION accessshare_steward_append_only()")
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION accessshare_steward_append_only()")
        op.execute("CREATE OR REPLACE FUNCTION accessshare_steward_contributor_guard() RETURNS "
                   "trigger AS $$ BEGIN IF TG_OP = 'DELETE' OR "
                   f"{CONTRIBUTOR_FORBIDDEN.format(distinct='IS DISTINCT FROM')} THEN "
                   "RAISE EXCEPTION 'a pinned key and a held head are kept'; END IF; "
                   "RETURN NEW; END; $$ LANGUAGE plpgsql")


def downgrade() -> None:
    raise RuntimeError("Downgrading the steward's store is not supported; it could lose "
                       "consent records.")
