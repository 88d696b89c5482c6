"""``accessshare log verify`` as a steward runs it: what it prints and its exit status."""

import json

import pytest
from sqlalchemy import text

from accessshare.cli import main
from accessshare.records import RecordStore


def _verify(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


def _three_events(url: str) -> None:
    with RecordStore(url) as store:
        for state in ("given", "withdrawn"):
            store.append_consent(purpose="research", state=state, actor="c1", photo_hash="a" * 64)
        store.append_deletion(photo_hash="a" * 64, status="done", actor="c1", reason="mine")


def test_intact_chain_is_reported_with_its_length(store_url, capsys):
    _three_events(store_url)
    assert _verify(capsys, "--db", store_url, "log", "verify") == (
        0, "Chain intact: 3 events verified.", "")


def test_an_altered_event_is_named_and_exits_1(store_url, capsys):
    _three_events(store_url)
    with RecordStore(store_url) as store, store.engine.begin() as connection:
        if store.dialect == "sqlite":
            connection.execute(text("DROP TRIGGER events_no_update"))
        else:
            connection.execute(text("DROP TRIGGER events_append_only ON events"))
        connection.execute(text("UPDATE events SET state = 'given' WHERE seq = 2"))
    status, out, _ = _verify(capsys, "--db", store_url, "log", "verify")
    assert status == 1
    assert out == ("Chain broken at record 2: event 2 was altered after it was written "
                   "(its hash does not match).")


def test_default_store_lives_in_the_data_dir(tmp_path, capsys):
    assert _verify(capsys, "--data-dir", str(tmp_path / "d"), "log", "verify")[:2] == (
        0, "Chain intact: 0 events verified.")
    assert (tmp_path / "d" / "records.sqlite3").is_file()


@pytest.mark.parametrize("url, sentence", [
    ("nonsense://x", "The records database address 'nonsense://x' cannot be used"),
    ("postgresql+psycopg://a:secret@127.0.0.1:1/x",
     "Cannot open the records database at postgresql+psycopg://a:***@127.0.0.1:1/x"),
])
def test_an_unusable_database_gets_one_sentence(capsys, url, sentence):
    status, out, err = _verify(capsys, "--db", url, "log", "verify")
    assert status == 2 and out == ""
    assert err.startswith(f"accessshare: {sentence}") and "\n" not in err
    assert "secret" not in err


def test_a_file_that_is_not_a_database_gets_one_sentence(tmp_path, capsys):
    (tmp_path / "records.sqlite3").write_text("my shopping list")
    status, _, err = _verify(capsys, "--data-dir", str(tmp_path), "log", "verify")
    assert status == 2
    assert err.endswith("records.sqlite3: file is not a database.")


def test_an_exported_log_is_checked_by_the_export_reader(tmp_path, capsys):
    export = pytest.importorskip("accessshare.consent.export")
    url = f"sqlite:///{tmp_path / 'records.sqlite3'}"
    _three_events(url)
    exported = tmp_path / "log.json"
    with RecordStore(url, tmp_path) as store:
        export.export_consent_json(store, exported)
    status, out, _ = _verify(capsys, "--db", url, "log", "verify", str(exported))
    assert status == 0 and out.startswith("log.json is intact: 3 events verified.\nSigned by contributor-")
    log = json.loads(exported.read_text())
    [events] = [r["events"] for r in log["records"] if r["data_subject"] == "c1"]
    events[1]["reason"] = "added later"
    exported.write_text(json.dumps(log))
    status, out, _ = _verify(capsys, "--db", url, "log", "verify", str(exported))
    assert status == 1 and out.startswith("log.json was altered at event 2 of 3")
