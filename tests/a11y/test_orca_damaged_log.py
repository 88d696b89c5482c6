"""What Orca says on a damaged consent log (ACCESSIBILITY.md, recipe 4).

Two photos were shared, then the consent log was edited by hand in its SQLite file. The app
opens under a private Orca: it must say once, whole, that the log is damaged; N on the first
photo must be saved and said with the damage, once and whole; Y must be refused, once and
whole, and append nothing to the SQLite file.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from orca_harness import app_command, expect, key, private_env, quiet, run_orca, skip_without_orca

pytestmark = pytest.mark.xvfb

PHOTOS = ("coffee.jpg", "mug-in-the-dark.jpg")


def _damaged_log(tmp_path, dataset) -> tuple[str, str, int, str]:
    """Share both photos, then edit a shared event in the SQLite file by hand. Returns the
    records file, the sentence the window says at start, the last event's number, and the
    first photo's id."""
    from accessshare.app.consent import ConsentService
    from accessshare.config import resolve_paths
    from accessshare.consent.form import load_form
    from accessshare.consent.walk import record_walk_completed
    from accessshare.library import scan
    from accessshare.records import RecordStore

    paths = resolve_paths(tmp_path / "data").ensure()
    store = RecordStore.open(paths)
    record_walk_completed(store, load_form())  # Y is a decision, not the walk's offer
    photos = scan(dataset).photos
    store.upsert_photos(dataset.resolve(), photos)
    ConsentService(store, paths).share(photos, ["research"])
    store.close()
    records = str(paths.data_dir / "records.sqlite3")
    with sqlite3.connect(records) as db:
        db.execute("DROP TRIGGER events_no_update")
        db.execute("UPDATE events SET state = 'given' WHERE seq = "
                   "(SELECT min(seq) FROM events WHERE state = 'refused')")
    store = RecordStore.open(paths)
    try:
        start_sentence = ConsentService(store, paths).check_log()
    finally:
        store.close()
    assert start_sentence.startswith("The consent log is damaged"), start_sentence
    first = next(p.id for p in photos if p.relpath == PHOTOS[0])
    return records, start_sentence, _last_seq(records), first


def _last_seq(records: str) -> int:
    with sqlite3.connect(records) as db:
        return db.execute("SELECT max(seq) FROM events").fetchone()[0]


def _said_once_whole(said: list[str], sentence: str, opening: str) -> None:
    """Exactly one utterance holds ``opening``, and it holds the whole ``sentence``."""
    holding = [line for line in said if opening in line]
    assert len(holding) == 1, f"{opening!r} said {len(holding)} times: {holding}"
    assert sentence in holding[0], f"cut: {holding[0]!r} is not {sentence!r}"


def test_orca_says_the_damage_once_and_whole_saves_n_and_refuses_y(tmp_path):
    skip_without_orca()
    from accessshare.consent.form import load_form
    from accessshare.paths import sample_dataset
    from accessshare.sentences import en

    dataset = tmp_path / "dataset"
    dataset.mkdir()
    for name in PHOTOS:
        shutil.copy(sample_dataset() / name, dataset / name)
    records, start_sentence, before, first = _damaged_log(tmp_path, dataset)
    withdrawn = en.saved_on_damaged_log("withdrawn")
    steps = [
        expect(start_sentence, timeout=30, from_start=True), quiet(1.5),
        key("n", withdrawn), quiet(1.5),
        key("y", en.NOT_SHARED_LOG_DAMAGED), quiet(1.5),
    ]
    run = run_orca(tmp_path, steps, app_command(dataset), env=private_env(tmp_path),
                   ready=f"Photo 1 of 2. {PHOTOS[0]}.")
    run.check()
    said = run.app_said()
    _said_once_whole(said, start_sentence, "The consent log is damaged, so no photo counts")
    _said_once_whole(said, withdrawn, "Withdrawn and saved")
    _said_once_whole(said, en.NOT_SHARED_LOG_DAMAGED, "Not saved:")
    assert not run.repeats(), f"Orca said these twice in a row: {run.repeats()}"

    # N appended its withdrawals (the first photo, every purpose); Y appended nothing.
    with sqlite3.connect(records) as db:
        added = db.execute("SELECT photo_hash, purpose, state FROM events WHERE seq > ? "
                           "ORDER BY seq", (before,)).fetchall()
    purposes = {purpose.id for purpose in load_form().purposes}
    assert sorted(added) == sorted((first, purpose, "withdrawn") for purpose in purposes), added
