"""Replacing a contributor's pinned key when their device key was lost and made anew, on
SQLite and on the real PostgreSQL server, through the command line: the new key's logs are
refused (and the refusal says how to replace the key), then taken after ``steward repin``,
which the steward's log records; a forged history signed by the new key is still refused;
bad input gets one sentence and exit status 1; the database itself refuses a key changed
without a recorded replacement."""

from __future__ import annotations

import json
import re

import pytest
from contributors import rewrite
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from accessshare.records.signing import KEY_FILE, DeviceKey
from accessshare.steward.store import store_url


def full_fingerprint(person, exported) -> str:
    code, out, _ = person.cli("log", "verify", exported)
    assert code == 0
    return re.search(r"pin file\) is ([0-9a-f]{64})\.", out).group(1)


def short(fingerprint: str) -> str:
    return " ".join(fingerprint[i:i + 4] for i in range(0, 16, 4))


def rows(url: str, query: str) -> list[tuple]:
    engine = create_engine(store_url(url))
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(text(query))]
    engine.dispose()
    return found


@pytest.fixture
def alice_with_a_new_key(contributor, steward):
    """Alice's first log is held; then her device key is lost, she withdraws and exports."""
    alice = contributor("alice", ["coffee.jpg", "chelsea.jpg"])
    alice.decide(["coffee.jpg"], "research", "given")
    first = alice.export("first.json")
    assert steward("import", first)[0] == 0
    alice.old_key = full_fingerprint(alice, first)
    (alice.data / KEY_FILE).unlink()
    alice.decide(["coffee.jpg"], "research", "withdrawn")
    alice.new_log = alice.export("after-key-loss.json")
    alice.new_key = full_fingerprint(alice, alice.new_log)
    return alice


def test_a_new_key_is_taken_only_after_the_steward_replaces_it_on_the_record(
        alice_with_a_new_key, steward, steward_db):
    alice = alice_with_a_new_key
    who = alice.pseudonym
    code, out, err = steward("import", alice.new_log)
    assert (code, out) == (1, "")
    assert err == (
        f"accessshare: Refused after-key-loss.json (wrong key): it is signed by the key "
        f"{short(alice.new_key)}, but the key pinned for {who} (on first use, "
        f"{err.split('on first use, ')[1][:10]}) is {short(alice.old_key)}; a log signed by "
        f"another key is not taken as theirs, unless {who} confirms to you, by a channel you "
        "trust, that their device key was made anew: then replace it with 'accessshare "
        f"steward repin {who} FINGERPRINT --reason WHY', giving the full fingerprint they read "
        "out to you. Nothing from it was stored.\n")
    assert steward("allowed", "--purpose", "research")[1].count(who) == 1  # still shared

    code, out, err = steward("repin", who, alice.new_key, "--reason",
                             "device key lost; fingerprint read out by phone")
    assert (code, err) == (0, "")
    log_seq = int(re.search(r"entry (\d+)", out).group(1))
    assert out == (f"Replaced the key pinned for {who}: {short(alice.old_key)} is no longer "
                   f"taken, {short(alice.new_key)} is; the 1 event held stays, and a log signed "
                   f"by the new key must still extend them. Recorded in the steward's log (entry "
                   f"{log_seq}).\n")
    kind, actor, detail = rows(steward_db, "SELECT kind, actor, detail FROM steward_log "
                                           f"WHERE seq = {log_seq}")[0]
    assert kind == "repin" and actor
    assert json.loads(detail) == {"contributor": who, "outcome": "replaced",
                                  "old_fingerprint": alice.old_key,
                                  "new_fingerprint": alice.new_key,
                                  "reason": "device key lost; fingerprint read out by phone"}
    assert rows(steward_db, "SELECT pseudonym, old_fingerprint, new_fingerprint, log_seq "
                            "FROM steward_key_replacements") == [
        (who, alice.old_key, alice.new_key, log_seq)]

    code, out, err = steward("import", alice.new_log)
    assert (code, err) == (0, "")
    assert out.startswith(f"Imported after-key-loss.json, signed by the key pinned for {who}, "
                          f"{short(alice.new_key)}: 1 new event, 2 held.")
    assert steward("allowed", "--purpose", "research")[1].count(who) == 0  # the withdrawal
    assert (f"{who}: key {short(alice.new_key)} (replaced by the steward, "
            in steward("status")[1])
    code, out, _ = steward("verify")
    assert code == 0 and out.startswith("The steward's store is intact")


def test_a_history_forged_under_the_new_key_is_still_refused(alice_with_a_new_key, steward,
                                                             tmp_path):
    alice = alice_with_a_new_key
    assert steward("repin", alice.pseudonym, alice.new_key, "--reason", "lost")[0] == 0
    forged = tmp_path / "forged.json"

    def shared_all_along(events) -> None:  # the first decision rewritten, hashes recomputed
        events[0]["purpose"] = "train_ai"

    rewrite(alice.new_log, forged, shared_all_along, key=DeviceKey.load_or_create(alice.data))
    code, out, err = steward("import", forged)
    assert (code, out) == (1, "")
    assert err == (f"accessshare: Refused forged.json (fork): its event 1 differs from the event "
                   f"1 already held for {alice.pseudonym}, so its history was rewritten or "
                   "forked from the one held. Nothing from it was stored.\n")


NO_REASON = ('say why with --reason, for example --reason "device key lost; new fingerprint '
             'confirmed by phone"')


@pytest.mark.parametrize("argv, sentence", [
    (["contributor-0000", "{new}", "--reason", "lost"],
     "no key is pinned for contributor-0000, so there is none to replace; their first log pins "
     "its key, or pin one in advance with 'accessshare steward pin'"),
    (["{who}", "{new_short}", "--reason", "lost"],
     "the new key must be given by its full fingerprint (64 hex digits, as 'accessshare log "
     "verify FILE' reads it out from the contributor's new log) or by the key itself (base64)"),
    (["{who}", "{old}", "--reason", "lost"],
     "the key {old_short} is already the one pinned for {who}"),
    (["{who}", "{new}"], NO_REASON),
    (["{who}", "{new}", "--reason", "   "], NO_REASON),
    (["alice smith", "{new}", "--reason", "lost"],
     "'alice smith' is not a contributor's pseudonym"),
])
def test_bad_input_replaces_nothing_and_gets_one_sentence(alice_with_a_new_key, steward,
                                                          steward_db, argv, sentence):
    alice = alice_with_a_new_key
    fill = {"who": alice.pseudonym, "new": alice.new_key, "old": alice.old_key,
            "new_short": short(alice.new_key).replace(" ", ""), "old_short": short(alice.old_key)}
    before = rows(steward_db, "SELECT * FROM steward_contributors")
    code, out, err = steward("repin", *[arg.format(**fill) for arg in argv])
    assert (code, out) == (1, "")
    assert err == f"accessshare: No key was replaced: {sentence.format(**fill)}.\n"
    assert rows(steward_db, "SELECT * FROM steward_contributors") == before
    assert rows(steward_db, "SELECT count(*) FROM steward_key_replacements") == [(0,)]
    kind, detail = rows(steward_db, "SELECT kind, detail FROM steward_log ORDER BY seq DESC "
                                    "LIMIT 1")[0]
    assert kind == "repin" and json.loads(detail)["outcome"] == "not replaced"  # the attempt is kept
    assert steward("import", alice.new_log)[0] == 1  # still refused


def test_the_database_refuses_a_key_changed_without_a_recorded_replacement(
        alice_with_a_new_key, steward_db):
    alice = alice_with_a_new_key
    engine = create_engine(store_url(steward_db))
    with pytest.raises(DBAPIError, match="a pinned key and a held head are kept"):
        with engine.begin() as connection:
            connection.execute(text("UPDATE steward_contributors SET fingerprint = :new "
                                    "WHERE pseudonym = :p"),
                               {"new": alice.new_key, "p": alice.pseudonym})
    engine.dispose()
    assert rows(steward_db, "SELECT fingerprint FROM steward_contributors") == [(alice.old_key,)]
