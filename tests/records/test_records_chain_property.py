"""The chain check on plain event dicts, as an export carries them: any single edit, removal or
reordering is caught at the first place where the list differs from what was written."""

from hypothesis import given, settings
from hypothesis import strategies as st

from accessshare.records import CHAINED_FIELDS, GENESIS_HASH, event_hash, first_break, verify_events
from accessshare.records.chain import canonical_json, utc_timestamp

TEXT = st.text(min_size=1, max_size=12)


@st.composite
def chains(draw, min_size=1):
    size = draw(st.integers(min_size, 12))
    events, previous = [], GENESIS_HASH
    for seq in range(1, size + 1):
        event = {name: None for name in CHAINED_FIELDS}
        event.update(seq=seq, kind=draw(st.sampled_from(["consent", "deletion"])),
                     time=utc_timestamp(), actor=draw(TEXT), scope="photo",
                     photo_hash=draw(st.sampled_from(["a" * 64, "b" * 64])),
                     purpose=draw(TEXT), state=draw(st.sampled_from(["given", "refused"])),
                     reason=draw(st.none() | TEXT), prev_hash=previous)
        event["hash"] = previous = event_hash(event)
        events.append(event)
    return events


@settings(max_examples=150, deadline=None)
@given(chains(), st.data())
def test_any_edited_field_is_caught_at_that_event(events, data):
    target = data.draw(st.integers(0, len(events) - 1))
    field = data.draw(st.sampled_from([*CHAINED_FIELDS, "hash"]))
    value = data.draw(st.none() | TEXT | st.integers(-3, 10**6))
    if value == events[target][field]:
        return
    events[target] = {**events[target], field: value}
    assert first_break(events)[0] == target
    assert verify_events(events).first_broken == target + 1


@settings(max_examples=100, deadline=None)
@given(chains(min_size=2), st.data())
def test_removing_or_swapping_events_is_caught_where_the_list_changes(events, data):
    first = data.draw(st.integers(0, len(events) - 2))
    if data.draw(st.booleans()):
        del events[first]
    else:
        second = data.draw(st.integers(first + 1, len(events) - 1))
        events[first], events[second] = events[second], events[first]
    assert first_break(events)[0] == first


@given(chains())
def test_an_untouched_chain_verifies(events):
    assert first_break(events) is None
    assert verify_events(iter(events)).message.startswith(f"Chain intact: {len(events)} event")


def test_canonical_json_is_sorted_compact_and_names_every_chained_field():
    text = canonical_json({"seq": 1, "actor": "é", "extra": "not hashed"})
    assert text.startswith('{"actor":"é","dataset":null,"detail":null,')
    assert " " not in text and "extra" not in text
    assert list(__import__("json").loads(text)) == sorted(CHAINED_FIELDS)
