"""Store fixtures: every store test runs on a real SQLite file and, when
ACCESSSHARE_TEST_PG_URL is set (CI sets it), on a fresh database of a real PostgreSQL server."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from accessshare.records import RecordStore

PG_URL = os.environ.get("ACCESSSHARE_TEST_PG_URL")


def _fresh_pg_database() -> tuple[str, Callable[[], None]]:
    base = make_url(PG_URL)
    name = f"accessshare_t_{secrets.token_hex(5)}"
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


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL store tests need ACCESSSHARE_TEST_PG_URL (CI sets it)")
    url, drop = _fresh_pg_database()
    yield url
    drop()


@pytest.fixture
def store(store_url):
    opened = RecordStore(store_url)
    yield opened
    opened.close()

