"""Decisions: what the contributor hears, what is stored, and undo by new events."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pytest

from accessshare.consent.decisions import spoken_date, spoken_time
from accessshare.library import scan
from accessshare.records import RecordStore


def photo_id(n: int) -> str:
    return hashlib.sha256(f"photo {n}".encode()).hexdigest()


@pytest.fixture
def known(store, dataset):
    """The dataset's photos, scanned and known to the store: relpath -> hash."""
    photos = scan(dataset).photos
    store.upsert_photos(dataset.resolve(), photos)
    return {p.relpath: p.id for p in photos}


def test_a_new_photo_is_not_yet_decided(decisions):
    assert decisions.summary(photo_id(1)) == "Not yet decided."
    assert set(decisions.states(photo_id(1)).values()) == {"pending"}


def test_summaries_say_the_state_plainly(decisions):
    photo = photo_id(1)
    decisions.decide_photos([photo], "research", "given")
    assert decisions.summary(photo) == "Shared for research; other purposes not yet decided."
    decisions.decide_photos([photo], ["train_ai", "public_release", "commercial"], "refused")
    assert decisions.summary(photo) == ("Shared for research, not for training AI models, "
                                        "public dataset release or commercial use.")
    decisions.decide_photos([photo], "research", "withdrawn")
    assert decisions.summary(photo) == ("Not shared for training AI models, public dataset "
                                        "release or commercial use, withdrawn from research.")
    decisions.decide_photos([photo], None, "refused")
    assert decisions.summary(photo) == "Not shared for any purpose."


def test_every_decision_is_saved_with_the_form_before_returning(paths, decisions, form):
    count = decisions.decide_photos([photo_id(n) for n in range(5)], "commercial", "refused")
    assert count == 5
    with RecordStore.open(paths) as other:  # a second connection sees it: it was committed
        events = other.events(kind="consent")
    assert len(events) == 5
    assert {(e.form_version, e.form_hash, e.state, e.purpose) for e in events} == {
        ("1.0", form.sha256, "refused", "commercial")}
    assert len({json.loads(e.detail)["decision"] for e in events}) == 1  # one bulk decision


def test_the_dataset_default_applies_until_a_photo_has_its_own(decisions, known, dataset):
    decisions.decide_dataset(dataset, "research", "given")
    coffee, cat = known["coffee.jpg"], known["chelsea.jpg"]
    decisions.decide_photos([cat], "research", "refused")
    assert decisions.effective(coffee)["research"].source == "dataset"
    assert decisions.states(coffee)["research"] == "given"
    assert decisions.states(cat)["research"] == "refused"
    decisions.decide_dataset(dataset, "research", "withdrawn")
    assert decisions.states(coffee)["research"] == "withdrawn"
    assert decisions.states(cat)["research"] == "refused"  # the photo's own decision wins


def test_history_is_spoken_in_sentences(decisions, store):
    photo = photo_id(1)
    decisions.decide_photos([photo], "research", "given")
    decisions.decide_photos([photo], "research", "withdrawn")
    first, second = store.events()
    today = spoken_date(first.time)
    # Two steps on one day: each says its time, the second only its time.
    assert decisions.history(photo) == [
        f"You shared this for research on {today} at {spoken_time(first.time)} "
        f"and withdrew it at {spoken_time(second.time)}."]
    # The same decision again (Y, then the purposes dialog ticking research) says "again".
    decisions.decide_photos([photo], "research", "given")
    decisions.decide_photos([photo], "research", "given")
    third, fourth = store.events()[2:]
    assert decisions.history(photo) == [
        f"You shared this for research on {today} at {spoken_time(first.time)}, "
        f"withdrew it at {spoken_time(second.time)}, shared it at {spoken_time(third.time)} "
        f"and shared it again at {spoken_time(fourth.time)}."]
    assert spoken_time("2026-03-05T10:04:59.000000Z") == "10:04"
    assert spoken_date("2026-03-05T10:00:00.000000Z",
                       datetime(2026, 6, 1, tzinfo=timezone.utc)) == "5 March"
    assert spoken_date("2025-03-05T10:00:00.000000Z",
                       datetime(2026, 6, 1, tzinfo=timezone.utc)) == "5 March 2025"


def test_undo_restores_the_previous_state_with_new_events(decisions, known, dataset, store):
    coffee, cat = known["coffee.jpg"], known["chelsea.jpg"]
    decisions.decide_dataset(dataset, "research", "given")
    decisions.decide_photos([coffee], "research", "refused")
    decisions.decide_photos([coffee, cat], ["research", "commercial"], "withdrawn")
    before = len(store.events())
    undone = decisions.undo_last()
    assert undone.photo_hashes == (coffee, cat) and undone.events == 4
    assert undone.sentence == "Undone for 2 photos."
    assert decisions.states(coffee)["research"] == "refused"
    assert decisions.states(cat)["research"] == "given"  # back to following the folder
    assert decisions.effective(cat)["research"].source == "dataset"
    assert decisions.states(cat)["commercial"] == "pending"
    assert len(store.events()) == before + 4  # nothing removed, four events added
    assert decisions.undo_last().sentence == (
        "Undone. Shared for research; other purposes not yet decided.")
    assert decisions.undo_last().sentence == "Undone for the whole folder."
    assert decisions.states(coffee)["research"] == "pending"
    assert decisions.undo_last() is None
    assert store.verify().ok


def test_unknown_purpose_and_state_are_refused_plainly(decisions):
    with pytest.raises(KeyError, match="has no purpose 'marketing'"):
        decisions.decide_photos([photo_id(1)], "marketing", "given")
    with pytest.raises(ValueError, match="Unknown consent state 'maybe'"):
        decisions.decide_photos([photo_id(1)], "research", "maybe")


def test_the_gui_keys_share_only_refuse_all_and_reset_are_one_decision_each(decisions, store):
    photos = [photo_id(1), photo_id(2)]
    assert decisions.share_only(photos, ["research", "train_ai"]) == 2
    assert decisions.summary(photos[0]) == ("Shared for research and training AI models, not "
                                            "for public dataset release or commercial use.")
    decisions.refuse_all(photos[:1])
    assert decisions.states(photos[0]) == {"research": "withdrawn", "train_ai": "withdrawn",
                                           "public_release": "refused", "commercial": "refused"}
    decisions.reset(photos)
    assert decisions.summary(photos[1]) == "Not yet decided."
    assert decisions.undo_last().sentence == "Undone for 2 photos."
    assert decisions.states(photos[1])["train_ai"] == "given"
    assert decisions.undo_last().sentence == ("Undone. Shared for research and training AI "
                                              "models, not for public dataset release or "
                                              "commercial use.")
    assert decisions.decide_states(photos, {"research": "given", "commercial": "refused"}) == 2
    assert len(store.events()) == 8 + 4 + 8 + 8 + 4 + 4


def test_one_decision_for_every_purpose_reads_as_one_sentence_per_outcome(decisions, store):
    photo = photo_id(2)
    decisions.share_only([photo], ["research"])
    today = spoken_date(store.events()[0].time)
    others = [decisions.purpose_words(p) for p in decisions.purpose_ids if p != "research"]
    assert decisions.history(photo) == [
        f"You shared this for research on {today}.",
        f"You refused this for {', '.join(others[:-1])} and {others[-1]} on {today}."]
