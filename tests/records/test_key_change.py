"""A device key lost and made anew is noticed from what the earlier key signed, and said until
a log signed by the new key was exported (``records.key_history``): by the store, in one
sentence by the commands that sign (standard error), never when the key is intact; the heads
signed by the earlier key are kept as evidence. Real SQLite files and the real PostgreSQL
server; the window's side: tests/ui/test_startup_log_check.py."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from contributors import Contributor

from accessshare.app.consent import key_change_notice
from accessshare.consent.export import export_consent_json
from accessshare.records import RecordStore
from accessshare.records.signing import KEY_FILE, short_fingerprint

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample"


def decide(store: RecordStore, state: str = "given") -> None:
    store.append_consent(purpose="research", state=state, actor="c1", photo_hash="a" * 64)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def reopened(store_url: str, data_dir: Path) -> RecordStore:
    return RecordStore(store_url, data_dir)


def test_an_intact_key_says_nothing(store_url, data_dir, tmp_path):
    with reopened(store_url, data_dir) as store:
        decide(store)
        export_consent_json(store, tmp_path / "log.json")
    with reopened(store_url, data_dir) as store:
        decide(store, "withdrawn")
        assert store.pending_key_change() is None
        assert key_change_notice(store) == ""
    assert not (data_dir / "key-history").exists()


def test_a_key_made_anew_is_said_until_a_log_signed_by_it_is_exported(store_url, data_dir,
                                                                       tmp_path):
    with reopened(store_url, data_dir) as store:
        decide(store)
        earlier = store.device_key().fingerprint
        export_consent_json(store, tmp_path / "before.json")
    head_file = next((data_dir / "chain-heads").glob("*.json"))
    head_signed_by_earlier_key = head_file.read_bytes()
    (data_dir / KEY_FILE).unlink()  # lost

    with reopened(store_url, data_dir) as store:
        change = store.pending_key_change()
        current = store.device_key().fingerprint
        assert change is not None and (change.earlier, change.current) == (earlier, current)
        assert current != earlier
        today = datetime.now(timezone.utc)
        assert key_change_notice(store) == (
            f"This device's signing key was made anew on {today.day} {today:%B}: the key that "
            f"signed your earlier consent records ({short_fingerprint(earlier)}) is missing, so "
            "stewards who hold your earlier logs will refuse your new ones until you give them "
            f"the new key's fingerprint ({short_fingerprint(current)}). Checking the next log "
            "you export reads it out: Verify in the export dialog (Control+E), or 'accessshare "
            "log verify FILE' in full.")

        decide(store, "withdrawn")  # the head is signed again, by the new key
        assert json.loads(head_file.read_text())["signature"]["key_fingerprint"] == current
        kept = list((data_dir / "key-history").glob("head-*.json"))
        assert [f.read_bytes() for f in kept] == [head_signed_by_earlier_key]  # the evidence
        assert store.pending_key_change() == change  # a decision is not a hand-over

    with reopened(store_url, data_dir) as store:
        assert store.pending_key_change() == change  # said at every start meanwhile
        export_consent_json(store, tmp_path / "after.json")
        assert store.pending_key_change() is None
    with reopened(store_url, data_dir) as store:
        assert store.pending_key_change() is None
        decide(store)
        assert store.pending_key_change() is None
    assert [f.read_bytes() for f in (data_dir / "key-history").glob("head-*.json")] == [
        head_signed_by_earlier_key]


def test_a_second_loss_names_the_key_lost_last(store_url, data_dir, tmp_path):
    with reopened(store_url, data_dir) as store:
        decide(store)
    (data_dir / KEY_FILE).unlink()
    with reopened(store_url, data_dir) as store:
        second = store.device_key().fingerprint
        decide(store, "withdrawn")
        export_consent_json(store, tmp_path / "handed-over.json")
        assert store.pending_key_change() is None
    (data_dir / KEY_FILE).unlink()
    with reopened(store_url, data_dir) as store:
        change = store.pending_key_change()
        assert change is not None and change.earlier == second


# --- the command line --------------------------------------------------------------------------

@pytest.fixture
def alice(tmp_path, capsys) -> Contributor:
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", folder / "coffee.jpg")
    person = Contributor(tmp_path / "data", folder, capsys)
    person.decide(["coffee.jpg"], "research", "given")
    person.export("first.json")
    return person


def test_the_commands_that_sign_say_it_on_standard_error(alice):
    code, out, err = alice.cli("consent", "set", alice.photos / "coffee.jpg", "--purpose",
                               "research", "--state", "withdrawn")
    assert (code, err) == (0, "")  # the key is intact: nothing said

    os.remove(alice.data / KEY_FILE)
    code, out, err = alice.cli("consent", "set", alice.photos / "coffee.jpg", "--purpose",
                               "research", "--state", "given")
    assert code == 0 and out.endswith("Saved for 1 photo.\n")
    assert err.startswith("accessshare: This device's signing key was made anew on ")
    assert err.count("\n") == 1 and "accessshare log verify FILE" in err
    said_first = err

    code, out, err = alice.cli("export", "consent", "--format", "json", "-o",
                               alice.data.parent / "second.json")
    assert code == 0 and err == said_first  # said while the log to hand over is made
    code, out, _ = alice.cli("log", "verify", alice.data.parent / "second.json")
    new_key = out.split("is ")[-1].strip().rstrip(".")
    assert short_fingerprint(new_key) in said_first  # what verify reads out is what was named

    code, out, err = alice.cli("consent", "set", alice.photos / "coffee.jpg", "--purpose",
                               "research", "--state", "withdrawn")
    assert (code, err) == (0, "")  # handed over: no longer said
