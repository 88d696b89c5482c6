"""Fixtures for the steward's store: a fresh store on SQLite or on the real PostgreSQL server,
and contributors with real data folders who decide and export through the command line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "helpers"))  # pg_databases
sys.path.insert(0, str(REPO / "bench"))  # bench_steward: signed logs made in bulk

from contributors import Contributor, run  # noqa: E402
from pg_databases import database_url  # noqa: E402

SAMPLE = REPO / "assets" / "sample"


@pytest.fixture
def contributor(tmp_path, capsys):
    """contributor("alice", ["coffee.jpg", ...]) -> a Contributor with copies of those photos."""
    def make(name: str, photos: list[str]) -> Contributor:
        home = tmp_path / name
        folder = home / "photos"
        folder.mkdir(parents=True)
        for photo in photos:
            shutil.copy(SAMPLE / photo, folder / photo)
        return Contributor(home / "data", folder, capsys)
    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def steward_db(request, tmp_path):
    """The steward's store: a SQLite file, or a fresh database on the real PostgreSQL server."""
    yield from database_url(request.param, f"sqlite:///{tmp_path / 'steward.sqlite3'}",
                            prefix="accessshare_steward")


@pytest.fixture
def steward(capsys, steward_db):
    """steward("import", FILE...) runs ``accessshare steward ... --db <the store>``."""
    def command(*argv) -> tuple[int, str, str]:
        return run(capsys, "steward", *argv, "--db", steward_db)
    return command
