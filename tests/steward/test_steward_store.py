"""The steward's store itself, on SQLite and on the real PostgreSQL server: its own
hash-chained log records every import and query; the database refuses to change what is
append-only; `steward verify` finds a current state edited by hand; and the command line says
clearly what is missing or cannot be read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from contributors import rewrite, run
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from accessshare.records.signing import DeviceKey
from accessshare.steward import StewardStore
from accessshare.steward.store import store_url


@pytest.fixture
def imported(contributor, steward):
    alice = contributor("alice", ["coffee.jpg", "chelsea.jpg"])
    alice.decide(["coffee.jpg", "chelsea.jpg"], "research", "given")
    assert steward("import", alice.export("alice.json"))[0] == 0
    alice.decide(["chelsea.jpg"], "research", "withdrawn")  # a change to act on
    assert steward("import", alice.export("alice-2.json"))[0] == 0
    return alice


def execute(url: str, statement: str) -> None:
    engine = create_engine(store_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_every_import_and_query_is_recorded_in_the_stewards_own_chained_log(
        imported, steward, steward_db, tmp_path):
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    steward("import", tmp_path / "junk.json")
    steward("allowed", "--purpose", "research")
    steward("changes", "--since", "2026-01-01")
    steward("status")
    with StewardStore(steward_db) as store:
        entries = list(store.log_entries())
    assert [e["kind"] for e in entries] == ["import", "import", "refused", "allowed", "changes",
                                            "status"]
    details = [json.loads(e["detail"]) for e in entries]
    assert details[0]["contributor"] == imported.pseudonym and details[0]["events_added"] == 2
    assert (details[1]["events_added"], details[1]["changes"]) == (1, 1)
    assert details[2]["refusal"] == "not a consent log" and details[2]["file"] == "junk.json"
    assert details[3]["purpose"] == "research" and details[3]["photos"] == 1
    assert (details[4]["since"], details[4]["changes"]) == ("2026-01-01T00:00:00.000000Z", 1)
    assert [e["prev_hash"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    code, out, _ = steward("verify")
    assert code == 0
    assert out == ("The steward's store is intact: its log of 6 entries verifies, the 3 events "
                   "of 1 contributor chain to the heads held, and the current state follows "
                   "from them.\n")


@pytest.mark.parametrize("statement", [
    "UPDATE steward_events SET state = 'given'",
    "DELETE FROM steward_events",
    "UPDATE steward_log SET detail = '{}'",
    "DELETE FROM steward_log",
    "DELETE FROM steward_changes",
    "UPDATE steward_log_head SET seq = 0",
    "DELETE FROM steward_contributors",
    "UPDATE steward_contributors SET head_seq = 1",
    "UPDATE steward_contributors SET fingerprint = 'f'",
    "UPDATE steward_contributors SET public_key = 'k'",
])
def test_the_database_refuses_to_change_what_is_append_only(imported, steward_db, statement):
    with pytest.raises(DBAPIError):
        execute(steward_db, statement)


def test_verify_finds_a_current_state_edited_by_hand(imported, steward, steward_db):
    coffee = imported.hash_of("coffee.jpg")
    execute(steward_db, "UPDATE steward_current SET state = 'given' WHERE purpose = 'train_ai' "
                        f"AND photo_hash = '{coffee}'")
    code, out, err = steward("verify")
    assert (code, out) == (1, "")
    assert err == (f"accessshare: The current state held for {imported.pseudonym} does not "
                   f"follow from their events (photo {coffee[:12]}… for train_ai is held as "
                   "given, but its events make it pending).\n")


def test_verify_finds_a_log_entry_rewritten_behind_the_triggers(imported, steward, steward_db):
    """Whoever owns the database can turn its triggers off; the chain still tells."""
    execute(steward_db, "DROP TRIGGER steward_log_no_update" if steward_db.startswith("sqlite")
            else "ALTER TABLE steward_log DISABLE TRIGGER USER")
    execute(steward_db, "UPDATE steward_log SET detail = '{\"outcome\":\"nothing new\"}' "
                        "WHERE seq = 1")
    code, _, err = steward("verify")
    assert code == 1
    assert err == ("accessshare: The steward's log was altered at entry 1: entry 1 was altered "
                   "after it was written (its hash does not match).\n")


def test_the_command_line_says_what_is_missing_or_cannot_be_read(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("ACCESSSHARE_STEWARD_DB", raising=False)
    code, out, err = run(capsys, "steward", "status")
    assert (code, out) == (2, "")
    assert err == ("accessshare: Give the steward's store with --db: a SQLite file (for example "
                   "--db steward.sqlite3) or a PostgreSQL address (for example --db "
                   "postgresql+psycopg://steward@dbhost/consent).\n")
    store = tmp_path / "steward.sqlite3"
    code, out, err = run(capsys, "steward", "changes", "--since", "last tuesday", "--db", store)
    assert (code, err) == (2, "accessshare: The time 'last tuesday' cannot be read; give a date "
                              "such as 2026-03-05 or a UTC time such as 2026-03-05T14:00:00Z.\n")
    monkeypatch.setenv("ACCESSSHARE_STEWARD_DB", str(store))
    assert run(capsys, "steward", "status") == (0, "0 contributors.\n", "")
    (tmp_path / "notes.txt").write_text("not a database, but long enough to look like one\n" * 9)
    code, _, err = run(capsys, "steward", "status", "--db", tmp_path / "notes.txt")
    assert code == 2 and err.startswith("accessshare: Cannot open the steward's store at sqlite:")
    assert err.endswith("notes.txt: file is not a database.\n")
    code, _, err = run(capsys, "steward", "allowed", "--purpose", "research", "--db",
                       "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert code == 2 and "***" in err and "secret" not in err
    code, _, err = run(capsys, "steward", "allowed", "--purpose", "dancing")
    assert (code, err) == (0, "accessshare: No contributor's log names the purpose 'dancing', "
                              "so no photo may be used for it. The purposes named are: none "
                              "yet.\n")


def test_the_steward_commands_load_no_database_code_until_they_run():
    code = ("import sys, accessshare.cli.steward\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'psycopg',"
            " 'alembic', 'cryptography')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=dict(os.environ))
    assert result.stdout.strip() == "[]", result.stderr


def test_answers_written_to_a_file_open_in_a_spreadsheet_and_run_no_formula(
        contributor, steward, tmp_path):
    """A pseudonym may start with "-", which a spreadsheet would compute ("-A1"): such cells
    start with an apostrophe. A CSV file has a header row, a UTF-8 mark and CRLF rows."""
    dana = contributor("dana", ["coffee.jpg"])
    dana.decide(["coffee.jpg"], "research", "given")
    honest = dana.export("dana.json")
    (tmp_path / "renamed.json").write_text(
        honest.read_text(encoding="utf-8").replace(dana.pseudonym, "-A1"), encoding="utf-8")
    risky = tmp_path / "risky.json"
    rewrite(tmp_path / "renamed.json", risky, lambda events: None,
            key=DeviceKey(Ed25519PrivateKey.generate()))
    assert steward("import", risky)[0] == 0

    target = tmp_path / "allowed.csv"
    code, out, err = steward("allowed", "--purpose", "research", "--format", "csv", "-o", target)
    assert (code, err) == (0, "")
    assert out == (f"1 photo may be used for research. Written to {target} (CSV with a header "
                   "row, UTF-8).\n")
    assert target.read_bytes() == ("\ufeffcontributor,photo_hash,condition\r\n"
                                   f"'-A1,{dana.hash_of('coffee.jpg')},\r\n").encode("utf-8")
    code, out, _ = steward("status", "--format", "csv")
    assert out.splitlines()[1].startswith("'-A1,")
    code, out, _ = steward("status", "--format", "json", "-o", tmp_path / "status.json")
    assert out == f"1 contributor. Written to {tmp_path / 'status.json'} (JSON, UTF-8).\n"
    [held] = json.loads((tmp_path / "status.json").read_text(encoding="utf-8"))["contributors"]
    assert (held["pseudonym"], held["events_held"]) == ("-A1", 1)  # as it is, in JSON

    code, out, err = steward("changes", "--since", "2026-01-01", "-o", tmp_path / "no" / "c.txt")
    assert (code, out) == (2, "")
    assert err == (f"accessshare: {tmp_path / 'no' / 'c.txt'} cannot be written (No such file "
                   "or directory).\n")
