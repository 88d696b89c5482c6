"""The chain's head kept outside the events table, on SQLite and PostgreSQL: events cut off
the end, or rewritten with every later hash recomputed, are named; the head file is signed and
never moves back; the device key is private to its owner."""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import text

from accessshare.records import RecordStore
from accessshare.records.chain import event_hash
from accessshare.records.signing import (DeviceKey, HeadKeeper, KeyProblem, check_signature,
                                         sign_document)

PHOTO = "a" * 64


@pytest.fixture
def kept(store_url, tmp_path):
    """A store with a data folder (so a head file), holding five events."""
    with RecordStore(store_url, tmp_path / "data") as store:
        for state in ("given", "withdrawn", "given", "refused", "withdrawn"):
            store.append_consent(purpose="research", state=state, actor="c1", photo_hash=PHOTO)
        assert store.verify().message == "Chain intact: 5 events verified."
    return store_url, tmp_path / "data"


def as_attacker(url: str, *statements: tuple[str, dict]) -> None:
    """Someone with the database's password: drop the guards, then change rows."""
    with RecordStore(url) as store, store.engine.begin() as connection:
        if store.dialect == "sqlite":
            for trigger in ("events_no_update", "events_no_delete", "chain_head_no_delete",
                            "chain_head_only_forward"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS events_append_only ON events"))
            connection.execute(text("DROP TRIGGER IF EXISTS chain_head_only_forward ON chain_head"))
        for sql, values in statements:
            connection.execute(text(sql), values)


def verify(url, data_dir) -> str:
    with RecordStore(url, data_dir) as store:
        report = store.verify()
        assert not report.ok
        return report.message


def test_events_cut_off_the_end_are_named(kept):
    url, data_dir = kept
    as_attacker(url, ("DELETE FROM events WHERE seq >= 4", {}))
    assert verify(url, data_dir).startswith(
        f"Events 4 to 5 were cut off the end of the log: the head kept in "
        f"{HeadKeeper(data_dir).folder}")


def test_the_database_head_alone_finds_a_cut_without_the_data_folder(kept):
    url, _data_dir = kept
    as_attacker(url, ("DELETE FROM events WHERE seq = 5", {}))
    assert verify(url, None) == ("Event 5 was cut off the end of the log: the head kept in the "
                                 "database's chain_head row names event 5, but the log ends at "
                                 "event 4.")


def test_a_rewrite_with_every_hash_recomputed_is_found_by_the_head_file(kept):
    url, data_dir = kept
    with RecordStore(url) as store:
        events = list(store.iter_raw_events())
    events[1]["state"] = "given"
    previous = events[0]["hash"]
    for event in events[1:]:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(event)
    as_attacker(url, *[("UPDATE events SET state = :state, prev_hash = :prev_hash, hash = :hash "
                        "WHERE seq = :seq", e) for e in events[1:]],
                ("UPDATE chain_head SET hash = :hash", {"hash": previous}))
    with RecordStore(url) as store:
        assert store.verify().ok  # the chain alone cannot tell
    assert verify(url, data_dir).startswith("Event 5 is not the one this device wrote: its hash "
                                            "differs from the head kept in ")


def test_an_altered_head_file_is_reported(kept):
    url, data_dir = kept
    with RecordStore(url, data_dir) as store:
        file = HeadKeeper(data_dir).file_for(store.store_id)
    head = json.loads(file.read_text())
    head["seq"] = 3
    file.write_text(json.dumps(head))
    assert "was altered (its signature does not match)" in verify(url, data_dir)


def test_a_replaced_database_is_reported(tmp_path):
    store_url = f"sqlite:///{tmp_path / 'records.sqlite3'}"  # a new file: a replaced database
    data_dir = tmp_path / "data"
    with RecordStore(store_url, data_dir) as store:
        store.append_consent(purpose="research", state="given", actor="c1", photo_hash=PHOTO)
    os.unlink(store_url.removeprefix("sqlite:///"))
    assert "is not the one this data folder wrote to: it was replaced" in verify(store_url,
                                                                                   data_dir)


def test_the_head_file_only_moves_forward_and_keeps_evidence(kept):
    url, data_dir = kept
    as_attacker(url, ("DELETE FROM events WHERE seq = 5", {}))
    with RecordStore(url, data_dir) as store:
        store.append_consent(purpose="research", state="given", actor="c1", photo_hash=PHOTO)
        store.append_consent(purpose="research", state="given", actor="c1", photo_hash=PHOTO)
        kept_head = HeadKeeper(data_dir).read(store.store_id)
        assert kept_head.seq == 5 and kept_head.signed  # not moved onto the rewritten chain
        assert not store.verify().ok


def test_the_device_key_is_private_and_signatures_check(tmp_path):
    key = DeviceKey.load_or_create(tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / "device-key.pem").st_mode)
    assert mode == 0o600
    assert DeviceKey.load_or_create(tmp_path).fingerprint == key.fingerprint
    document = {"b": [1, 2], "a": "é"}
    document.update(sign_document(document, key))
    assert check_signature(document).ok
    document["a"] = "e"
    assert not check_signature(document).ok
    os.chmod(tmp_path / "device-key.pem", 0o644)
    with pytest.raises(KeyProblem, match="can be read by other users"):
        DeviceKey.load_or_create(tmp_path)


def test_text_that_is_not_utf8_fails_verification_in_words(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    with RecordStore(url) as store:
        for state in ("given", "withdrawn"):
            store.append_consent(purpose="research", state=state, actor="c1", photo_hash=PHOTO)
    as_attacker(url, ("UPDATE events SET reason = CAST(X'ff41' AS TEXT) WHERE seq = 2", {}))
    assert verify(url, None) == ("Chain broken at record 2: event 2 was altered after it was "
                                 "written (its hash does not match).")
