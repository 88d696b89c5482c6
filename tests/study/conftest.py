"""Study tests run on a real SQLite file and on a fresh real PostgreSQL database (when
ACCESSSHARE_TEST_PG_URL is set; CI sets it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accessshare.records import RecordStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from pg_databases import database_url  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    yield from database_url(request.param, f"sqlite:///{tmp_path / 'records.sqlite3'}")


@pytest.fixture
def store(store_url):
    opened = RecordStore(store_url)
    yield opened
    opened.close()
