"""Importing contributors' logs, on SQLite and on the real PostgreSQL server: forks, bad
signatures, broken chains and other keys are refused with a sentence saying which and why,
and store nothing; the same file twice changes nothing; keys pinned in advance; the current
state follows the app's own rules; sharing conditions are carried through."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from contributors import Contributor, rewrite
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text

from accessshare.config import resolve_paths
from accessshare.consent import load_form
from accessshare.records import RecordStore
from accessshare.records.signing import DeviceKey
from accessshare.steward.store import store_url


def counts(url: str) -> dict[str, int]:
    """Rows of every table of the steward's store that holds what logs brought."""
    engine = create_engine(store_url(url))
    with engine.connect() as connection:
        found = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                 for table in ("steward_contributors", "steward_events", "steward_current",
                               "steward_changes")}
        found["state"] = hash(tuple(connection.execute(text(
            "SELECT * FROM steward_current ORDER BY contributor, subject, photo_hash, purpose"))))
        found["log"] = connection.execute(text("SELECT count(*) FROM steward_log")).scalar()
    engine.dispose()
    return found


def without_log(found: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in found.items() if k != "log"}


@pytest.fixture
def alice(contributor):
    person = contributor("alice", ["coffee.jpg", "chelsea.jpg", "camera.jpg"])
    person.decide(["coffee.jpg"], "research", "given")
    return person


def test_a_log_that_forks_from_the_history_held_is_refused(alice, steward, steward_db, capsys):
    twin = Contributor(alice.data.parent / "data-copy", alice.photos, capsys)
    shutil.copytree(alice.data, twin.data)  # the same key and store, then two histories
    alice.decide(["chelsea.jpg"], "research", "given")
    assert steward("import", alice.export("alice.json"))[0] == 0
    twin.decide(["camera.jpg"], "research", "given")
    twin.decide(["chelsea.jpg"], "research", "refused")
    before = counts(steward_db)

    code, out, err = steward("import", twin.export("twin.json"))
    assert (code, out) == (1, "")
    assert err == (f"accessshare: Refused twin.json (fork): its event 2 differs from the event 2 "
                   f"already held for {alice.pseudonym}, so its history was rewritten or forked "
                   "from the one held. Nothing from it was stored.\n")
    assert without_log(counts(steward_db)) == without_log(before)
    assert counts(steward_db)["log"] == before["log"] + 1  # the refusal is recorded


def edited(path, target, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    target.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize("change, kind, why", [
    (lambda d: d.__setitem__("generated_at", "2020-01-01T00:00:00.000000Z"), "bad signature",
     "bad.json was altered: its signature does not match its content (it was changed after it "
     "was signed)"),
    (lambda d: d.pop("signature"), "bad signature",
     "bad.json cannot be trusted: it carries no signature, so a log rewritten with every hash "
     "recomputed could not be told apart"),
    (lambda d: d["records"][0]["events"][0].__setitem__("reason", "added later"), "broken chain",
     "bad.json was altered at event 1 of 2: event 1 was altered after it was written (its hash "
     "does not match)"),
    (lambda d: d["records"][0]["events"].pop(0), "broken chain",
     "bad.json was altered at event 1 of 1: event 1 is missing (the next stored event is 2); an "
     "event was removed or renumbered"),
    (lambda d: d["records"][0]["current_state"][0].__setitem__("state", "given"),
     "summary does not follow", "bad.json was altered at its summary: the current state listed "
     "for {who} does not follow from its events"),
])
def test_a_log_that_does_not_verify_is_refused_and_stores_nothing(
        alice, steward, steward_db, tmp_path, change, kind, why):
    alice.decide(["camera.jpg"], "train_ai", "given")
    good = alice.export("alice.json")
    bad = tmp_path / "bad.json"
    edited(good, bad, change)
    assert steward("status")[0] == 0  # the store exists, empty
    before = counts(steward_db)

    code, out, err = steward("import", bad, good)
    assert code == 1
    assert err == (f"accessshare: Refused bad.json ({kind}): {why.format(who=alice.pseudonym)}. "
                   "Nothing from it was stored.\n")
    assert out.startswith("Imported alice.json")  # the rest still goes in
    after = counts(steward_db)
    assert after["steward_events"] == before["steward_events"] + 2


def test_importing_the_same_file_twice_changes_nothing(alice, steward, steward_db):
    exported = alice.export("alice.json")
    assert steward("import", exported)[0] == 0
    before = counts(steward_db)
    code, out, err = steward("import", exported)
    assert (code, err) == (0, "")
    assert out == (f"alice.json from {alice.pseudonym} holds nothing new: its 1 event is "
                   "already held.\n")
    assert without_log(counts(steward_db)) == without_log(before)
    code, out, _ = steward("status")
    assert out.splitlines()[1].startswith(f"{alice.pseudonym}: key ")


def test_other_files_are_refused_with_a_sentence_and_the_rest_still_imported(
        alice, steward, tmp_path):
    (tmp_path / "notes.txt").write_text("not a log", encoding="utf-8")
    (tmp_path / "folder.json").mkdir()
    code, out, err = steward("import", tmp_path / "gone.json", tmp_path / "notes.txt",
                             tmp_path / "folder.json", alice.export("alice.json"))
    assert code == 1
    assert err.splitlines() == [
        "accessshare: Refused gone.json (unreadable): gone.json cannot be read (No such file or "
        "directory). Nothing from it was stored.",
        "accessshare: Refused notes.txt (not a consent log): notes.txt is not an AccessShare "
        "consent log export (JSON with records and their events). Nothing from it was stored.",
        "accessshare: Refused folder.json (unreadable): folder.json is not a regular file. "
        "Nothing from it was stored."]
    assert out.splitlines()[-1] == "1 of 4 logs added something (1 new event); 3 refused."


def full_fingerprint(person) -> str:
    code, out, _ = person.cli("log", "verify", person.export("for-pinning.json"))
    assert code == 0
    return re.search(r"pin file\) is ([0-9a-f]{64})\.", out).group(1)


def test_keys_pinned_in_advance_from_a_pin_file(alice, contributor, steward, tmp_path):
    bob = contributor("bob", ["coins.jpg"])
    bob.decide(["coins.jpg"], "research", "given")
    alice_key, bob_key = full_fingerprint(alice), full_fingerprint(bob)
    pins = tmp_path / "pins.txt"
    spaced = " ".join(alice_key[i:i + 4] for i in range(0, 64, 4))
    pins.write_text(f"# enrolled in March\n{alice.pseudonym} {spaced}\n\nnot-a-line\n"
                    f"contributor-0000 {bob_key}\n", encoding="utf-8")
    code, out, err = steward("pin", pins)
    assert (code, out) == (1, "")
    assert err == ("accessshare: Pinned 2 keys from pins.txt. Line 4 of pins.txt was not pinned: "
                   "after the pseudonym it needs the key's full fingerprint (64 hex digits) or "
                   "the key (base64).\n")
    code, out, err = steward("pin", pins)
    assert err.startswith("accessshare: Pinned 0 keys from pins.txt. 2 were already pinned to "
                          "the same key.")

    code, out, err = steward("import", "--pinned-only", alice.export("alice.json"),
                             bob.export("bob.json"))
    assert out.startswith(f"Imported alice.json, signed by the key pinned for {alice.pseudonym}")
    assert err == (f"accessshare: Refused bob.json (not pinned): no key is pinned for "
                   f"{bob.pseudonym}, and only logs signed by a key pinned in advance are "
                   "imported. Nothing from it was stored.\n")
    code, out, _ = steward("status")
    assert f"{alice.pseudonym}: key {spaced[:19]} (pinned from a pin file, " in out

    # Another key pinned for a pseudonym refuses that pseudonym's logs, and is never replaced.
    (tmp_path / "wrong.txt").write_text(f"{bob.pseudonym} {alice_key}\n", encoding="utf-8")
    assert steward("pin", tmp_path / "wrong.txt")[0] == 0
    code, _, err = steward("import", bob.export("bob.json"))
    assert code == 1 and err.startswith("accessshare: Refused bob.json (wrong key): it is signed "
                                        f"by the key {bob_key[:4]} ")
    assert f"the key pinned for {bob.pseudonym} (from a pin file, " in err
    (tmp_path / "again.txt").write_text(f"{bob.pseudonym} {bob_key}\n", encoding="utf-8")
    code, _, err = steward("pin", tmp_path / "again.txt")
    assert code == 1 and f"{bob.pseudonym} was not pinned to the key {bob_key[:4]} " in err


def test_the_current_state_follows_the_apps_rules(contributor, steward):
    """A folder's default, undo back to it, and deletion (which ends consent for the content):
    the steward allows exactly what the contributor's own photo export copies."""
    carol = contributor("carol", ["coffee.jpg", "chelsea.jpg", "camera.jpg", "coins.jpg"])
    carol.decide([], "research", "given")
    carol.decide(["coffee.jpg"], "research", "refused")
    assert carol.cli("consent", "undo")[0] == 0  # coffee follows the folder again
    carol.decide(["chelsea.jpg"], "research", "withdrawn")
    assert steward("import", carol.export("carol-1.json"))[0] == 0
    camera = carol.hash_of("camera.jpg")
    code, out, err = carol.cli("delete", carol.photos / "camera.jpg", "--reason", "a face",
                               "--yes")
    assert code == 0, err
    assert steward("import", carol.export("carol-2.json"))[0] == 0

    code, out, _ = steward("allowed", "--purpose", "research", "--format", "json")
    answer = json.loads(out)
    assert {p["photo_hash"] for p in answer["photos"]} == {carol.hash_of("coffee.jpg"),
                                                           carol.hash_of("coins.jpg")}
    carol.cli("export", "photos", "--purpose", "research", "-o", carol.data.parent / "out")
    manifest = (carol.data.parent / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert sorted(line.split(",")[1] for line in manifest.splitlines()[1:]) == \
        sorted(p["photo_hash"] for p in answer["photos"])
    code, out, _ = steward("changes", "--since", "2000-01-01", "--format", "json")
    assert [(c["photo_hash"], c["purpose"], c["change"]) for c in json.loads(out)["changes"]] \
        == [(camera, "research", "deleted")]


def long_form_version(events) -> None:
    events[0]["form_version"] = events[0]["notice"]["version"] = "v" * 100


@pytest.mark.parametrize("change, why", [
    (long_form_version,
     "the form_version of event 1 is not text of at most 64 characters"),
    (lambda events: events[0].__setitem__("reason", "a\x00b"),
     "it holds a NUL character, which no database keeps in text"),
])
def test_a_signed_log_holding_what_no_store_keeps_is_refused_alike_on_every_database(
        alice, contributor, steward, steward_db, tmp_path, change, why):
    honest = alice.export("alice.json")
    odd = tmp_path / "odd.json"
    rewrite(honest, odd, change, key=DeviceKey(Ed25519PrivateKey.generate()))
    bob = contributor("bob", ["coins.jpg"])
    bob.decide(["coins.jpg"], "research", "given")
    code, out, err = steward("import", odd, bob.export("bob.json"))
    assert code == 1
    assert err == (f"accessshare: Refused odd.json (unusable content): odd.json verified, but "
                   f"{why}. Nothing from it was stored.\n")
    assert out.startswith("Imported bob.json")
    assert counts(steward_db)["steward_contributors"] == 1  # the odd log pinned nothing


def test_a_sharing_condition_is_carried_to_allowed_and_its_change_to_changes(
        contributor, steward):
    """Issue 16 records redaction in the consent event's detail; the steward lists it."""
    carol = contributor("carol", ["coffee.jpg", "chelsea.jpg"])
    carol.decide(["coffee.jpg"], "research", "given")
    chelsea = carol.hash_of("chelsea.jpg")

    def share_redacted(kinds: list[str]) -> None:
        form = load_form()
        with RecordStore.open(resolve_paths(carol.data)) as store:
            store.append_consent(purpose="research", state="given", actor=store.contributor(),
                                 photo_hash=chelsea, form_version=form.version,
                                 form_hash=form.sha256,
                                 detail={"decision": f"d-{len(kinds)}", "redact": kinds})

    share_redacted(["text", "faces"])
    assert steward("import", carol.export("carol-1.json"))[0] == 0
    code, out, _ = steward("allowed", "--purpose", "research")
    assert out.splitlines() == [
        "2 photos may be used for research, 1 of them only on a condition.",
        *sorted([f"{carol.pseudonym} {carol.hash_of('coffee.jpg')}",
                 f"{carol.pseudonym} {chelsea} (only with faces and text redacted)"])]
    code, out, _ = steward("allowed", "--purpose", "research", "--format", "json")
    assert {p["photo_hash"]: p["condition"] for p in json.loads(out)["photos"]} == {
        carol.hash_of("coffee.jpg"): None, chelsea: {"redact": ["faces", "text"]}}
    code, out, _ = steward("allowed", "--purpose", "research", "--format", "csv")
    assert f'{carol.pseudonym},{chelsea},"{{""redact"":[""faces"",""text""]}}"' in out

    share_redacted(["faces"])
    assert steward("import", carol.export("carol-2.json"))[0] == 0
    carol.decide(["chelsea.jpg"], "research", "withdrawn")
    assert steward("import", carol.export("carol-3.json"))[0] == 0
    code, out, _ = steward("changes", "--since", "2000-01-01")
    assert [line.split(" ", 3)[3] for line in out.splitlines()[1:]] == [
        "research: still shared, now only with faces redacted.", "research: withdrawn."]


def test_many_files_are_imported_by_several_processes_and_said_in_order(contributor, steward):
    people = [contributor(name, ["coins.jpg"]) for name in ("ann", "ben", "cat")]
    files = []
    for person in people:
        person.decide([], "research", "given")
        files.append(person.export(f"{person.data.parent.name}.json"))
    code, out, err = steward("import", "--jobs", "2", *files, files[0])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split(",")[0].split(" ")[:2] for line in lines[:3]] == [
        ["Imported", "ann.json"], ["Imported", "ben.json"], ["Imported", "cat.json"]]
    assert lines[3].startswith("ann.json from ") and lines[3].endswith("holds nothing new: its 1 "
                                                                       "event is already held.")
    assert lines[4] == "3 of 4 logs added something (3 new events); 0 refused."
