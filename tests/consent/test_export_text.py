"""The verifier's shared canonical texts are byte for byte the general ones: for an export as
written, and for events and documents of any odd shape (which go the general way), so a
signature and a chain verify or fail exactly as they did before the texts were shared."""

from __future__ import annotations

import copy
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from accessshare.consent import load_form
from accessshare.consent.export import exported_event, signed_log, verify_export_document
from accessshare.consent.export_text import EventTexts, signed_text
from accessshare.records.chain import CHAINED_FIELDS, GENESIS_HASH, canonical_json, event_hash
from accessshare.records.signing import DeviceKey, canonical_bytes, signed_message

FORM = load_form()
KEY = DeviceKey(Ed25519PrivateKey.generate())


def reference(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def a_log(count: int = 4) -> dict:
    """A signed export of ``count`` events: shares, a refusal with a condition, a deletion."""
    events, previous = [], GENESIS_HASH
    photo = "ab" * 32
    for seq in range(1, count + 1):
        event = {name: None for name in CHAINED_FIELDS}
        event.update(seq=seq, kind="consent", time=f"2026-01-05T09:00:{seq:02d}.000000Z",
                     actor="contributor-0123456789ab", scope="photo", photo_hash=photo,
                     purpose="research", state="given", form_version=FORM.version,
                     form_hash=FORM.sha256, detail='{"redact":["faces"]}', prev_hash=previous)
        if seq == count:
            event.update(kind="deletion", purpose=None, state=None, form_version=None,
                         form_hash=None, status="requested", reason="é\u2028 \"quoted\"",
                         detail='{"copies":1}')
        event["hash"] = previous = event_hash(event)
        events.append(exported_event(event))
    return signed_log("contributor-0123456789ab", events, {photo: "/home/x/photos"}, FORM,
                      "0" * 32, KEY)


LOG = a_log()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3), max_leaves=6)


def texts_of(log: dict) -> EventTexts:
    texts = EventTexts()
    for record in log["records"]:
        for event in record["events"]:
            found = texts.hash(event)
            assert found is None or found == event_hash(event)
    return texts


def test_an_export_as_written_takes_the_shared_way_and_verifies():
    texts = texts_of(LOG)
    assert len(texts.whole) == 4  # every event, consent and deletion alike
    assert signed_text(LOG, texts) == reference({k: v for k, v in LOG.items()
                                                 if k != "signature"})
    assert verify_export_document(json.loads(json.dumps(LOG)), "log.json").ok


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, 3), field=st.sampled_from(
    (*CHAINED_FIELDS, "hash", "consent_status", "notice", "extra")), value=json_values,
    remove=st.booleans())
def test_any_event_gives_the_general_texts(index, field, value, remove):
    log = copy.deepcopy(LOG)
    event = log["records"][0]["events"][index]
    if remove:
        event.pop(field, None)
    else:
        event[field] = value
    texts = texts_of(log)
    if _plain(event):
        assert canonical_json(event) == reference({name: event.get(name)
                                                   for name in CHAINED_FIELDS})
    whole = texts.whole.get(id(event))
    assert whole is None or whole[1] == reference(event)
    assert signed_message(signed_text(log, texts)) == canonical_bytes(log)


def _plain(event: dict) -> bool:
    """Whether the chained fields hold no object (whose keys the chain keeps in their order)."""
    return not any(isinstance(event.get(name), (dict, list)) for name in CHAINED_FIELDS)


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(("top", "records", "record", "events")), value=json_values)
def test_any_document_gives_the_general_message_or_goes_the_general_way(path, value):
    log = copy.deepcopy(LOG)
    texts = texts_of(log)
    events = log["records"][0]["events"]  # kept alive, as the verifier keeps the document
    target = {"top": log, "records": log, "record": log["records"][0],
              "events": log["records"][0]}[path]
    target[{"top": "zz extra", "records": "records", "record": "notes",
            "events": "events"}[path]] = value
    text = signed_text(log, texts)
    assert events
    try:
        expected = canonical_bytes(log)
    except TypeError:  # keys that cannot be sorted: neither way gives a text
        assert text is None
        return
    assert text is None or signed_message(text) == expected


def test_a_changed_value_changes_the_message_and_the_signature_fails():
    log = json.loads(json.dumps(LOG))
    log["records"][0]["events"][1]["reason"] = "added later"
    report = verify_export_document(log, "log.json")
    assert not report.ok and "altered at event 2" in report.message
