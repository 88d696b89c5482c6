"""Alembic environment of the steward's store: runs on the connection that StewardStore hands
over, with its own version table."""

from alembic import context

from accessshare.steward.schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
