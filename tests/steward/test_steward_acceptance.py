"""Issue 17's acceptance, on SQLite and on the real PostgreSQL server: two contributors with
real data folders decide and export through the command line; the steward imports, asks what
may be used, and acts on a withdrawal; an older export and a rewritten one are refused."""

from __future__ import annotations

import csv
import io
import json

from contributors import rewrite
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accessshare.records.chain import utc_timestamp
from accessshare.records.signing import DeviceKey


def allowed_pairs(steward, purpose: str = "research") -> set[tuple[str, str]]:
    code, out, err = steward("allowed", "--purpose", purpose, "--format", "csv")
    assert code == 0, err
    return {(row["contributor"], row["photo_hash"]) for row in csv.DictReader(io.StringIO(out))}


def share_and_import(contributor, steward):
    """Alice shares two of three photos for research; Bob shares his folder for research but
    withdrew one photo, and one for training AI. The steward imports both exports."""
    alice = contributor("alice", ["coffee.jpg", "chelsea.jpg", "camera.jpg"])
    bob = contributor("bob", ["coins.jpg", "rocket-launch.jpg", "astronaut.jpg"])
    alice.decide(["coffee.jpg", "chelsea.jpg"], "research", "given")
    alice.decide(["camera.jpg"], "research", "refused")
    bob.decide([], "research", "given")  # the folder's default
    bob.decide(["astronaut.jpg"], "research", "withdrawn")
    bob.decide(["coins.jpg"], "train_ai", "given")
    exports = alice.export("alice-1.json"), bob.export("bob-1.json")
    code, out, err = steward("import", *exports)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Imported alice-1.json, signed by the key ")
    assert lines[0].endswith(f", now pinned for {alice.pseudonym} (first use): 3 new events, "
                             "3 held.")
    assert lines[1].endswith(f"now pinned for {bob.pseudonym} (first use): 3 new events, 3 held.")
    assert lines[2] == "2 of 2 logs added something (6 new events); 0 refused."
    return alice, bob, exports


def test_allowed_lists_exactly_the_shared_photos_and_a_withdrawal_is_acted_on(
        contributor, steward):
    alice, bob, _ = share_and_import(contributor, steward)
    shared = {(alice.pseudonym, alice.hash_of("coffee.jpg")),
              (alice.pseudonym, alice.hash_of("chelsea.jpg")),
              (bob.pseudonym, bob.hash_of("coins.jpg")),
              (bob.pseudonym, bob.hash_of("rocket-launch.jpg"))}
    assert allowed_pairs(steward) == shared
    assert allowed_pairs(steward, "train_ai") == {(bob.pseudonym, bob.hash_of("coins.jpg"))}
    code, out, _ = steward("allowed", "--purpose", "research")
    assert code == 0
    first, *rows = out.splitlines()
    assert first == "4 photos may be used for research."
    assert sorted(rows) == sorted(f"{who} {photo}" for who, photo in shared)

    # The steward's answer is each contributor's own: what they would export for research.
    for person in (alice, bob):
        code, out, err = person.cli("export", "photos", "--purpose", "research", "-o",
                                    person.data.parent / "research")
        assert code == 0, err
        with open(person.data.parent / "research" / "manifest.csv", encoding="utf-8-sig") as f:
            own = {row["content_hash"] for row in csv.DictReader(f)}
        assert own == {photo for who, photo in shared if who == person.pseudonym}

    before = utc_timestamp()
    alice.decide(["coffee.jpg"], "research", "withdrawn")
    code, out, err = steward("import", alice.export("alice-2.json"))
    assert (code, err) == (0, "")
    assert out.startswith("Imported alice-2.json, signed by the key pinned for "
                          f"{alice.pseudonym}, ")
    assert out.endswith(f": 1 new event, 4 held. 1 photo of {alice.pseudonym} changed from "
                        "shared; see 'accessshare steward changes'.\n")
    assert allowed_pairs(steward) == shared - {(alice.pseudonym, alice.hash_of("coffee.jpg"))}

    code, out, _ = steward("changes", "--since", before)
    assert code == 0
    sentence, line = out.splitlines()
    assert sentence.startswith("1 change to act on since ") and sentence.endswith(
        ", about 1 photo.")
    assert line.endswith(f" {alice.pseudonym} {alice.hash_of('coffee.jpg')} research: withdrawn.")
    code, out, _ = steward("changes", "--since", before[:10], "--format", "json")
    [change] = json.loads(out)["changes"]
    assert (change["contributor"], change["photo_hash"], change["purpose"], change["change"]) \
        == (alice.pseudonym, alice.hash_of("coffee.jpg"), "research", "withdrawn")
    assert change["time"] >= before  # when Alice withdrew it
    code, out, _ = steward("changes", "--since", utc_timestamp())
    assert out.startswith("Nothing stopped being shared since ")


def test_the_first_older_export_sent_again_is_refused_and_stores_nothing(contributor, steward):
    alice, bob, (first_alice, _) = share_and_import(contributor, steward)
    alice.decide(["coffee.jpg"], "research", "withdrawn")
    assert steward("import", alice.export("alice-2.json"))[0] == 0
    allowed_before = allowed_pairs(steward)

    code, out, err = steward("import", first_alice)
    assert (code, out) == (1, "")
    assert err == (f"accessshare: Refused alice-1.json (older log): it ends at event 3, but the "
                   f"events of {alice.pseudonym} up to 4 are already held: it is an older log "
                   "sent again (a rollback). Nothing from it was stored.\n")
    assert allowed_pairs(steward) == allowed_before
    code, out, _ = steward("status")
    assert f"{alice.pseudonym}: key " in out and "4 events held" in out


def withdrawal_to_share(events) -> None:
    [withdrawal] = [e for e in events if e.get("state") == "withdrawn"]
    withdrawal["state"], withdrawal["consent_status"] = "given", "dpv:ConsentGiven"


def test_a_withdrawal_turned_into_a_share_with_every_hash_recomputed_is_refused(
        contributor, steward, capsys, tmp_path):
    alice, bob, _ = share_and_import(contributor, steward)
    alice.decide(["coffee.jpg"], "research", "withdrawn")
    honest = alice.export("alice-2.json")
    forged = tmp_path / "alice-2-forged.json"
    rewrite(honest, forged, withdrawal_to_share)

    code, out, _ = alice.cli("log", "verify", forged)
    assert code == 1
    assert out == ("alice-2-forged.json was altered: its signature does not match its content "
                   "(it was changed after it was signed).\n")
    code, out, err = steward("import", forged)
    assert (code, out) == (1, "")
    assert err == ("accessshare: Refused alice-2-forged.json (bad signature): alice-2-forged.json"
                   " was altered: its signature does not match its content (it was changed after "
                   "it was signed). Nothing from it was stored.\n")

    # Signed again by the forger's own key, it verifies on its own, but not as Alice's.
    resigned = tmp_path / "alice-2-resigned.json"
    forger = DeviceKey(Ed25519PrivateKey.generate())
    rewrite(honest, resigned, withdrawal_to_share, key=forger)
    code, out, _ = alice.cli("log", "verify", resigned)
    assert code == 0 and f"with the device key {forger.fingerprint[:4]} " in out
    code, out, err = steward("import", resigned)
    assert code == 1
    assert err.startswith(f"accessshare: Refused alice-2-resigned.json (wrong key): it is signed by "
                          f"the key {forger.fingerprint[:4]} ")
    assert f"but the key pinned for {alice.pseudonym} (on first use, " in err
    assert allowed_pairs(steward) == {  # still as before the withdrawal arrived
        (alice.pseudonym, alice.hash_of("coffee.jpg")),
        (alice.pseudonym, alice.hash_of("chelsea.jpg")),
        (bob.pseudonym, bob.hash_of("coins.jpg")),
        (bob.pseudonym, bob.hash_of("rocket-launch.jpg"))}
    assert steward("import", honest)[0] == 0  # the true log still goes in
    assert (alice.pseudonym, alice.hash_of("coffee.jpg")) not in allowed_pairs(steward)
