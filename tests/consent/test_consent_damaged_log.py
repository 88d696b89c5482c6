"""A damaged consent log on the command line (the real ``accessshare`` command, a real SQLite
file edited by hand): withdrawing, refusing, "not yet decided" and deleting are saved and said
with the damage (exit 1); sharing and undo are refused in one sentence (exit 2) and append
nothing. The window follows the same rule (tests/ui_consent/test_consent_damaged_log.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DAMAGED = "The consent log is damaged, so nothing is shared until it is repaired."
NOT_SHARED = ("accessshare: Not saved: the consent log is damaged, so nothing can be shared "
              "until it is repaired; you can still withdraw, refuse or delete.\n")
PURPOSES = {"research", "train_ai", "public_release", "commercial"}


def command(data_dir: Path, *argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "accessshare", "--data-dir", str(data_dir),
                           *[str(a) for a in argv]], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "ACCESSSHARE_SPEECH_NO_ENGINE": "1"})


def events_after(data_dir: Path, seq: int) -> list[tuple]:
    """(kind, scope, photo hash, dataset, purpose, state, status) of the events after ``seq``,
    read from the SQLite file itself."""
    with sqlite3.connect(data_dir / "records.sqlite3") as db:
        return db.execute("SELECT kind, scope, photo_hash, dataset, purpose, state, status "
                          "FROM events WHERE seq > ? ORDER BY seq", (seq,)).fetchall()


def last_seq(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "records.sqlite3") as db:
        return db.execute("SELECT max(seq) FROM events").fetchone()[0]


@pytest.fixture
def damaged(tmp_path, dataset) -> Path:
    """A data folder whose log was edited by hand after coffee.jpg was shared, then withdrawn."""
    data_dir = tmp_path / "data"
    coffee = dataset / "coffee.jpg"
    for state in ("given", "withdrawn"):
        assert command(data_dir, "consent", "set", coffee, "--purpose", "research",
                       "--state", state).returncode == 0
    with sqlite3.connect(data_dir / "records.sqlite3") as db:
        db.execute("DROP TRIGGER events_no_update")
        db.execute("UPDATE events SET state = 'given' WHERE seq = 2")  # the withdrawal
    assert command(data_dir, "log", "verify").returncode == 1
    return data_dir


def photo_hash(data_dir: Path, name: str) -> str:
    with sqlite3.connect(data_dir / "records.sqlite3") as db:
        return db.execute("SELECT content_hash FROM photos WHERE path LIKE ?",
                          (f"%/{name}",)).fetchone()[0]


def test_a_withdrawal_and_a_refusal_are_saved_and_said_with_the_damage(damaged, dataset):
    before = last_seq(damaged)
    done = command(damaged, "consent", "set", dataset / "coffee.jpg", "--purpose", "all",
                   "--state", "withdrawn")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, f"Withdrawn and saved for 1 photo. {DAMAGED}\n", "")
    coffee = photo_hash(damaged, "coffee.jpg")
    assert {(e[2], e[4], e[5]) for e in events_after(damaged, before)} == {
        (coffee, purpose, "withdrawn") for purpose in PURPOSES}

    before = last_seq(damaged)
    done = command(damaged, "consent", "set", dataset, "--purpose", "commercial",
                   "--state", "refused")
    assert (done.returncode, done.stdout) == (
        1, f"Refused and saved for folder {dataset.name}. {DAMAGED}\n")
    assert [(e[1], e[3], e[4], e[5]) for e in events_after(damaged, before)] == [
        ("dataset", str(dataset.resolve()), "commercial", "refused")]

    before = last_seq(damaged)
    done = command(damaged, "consent", "set", dataset / "camera.jpg", dataset / "coins.jpg",
                   "--purpose", "research", "--state", "pending")
    assert (done.returncode, done.stdout) == (
        1, f"Set back to not yet decided and saved for 2 photos. {DAMAGED}\n")
    assert len(events_after(damaged, before)) == 2


def test_sharing_is_refused_and_appends_nothing(damaged, dataset):
    before = last_seq(damaged)
    for target in (dataset / "coffee.jpg", dataset):
        done = command(damaged, "consent", "set", target, "--purpose", "research",
                       "--state", "given")
        assert (done.returncode, done.stdout, done.stderr) == (2, "", NOT_SHARED)
    assert events_after(damaged, before) == []


def test_undo_is_refused_and_appends_nothing(damaged):
    before = last_seq(damaged)
    done = command(damaged, "consent", "undo")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("accessshare: Nothing was undone: the consent log is damaged, so its "
                           "last decision cannot be trusted; you can still withdraw, refuse or "
                           "delete.\n")
    assert events_after(damaged, before) == []


def test_deleting_is_done_and_said_with_the_damage(damaged, dataset):
    coffee = photo_hash(damaged, "coffee.jpg")
    before = last_seq(damaged)
    done = command(damaged, "delete", dataset / "coffee.jpg", "--reason", "private", "--yes")
    assert (done.returncode, done.stdout, done.stderr) == (
        1, f"Deleted coffee.jpg. No copy remains. {DAMAGED}\n", "")
    assert not (dataset / "coffee.jpg").exists()
    assert [(e[0], e[2], e[6]) for e in events_after(damaged, before)] == [
        ("deletion", coffee, status) for status in ("requested", "done", "verified")]
