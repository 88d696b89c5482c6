"""A fresh database on the real PostgreSQL server that ACCESSSHARE_TEST_PG_URL names, for one
test, dropped afterwards (with any connection the test left open)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("ACCESSSHARE_TEST_PG_URL")


def fresh_pg_database(prefix: str = "accessshare_t", server_url: str | None = None
                      ) -> tuple[str, Callable[[], None]]:
    """(the new database's URL, a function that drops it), on the server of ``server_url``
    (by default ACCESSSHARE_TEST_PG_URL's)."""
    base = make_url(server_url or PG_URL)
    name = f"{prefix}_{secrets.token_hex(5)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(
                # Only our own leftover connections: autovacuum workers belong to the server,
                # may not be terminated by this role, and DROP DATABASE stops them itself.
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name "
                "AND usename = current_user AND pid <> pg_backend_pid()"),
                {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def database_url(backend: str, sqlite_url: str, prefix: str = "accessshare_t") -> Iterator[str]:
    """For a fixture parametrised over ["sqlite", "postgresql"]: yields ``sqlite_url``, or a
    fresh PostgreSQL database's URL (skipping without ACCESSSHARE_TEST_PG_URL; CI sets it)."""
    if backend == "sqlite":
        yield sqlite_url
        return
    if not PG_URL:
        pytest.skip("PostgreSQL store tests need ACCESSSHARE_TEST_PG_URL (CI sets it)")
    url, drop = fresh_pg_database(prefix)
    try:
        yield url
    finally:
        drop()
