"""Issue 11: each case that broke a consent guarantee, rerun as the issue wrote it, through the
command line a contributor or steward uses. Each test asserts what the user gets: the decision
saved, the file kept, the copy found, the tampering named, nothing written outside the target."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from accessshare.cli import main
from accessshare.records.chain import event_hash

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "assets" / "sample"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def data_dir() -> Path:
    return Path(os.environ["ACCESSSHARE_DATA_DIR"])


def records_db() -> Path:
    return data_dir() / "records.sqlite3"


def tamper(sql: str, *params) -> None:
    """What an attacker with the database file does: drop the guards, then change rows."""
    with sqlite3.connect(records_db()) as db:
        db.execute("DROP TRIGGER IF EXISTS events_no_update")
        db.execute("DROP TRIGGER IF EXISTS events_no_delete")
        db.execute("DROP TRIGGER IF EXISTS chain_head_no_delete")
        db.execute("DROP TRIGGER IF EXISTS chain_head_only_forward")
        db.execute(sql, params)


def rows(sql: str) -> list[tuple]:
    with sqlite3.connect(records_db()) as db:
        return db.execute(sql).fetchall()


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err.replace("accessshare:", ""), err


# 1 --------------------------------------------------------------------------------------------

def test_1_a_symlink_loop_blocks_neither_withdrawal_nor_scan(capsys, tmp_path):
    folder = tmp_path / "L"
    folder.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", folder / "ok.jpg")
    os.symlink("x", folder / "x")
    code, out, err = run(capsys, "consent", "set", folder / "ok.jpg", "--purpose", "research",
                         "--state", "withdrawn")
    no_traceback(err)
    assert code == 0 and "Saved for 1 photo." in out
    code, out, _ = run(capsys, "consent", "show", folder / "ok.jpg", "--json")
    assert json.loads(out)["states"]["research"] == "withdrawn"
    code, out, err = run(capsys, "scan", folder)
    no_traceback(err)
    assert code == 0 and "ok.jpg" in out
    assert "PROBLEM  x is a link that leads back to itself (a loop); it was skipped." in out


# 2 --------------------------------------------------------------------------------------------

def test_2_delete_refuses_the_records_store_and_files_outside_any_dataset(capsys, dataset,
                                                                         tmp_path):
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    store = records_db()
    code, out, err = run(capsys, "delete", store, "--reason", "x", "--yes")
    assert code == 2 and out == ""
    assert err == ("accessshare: records.sqlite3 is part of AccessShare's own records, not a "
                   "photo; nothing was deleted.\n")
    assert store.is_file()
    thesis = tmp_path / "thesis.txt"
    thesis.write_text("four years of work", encoding="utf-8")
    code, out, err = run(capsys, "delete", thesis, "--reason", "x", "--yes")
    assert code == 2 and out == ""
    assert err == ("accessshare: thesis.txt is not a photo in a dataset folder AccessShare "
                   "knows; nothing was deleted.\n")
    assert thesis.read_text(encoding="utf-8") == "four years of work"
    assert run(capsys, "log", "verify")[:2] == (0, "Chain intact: 1 event verified.\n")


# 3 --------------------------------------------------------------------------------------------

def test_3_a_deleted_photo_put_back_is_not_shared_by_an_earlier_decision(capsys, dataset,
                                                                       tmp_path):
    coffee = dataset / "coffee.jpg"
    kept = (tmp_path / "kept.jpg")
    shutil.copy(coffee, kept)
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    code, out, _ = run(capsys, "delete", coffee, "--reason", "changed my mind", "--yes")
    assert code == 0 and not coffee.exists()
    shutil.copy(kept, coffee)
    code, out, _ = run(capsys, "consent", "show", dataset)
    assert "coffee.jpg: Deleted earlier; not shared." in out
    assert "chelsea.jpg: Shared for research" in out
    code, out, _ = run(capsys, "export", "photos", "--purpose", "research", "-o", tmp_path / "out")
    assert code == 0 and "Left out: 1 deleted" in out
    assert not (tmp_path / "out" / "coffee.jpg").exists()
    assert (tmp_path / "out" / "chelsea.jpg").exists()
    # A decision made after the deletion counts again.
    run(capsys, "consent", "set", coffee, "--purpose", "research", "--state", "given")
    code, out, _ = run(capsys, "consent", "show", coffee)
    assert out.startswith("coffee.jpg: Shared for research")


# 4 --------------------------------------------------------------------------------------------

def test_4_every_copy_is_removed_and_only_real_remains_are_reported(capsys, dataset, tmp_path):
    coffee = dataset / "coffee.jpg"
    (dataset / "sub").mkdir()
    shutil.copy(coffee, dataset / "sub" / "second copy.jpg")
    os.link(coffee, dataset / "hard.jpg")
    os.symlink(coffee, dataset / "link.jpg")
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    code, out, err = run(capsys, "delete", dataset / "link.jpg", "--reason", "privacy", "--yes")
    assert code == 0, err
    assert out == "Deleted link.jpg and 2 other copies in your folders. No copy remains.\n"
    for name in ("coffee.jpg", "sub/second copy.jpg", "hard.jpg", "link.jpg"):
        assert not os.path.lexists(dataset / name), name
    assert (dataset / "chelsea.jpg").exists()


def test_4_a_hard_link_outside_the_known_folders_is_reported(capsys, dataset, tmp_path):
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    os.link(dataset / "coins.jpg", tmp_path / "elsewhere.jpg")
    code, out, _ = run(capsys, "delete", dataset / "coins.jpg", "--reason", "privacy", "--yes")
    assert code == 1
    assert out == ("Deleted coins.jpg, but 1 copy remains: 1 more name (a hard link) of the "
                   "same file is outside the folders AccessShare knows.\n")


def test_4_common_words_of_another_photo_are_not_a_remaining_copy(capsys, dataset):
    from accessshare.config import resolve_paths
    from accessshare.library import scan
    from accessshare.records import RecordStore

    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    ids = {p.relpath: p.id for p in scan(dataset).photos}
    with RecordStore.open(resolve_paths()) as store:
        store.cache_description(ids["coins.jpg"], "m", {
            "sentence": "May show a dining table.", "objects": [{"label": "dining table"}],
            "text": [{"text": "ONE CENT 1943 LIBERTY"}]})
        store.cache_description(ids["coffee.jpg"], "m", {
            "sentence": "May show a cup on a dining table.", "objects": [{"label": "dining table"}],
            "text": []})
    code, out, _ = run(capsys, "delete", dataset / "coins.jpg", "--reason", "privacy", "--yes")
    assert (code, out) == (0, "Deleted coins.jpg. No copy remains.\n")
    assert b"ONE CENT 1943 LIBERTY" not in b"".join(
        p.read_bytes() for p in data_dir().iterdir() if p.is_file())


# 5 --------------------------------------------------------------------------------------------

@pytest.fixture
def five_events(capsys, dataset):
    for state in ("given", "withdrawn"):
        run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research",
            "--state", state)
    run(capsys, "consent", "set", dataset, "--purpose", "train_ai", "--state", "given")
    run(capsys, "consent", "set", dataset / "coins.jpg", "--purpose", "commercial",
        "--state", "refused")
    run(capsys, "consent", "set", dataset / "chelsea.jpg", "--purpose", "research",
        "--state", "given")
    assert run(capsys, "log", "verify")[1] == "Chain intact: 5 events verified.\n"


def test_5_cutting_off_the_last_events_is_named(capsys, five_events):
    tamper("DELETE FROM events WHERE seq >= 4")
    code, out, _ = run(capsys, "log", "verify")
    assert code == 1
    assert out.startswith("Events 4 to 5 were cut off the end of the log:")


def test_5_cutting_off_every_event_and_the_database_head_is_named(capsys, five_events):
    tamper("DELETE FROM events")
    tamper("UPDATE chain_head SET seq = 0, hash = ?", "0" * 64)
    code, out, _ = run(capsys, "log", "verify")
    assert code == 1
    assert out.startswith("Events 1 to 5 were cut off the end of the log:")
    assert "chain-heads" in out


def test_5_rewriting_an_event_and_recomputing_every_later_hash_is_found(capsys, five_events):
    events = rows("SELECT seq, kind, time, actor, scope, photo_hash, dataset, purpose, state, "
                  "form_version, form_hash, status, reason, detail, prev_hash, hash "
                  "FROM events ORDER BY seq")
    names = ("seq", "kind", "time", "actor", "scope", "photo_hash", "dataset", "purpose",
             "state", "form_version", "form_hash", "status", "reason", "detail", "prev_hash",
             "hash")
    chain = [dict(zip(names, row)) for row in events]
    chain[1]["state"] = "given"  # the withdrawal becomes a share
    previous = chain[0]["hash"]
    for event in chain[1:]:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(event)
    for event in chain[1:]:
        tamper("UPDATE events SET state = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               event["state"], event["prev_hash"], event["hash"], event["seq"])
    tamper("UPDATE chain_head SET hash = ?", previous)
    code, out, _ = run(capsys, "log", "verify")
    assert code == 1
    assert out.startswith("Event 5 is not the one this device wrote:")
    assert "rewritten" in out


# 6 --------------------------------------------------------------------------------------------

def test_6_a_broken_chain_drives_no_export_and_no_shared_state(capsys, dataset, tmp_path):
    coffee = dataset / "coffee.jpg"
    run(capsys, "consent", "set", coffee, "--purpose", "research", "--state", "given")
    run(capsys, "consent", "set", coffee, "--purpose", "research", "--state", "withdrawn")
    tamper("UPDATE events SET state = 'given' WHERE seq = 2")
    code, out, err = run(capsys, "export", "photos", "--purpose", "research", "-o",
                         tmp_path / "out")
    assert code == 2 and out == ""
    assert err.startswith("accessshare: No photos were exported: the consent log failed "
                          "verification (Chain broken at record 2:")
    assert not (tmp_path / "out" / "coffee.jpg").exists()
    code, out, err = run(capsys, "consent", "show", coffee)
    assert code == 1 and "Shared" not in out
    assert out.startswith("coffee.jpg: Not shared: the consent log is damaged.")
    # A withdrawal still saves, whatever state the log is in.
    code, out, _ = run(capsys, "consent", "set", coffee, "--purpose", "all", "--state",
                       "withdrawn")
    assert code == 1 and out == ("Withdrawn and saved for 1 photo. The consent log is damaged, "
                                 "so nothing is shared until it is repaired.\n")
    assert rows("SELECT state FROM events ORDER BY seq DESC LIMIT 4") == [("withdrawn",)] * 4


def test_6_editing_the_unchained_dataset_column_moves_no_photo_under_a_default(capsys,
                                                                             tmp_path):
    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir(), private.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", shared / "coffee.jpg")
    shutil.copy(SAMPLE / "coins.jpg", private / "coins.jpg")
    run(capsys, "consent", "set", shared, "--purpose", "research", "--state", "given")
    run(capsys, "consent", "show", private)
    tamper("UPDATE photos SET dataset_id = (SELECT id FROM datasets WHERE root = ?)", str(shared))
    code, out, _ = run(capsys, "export", "photos", "--purpose", "research", "-o", tmp_path / "o")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["coffee.jpg", "manifest.csv"]
    code, out, _ = run(capsys, "consent", "show", private / "coins.jpg")
    assert out.startswith("coins.jpg: Not yet decided.")


# 7 --------------------------------------------------------------------------------------------

def test_7_a_delete_killed_after_the_unlink_is_finished_at_the_next_start(capsys, dataset,
                                                                        tmp_path):
    from accessshare.config import resolve_paths
    from accessshare.library import scan
    from accessshare.records import RecordStore

    coffee = dataset / "coffee.jpg"
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    run(capsys, "export", "photos", "--purpose", "research", "-o", tmp_path / "out")
    coffee_id = next(p.id for p in scan(dataset).photos if p.relpath == "coffee.jpg")
    with RecordStore.open(resolve_paths()) as store:
        store.cache_description(coffee_id, "m", {"sentence": "A cup.",
                                                 "text": [{"text": "BEST COFFEE IN TOWN"}]})
    child = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "deletion_child.py"), str(data_dir()),
         str(coffee), "photo files"], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert not coffee.exists() and (tmp_path / "out" / "coffee.jpg").exists()
    code, out, _ = run(capsys, "consent", "show", dataset)
    assert out.startswith("Finished deleting a photo whose deletion was interrupted "
                          f"({coffee_id[:12]}). No copy remains.\n")
    assert not (tmp_path / "out" / "coffee.jpg").exists()
    assert "coffee.jpg" not in (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    for file in data_dir().rglob("*"):
        if file.is_file() and file.suffix in (".json", ".jsonl", ".sqlite3", ".csv"):
            content = file.read_bytes()
            assert b"BEST COFFEE IN TOWN" not in content, file
            assert b"my coffee mug" not in content, file
            assert b"coffee.jpg" not in content, file
    assert [s for (s,) in rows("SELECT status FROM events WHERE kind = 'deletion'")] == [
        "requested", "done", "verified"]
    code, _, err = run(capsys, "delete", coffee, "--reason", "again", "--yes")
    assert "coffee.jpg is not there" in err


# 8 --------------------------------------------------------------------------------------------

def test_8_exports_never_write_through_planted_links(capsys, dataset, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("my diary", encoding="utf-8")
    out_dir = tmp_path / "out"
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    assert run(capsys, "export", "photos", "--purpose", "research", "-o", out_dir)[0] == 0
    (out_dir / "coffee.jpg").unlink()
    (out_dir / "coffee.jpg").symlink_to(victim)
    (out_dir / ".manifest.csv.partial").symlink_to(victim)
    code, out, err = run(capsys, "export", "photos", "--purpose", "research", "-o", out_dir)
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "my diary"
    assert not (out_dir / "coffee.jpg").is_symlink()
    assert (out_dir / "coffee.jpg").read_bytes() == (dataset / "coffee.jpg").read_bytes()
    assert "coffee.jpg" in (out_dir / "manifest.csv").read_text(encoding="utf-8-sig")


def test_8_an_export_into_a_dataset_is_refused_and_the_next_export_works(capsys, dataset,
                                                                        tmp_path):
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    code, out, err = run(capsys, "export", "photos", "--purpose", "research", "-o",
                         dataset / "exported")
    assert code == 2 and out == ""
    assert err == (f"accessshare: {dataset / 'exported'} is inside the dataset folder "
                   f"{dataset.name}; choose a folder outside your photos.\n")
    assert not (dataset / "exported").exists()
    code, out, _ = run(capsys, "export", "photos", "--purpose", "research", "-o", tmp_path / "o")
    assert code == 0 and out.startswith("Copied 4 photos")


# 9 --------------------------------------------------------------------------------------------

def counted_statements(action) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    sa_event.listen(Engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa_event.remove(Engine, "before_cursor_execute", count)
    return len(statements)


def photo_folder(root: Path, count: int) -> list[Path]:
    root.mkdir()
    data = (SAMPLE / "coffee.jpg").read_bytes()
    made = []
    for n in range(count):
        path = root / f"p{n:04d}.jpg"
        path.write_bytes(data + n.to_bytes(4, "big"))  # bytes after the end: a distinct photo
        made.append(path)
    return made


def test_9_the_database_work_of_set_and_show_does_not_grow_with_the_photos(capsys, tmp_path):
    photo_folder(tmp_path / "warm-up", 1)
    run(capsys, "consent", "set", tmp_path / "warm-up", "--purpose", "all", "--state", "given")
    counts = []
    for size in (30, 90):
        photos = photo_folder(tmp_path / f"f{size}", size)
        setting = counted_statements(lambda photos=photos: run(
            capsys, "consent", "set", *photos, "--purpose", "all", "--state", "given"))
        showing = counted_statements(lambda photos=photos: run(capsys, "consent", "show",
                                                               photos[0].parent))
        counts.append((setting, showing))
    assert counts[0] == counts[1]


# 10 -------------------------------------------------------------------------------------------

def test_10_scanning_reads_exif_without_decoding_pixels(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "big"
    folder.mkdir()
    Image.new("L", (9999, 9999)).save(folder / "huge.png", "PNG", compress_level=9)
    shutil.copy(SAMPLE / "coffee.jpg", folder / "coffee.jpg")

    decoded = []
    original = ImageFile.ImageFile.load

    def recording_load(self):
        decoded.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    code, out, _ = run(capsys, "scan", folder)
    assert code == 0 and "huge.png  " in out and "9999x9999" in out and "coffee.jpg" in out
    assert decoded == []


def test_10_a_multi_gigabyte_file_beside_the_photos_is_one_problem(capsys, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", folder / "coffee.jpg")
    with open(folder / "huge.jpg", "wb") as sparse:
        sparse.truncate(3 * 1024 ** 3)
    code, out, _ = run(capsys, "scan", folder)
    assert code == 0 and "coffee.jpg" in out
    assert "PROBLEM  huge.jpg is not a photo that AccessShare can read" in out


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_10_describe_refuses_devices_and_pipes_at_once(tmp_path, kind):
    target = tmp_path / "photo.jpg"
    if kind == "device":
        target.symlink_to("/dev/zero")
    else:
        os.mkfifo(target)
    child = subprocess.run([sys.executable, "-m", "accessshare", "describe", str(target)],
                           capture_output=True, text=True, timeout=60, cwd=REPO)
    assert child.returncode == 1
    assert child.stdout == (f"{target}: could not be described. photo.jpg is not a regular file "
                            "(it is a device, pipe or socket), so it was not read.\n")


# 11 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["\t=1+1", "\r+SUM(A1)", " =HYPERLINK(\"x\")", "  @cmd",
                                    "\n-2+3"])
def test_11_csv_cells_that_a_spreadsheet_would_run_are_neutralised(capsys, dataset, tmp_path,
                                                                  reason):
    run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research", "--state",
        "given", "--reason", reason)
    run(capsys, "export", "consent", "--format", "csv", "-o", tmp_path / "log.csv")
    with open(tmp_path / "log.csv", encoding="utf-8-sig", newline="") as source:
        (row,) = list(csv.DictReader(source))
    assert row["reason"] == "'" + reason


def test_11_the_manifest_names_the_files_that_exist(capsys, dataset, tmp_path):
    os.rename(dataset / "coffee.jpg", dataset / "=cmd.jpg")
    run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given")
    run(capsys, "export", "photos", "--purpose", "research", "-o", tmp_path / "out")
    with open(tmp_path / "out" / "manifest.csv", encoding="utf-8-sig", newline="") as source:
        listed = [row["file"] for row in csv.DictReader(source)]
    assert all((tmp_path / "out" / name).is_file() for name in listed), listed
    assert not any(name[:1] in "=+-@'" for name in listed)


def test_11_a_blank_purpose_is_refused(capsys, dataset):
    code, out, err = run(capsys, "consent", "set", dataset, "--purpose", " ", "--state", "given")
    assert (code, out) == (2, "")
    assert err == ("accessshare: Give at least one purpose: ' ' names none. Choose from "
                   "research, train_ai, public_release, commercial, or all.\n")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_11_an_in_memory_database_is_refused(capsys, dataset, url):
    code, out, err = run(capsys, "--db", url, "consent", "set", dataset, "--purpose",
                         "research", "--state", "given")
    assert (code, out) == (2, "")
    assert err == (f"accessshare: The records database address {url!r} is in memory, so "
                   "nothing would be kept; give a file or a server.\n")


@pytest.mark.parametrize("url", ["postgresql+psycopg://ann:s3cret@127.0.0.1:1/x",
                                 "postgresql+psycopg://ann:s3cret@127.0.0.1:notaport/x",
                                 "nonsense://ann:s3cret@host/x"])
def test_11_a_password_in_the_database_address_is_never_printed(capsys, dataset, url):
    code, out, err = run(capsys, "--db", url, "consent", "set", dataset, "--purpose",
                         "research", "--state", "given")
    assert code == 2 and "s3cret" not in out + err and "***" in err
    assert err.count("\n") == 1


def test_11_a_full_disk_gets_one_sentence_and_saves_nothing(capsys, dataset, monkeypatch):
    run(capsys, "consent", "set", dataset / "coins.jpg", "--purpose", "research", "--state",
        "given")

    def full_after_connect(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA max_page_count = 1")

    from accessshare.records import store as store_module

    original = store_module._configure_sqlite

    def configure(engine):
        original(engine)
        sa_event.listen(engine, "connect", full_after_connect)

    photos = photo_folder(dataset / "many", 300)
    with monkeypatch.context() as patched:
        patched.setattr(store_module, "_configure_sqlite", configure)
        code, out, err = run(capsys, "consent", "set", *photos, "--purpose", "all", "--state",
                             "given")
    assert code == 2 and "Saved" not in out
    assert err == ("accessshare: Nothing was saved: the records database is full (database or "
                   "disk is full). Free some space and try again.\n")
    assert run(capsys, "log", "verify")[:2] == (0, "Chain intact: 1 event verified.\n")


def test_11_deeply_nested_json_is_one_sentence(capsys, tmp_path):
    nested = tmp_path / "deep.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = run(capsys, "log", "verify", nested)
    assert (code, err) == (1, "")
    assert out == ("deep.json is not an AccessShare consent log export (JSON with records and "
                   "their events).\n")


def test_11_a_negative_worker_count_is_one_sentence(capsys, dataset):
    code, out, err = run(capsys, "describe", dataset / "coffee.jpg", "--workers", "-3")
    assert (code, out) == (2, "")
    assert err == "accessshare: --workers must be 1 or more (photos described at once), not -3.\n"


def test_11_control_characters_in_names_never_reach_the_terminal(capsys, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", folder / "evil\x1b[31m\nname.jpg")
    code, out, _ = run(capsys, "scan", folder)
    assert "\x1b" not in out
    assert out.splitlines()[0].endswith("evil\\x1b[31m\\nname.jpg  "
                                        f"{(SAMPLE / 'coffee.jpg').stat().st_size} bytes  "
                                        "400x400") or "evil\\x1b[31m\\nname.jpg" in out
    assert len(out.splitlines()) == 2


def test_11_non_utf8_names_keep_json_output_valid(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(SAMPLE / "coffee.jpg", os.path.join(bytes(folder), b"caf\xe9.jpg"))
    child = subprocess.run([sys.executable, "-m", "accessshare", "--data-dir",
                            str(tmp_path / "data"), "scan", "--json", str(folder)],
                           capture_output=True, timeout=120, cwd=REPO)
    assert child.returncode == 0, child.stderr
    (line,) = child.stdout.decode("utf-8").splitlines()
    assert json.loads(line)["relpath"] == "caf\\xe9.jpg"


def test_11_folder_withdrawal_names_photos_that_stay_shared(capsys, dataset):
    run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research", "--state",
        "given")
    code, out, _ = run(capsys, "consent", "set", dataset, "--purpose", "all", "--state",
                       "withdrawn")
    assert out == ("Saved. Folder my photos, for photos with no decision of their own: Withdrawn "
                   "from every purpose.\n"
                   "1 photo you decided one by one keeps its own decision and is still shared: "
                   "coffee.jpg. To withdraw it too, give its path.\n")


def test_11_the_json_verify_checks_the_summary_notice_and_purposes(capsys, dataset, tmp_path):
    run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research", "--state",
        "withdrawn")
    log = tmp_path / "log.json"
    run(capsys, "export", "consent", "-o", log)
    original = json.loads(log.read_text(encoding="utf-8"))

    def verify(edit) -> str:
        edited = json.loads(json.dumps(original))
        edit(edited)
        log.write_text(json.dumps(edited), encoding="utf-8")
        code, out, _ = run(capsys, "log", "verify", log)
        assert code == 1, out
        return out

    record = lambda doc: doc["records"][0]  # noqa: E731
    assert "current state" in verify(lambda d: record(d)["current_state"].pop(0))
    assert "notice" in verify(lambda d: record(d)["notice"].update(version="9"))
    assert "purposes" in verify(lambda d: record(d)["purposes"][0].update(name="Anything"))
    # Re-signed by someone who holds a key: the summary must still follow from the events.
    from accessshare.records.signing import DeviceKey, sign_document

    other = DeviceKey.load_or_create(tmp_path / "another device")

    def resigned(edit):
        def change(doc):
            doc.pop("signature")
            edit(doc)
            doc.update(sign_document(doc, other))
        return change

    assert "current state" in verify(resigned(lambda d: record(d)["current_state"].pop(0)))
    assert "notice" in verify(resigned(lambda d: record(d)["notice"].update(version="9")))
    assert "purposes" in verify(resigned(
        lambda d: record(d)["purposes"][0].update(name="Anything")))


def test_11_a_withdrawal_turned_back_into_a_share_with_every_hash_recomputed_is_refused(
        capsys, dataset, tmp_path):
    from accessshare.consent.export import current_states

    coffee = dataset / "coffee.jpg"
    run(capsys, "consent", "set", coffee, "--purpose", "research", "--state", "given")
    run(capsys, "consent", "set", coffee, "--purpose", "research", "--state", "withdrawn")
    run(capsys, "consent", "set", dataset / "coins.jpg", "--purpose", "research", "--state",
        "refused")
    log = tmp_path / "log.json"
    run(capsys, "export", "consent", "-o", log)
    doc = json.loads(log.read_text(encoding="utf-8"))
    (record,) = doc["records"]
    events = record["events"]
    events[1]["state"], events[1]["consent_status"] = "given", "dpv:ConsentGiven"
    previous = events[0]["hash"]
    for event in events[1:]:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(event)
    doc["chain"]["head"] = previous
    photos = {row["photo_hash"]: row["dataset"] for row in record["current_state"]}
    purposes = list(dict.fromkeys(row["purpose"] for row in record["current_state"]))
    record["current_state"] = current_states(events, photos, purposes)
    log.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "log", "verify", log)
    assert (code, out) == (1, "log.json was altered: its signature does not match its content "
                              "(it was changed after it was signed).\n")
