import pytest
from sqlalchemy import text

from accessshare.records import RecordStore
from accessshare.records.chain import CHAINED_FIELDS

PHOTO_A, PHOTO_B = "a" * 64, "b" * 64


def _fill(store: RecordStore, count: int = 6) -> None:
    actor = store.contributor()
    states = ["given", "refused", "withdrawn", "pending"]
    for index in range(count):
        if index % 3 == 2:
            store.append_deletion(photo_hash=PHOTO_B, status="requested", actor=actor,
                                  reason="I changed my mind")
        else:
            store.append_consent(purpose="research", state=states[index % 4], actor=actor,
                                 photo_hash=PHOTO_A, form_version="1", form_hash="f" * 64,
                                 detail={"via": "test"})


def test_appended_events_form_a_verifying_chain(store):
    _fill(store)
    report = store.verify()
    assert report.ok, report.message
    assert report.checked == 6
    assert report.message == "Chain intact: 6 events verified."
    events = store.events()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    assert {e.kind for e in events} == {"consent", "deletion"}


def test_latest_state_and_dataset_defaults(store):
    actor = store.contributor()
    store.append_consent(purpose="research", state="given", actor=actor, photo_hash=PHOTO_A)
    store.append_consent(purpose="research", state="withdrawn", actor=actor, photo_hash=PHOTO_A)
    store.append_consent(purpose="commercial", state="refused", actor=actor, dataset="/photos")
    latest = store.latest_states()
    assert latest[(PHOTO_A, "research")].state == "withdrawn"
    assert store.dataset_defaults("/photos")["commercial"].state == "refused"


def test_database_refuses_to_update_or_delete_events(store):
    _fill(store, 2)
    for statement in ("UPDATE events SET state = 'given' WHERE seq = 1",
                      "DELETE FROM events WHERE seq = 1"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as connection:
                connection.execute(text(statement))
    assert store.verify().ok


def _drop_guards(store: RecordStore) -> None:
    with store.engine.begin() as connection:
        if store.dialect == "sqlite":
            connection.execute(text("DROP TRIGGER events_no_update"))
            connection.execute(text("DROP TRIGGER events_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER events_append_only ON events"))


TAMPERABLE = [name for name in CHAINED_FIELDS if name not in ("seq",)] + ["hash"]


@pytest.mark.parametrize("field", TAMPERABLE)
@pytest.mark.parametrize("target", [1, 4, 6])
def test_altering_any_field_of_any_event_is_caught_at_that_event(store, field, target):
    _fill(store)
    _drop_guards(store)
    replacement = "1" * 64 if field in ("hash", "prev_hash", "photo_hash", "form_hash") else "tampered"
    with store.engine.begin() as connection:
        connection.execute(text(f"UPDATE events SET {field} = :value WHERE seq = :seq"),
                           {"value": replacement, "seq": target})
    report = store.verify()
    assert not report.ok
    assert report.first_broken == target, report.message
    assert f"record {target}" in report.message


def test_removing_an_event_is_caught_where_the_gap_is(store):
    _fill(store)
    _drop_guards(store)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE seq = 3"))
    report = store.verify()
    assert not report.ok and report.first_broken == 3
    assert report.message.startswith("Chain broken at record 3: event 3 is missing")


def test_renumbering_an_event_names_the_missing_one(store):
    _fill(store)
    _drop_guards(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE events SET seq = 1000 WHERE seq = 4"))
    report = store.verify()
    assert (report.ok, report.first_broken) == (False, 4)
    assert "event 4 is missing" in report.message


def test_swapping_two_events_is_caught_at_the_earlier_place(store):
    _fill(store)
    _drop_guards(store)
    with store.engine.begin() as connection:
        for old, new in ((2, 100), (5, 2), (100, 5)):
            connection.execute(text("UPDATE events SET seq = :new WHERE seq = :old"),
                               {"new": new, "old": old})
    report = store.verify()
    assert (report.ok, report.first_broken) == (False, 2)
    assert "prev_hash differs" in report.message or "altered" in report.message


def test_emptying_the_chain_is_refused(store):
    _fill(store, 2)
    # Row triggers do not fire on PostgreSQL's TRUNCATE; a statement trigger must refuse it.
    emptying = "TRUNCATE events" if store.dialect == "postgresql" else "DELETE FROM events"
    with pytest.raises(Exception, match="append-only"):
        with store.engine.begin() as connection:
            connection.execute(text(emptying))
    assert store.verify().checked == 2


def test_a_rejected_decision_leaves_the_chain_untouched(store):
    _fill(store, 2)
    bad_batch = [
        {"photo_hash": PHOTO_A, "purpose": "research", "state": "given", "actor": "c1"},
        {"photo_hash": PHOTO_A, "purpose": "research", "state": "maybe", "actor": "c1"},
    ]
    with pytest.raises(ValueError, match="Unknown consent state 'maybe'"):
        store.append_consents(bad_batch)
    assert [e.seq for e in store.events()] == [1, 2]


@pytest.mark.parametrize("change, sentence", [
    ({"state": "yes"}, "Unknown consent state"),
    ({"purpose": " "}, "needs a named purpose"),
    ({"photo_hash": "not-a-hash"}, "SHA-256 hex digest"),
    ({"dataset": "/photos"}, "one photo or one dataset"),
    ({"actor": "Jane Doe"}, "must be a pseudonym"),
    ({"time": "yesterday"}, "is not a UTC time"),
    ({"colour": "red"}, "has no field 'colour'"),
])
def test_bad_decisions_get_one_clear_sentence(store, change, sentence):
    decision = {"photo_hash": PHOTO_A, "purpose": "research", "state": "given", "actor": "c1"}
    with pytest.raises(ValueError, match=sentence):
        store.append_consents([{**decision, **change}])
    assert store.events() == []


def test_a_deletion_tombstone_refuses_words(store):
    with pytest.raises(ValueError, match="counts and flags only"):
        store.append_deletion(photo_hash=PHOTO_A, status="done", actor="c1",
                              detail={"description": "A man holding his bank card."})
    done = store.append_deletion(photo_hash=PHOTO_A, status="done", actor="c1",
                                 reason="I changed my mind", detail={"thumbnails_removed": 1})
    assert [(e.kind, e.status, e.reason) for e in store.events(photo_hash=PHOTO_A)] == [
        ("deletion", "done", "I changed my mind")]
    assert done.seq == 1
