"""The Qt-free study workflow (on SQLite and PostgreSQL, with this folder's store fixture):
codes, protocols, the recorder's agreement, pauses, tasks and batches, and what exports,
summaries, notes and withdrawal give a facilitator."""

from __future__ import annotations

import csv
import json
import re
import time

import pytest

from accessshare.study import StudyProblem, check_code, load_protocol, start_session
from accessshare.study import report
from accessshare.study.protocol import parse_protocol
from accessshare.study.recorder import compact_positions

PROTOCOL = """# Reviewing photos, session 1
Notes for the facilitator are ignored.
1. Find a photo that shows a face and decide whether to share it.
2) Delete a photo you would not share.
"""


@pytest.mark.parametrize("code", ["P07", "F2", "S1-P07", "p_12"])
def test_pseudonymous_codes_are_taken(code):
    assert check_code(code) == code


@pytest.mark.parametrize("code, words", [
    ("Alice", "looks like a name"), ("Jane Doe", "looks like a name"),
    ("jane.doe", "looks like a name"), ("Anna1", "looks like a name"),
    ("jane@example.org", "looks like an e-mail address"), ("", "is empty"),
    ("P07/../x", "is not a code")])
def test_codes_that_could_identify_someone_are_refused_with_one_sentence(code, words):
    with pytest.raises(StudyProblem) as refused:
        check_code(code)
    message = str(refused.value)
    assert words in message and "such as P07" in message and "\n" not in message


def test_a_refused_code_is_one_whole_sentence_naming_which_code():
    with pytest.raises(StudyProblem) as refused:
        check_code("Jane Doe")
    assert str(refused.value) == (
        "The participant code 'Jane Doe' looks like a name; use a pseudonymous code such as "
        "P07: a few letters and a number, never anything that identifies a person.")
    with pytest.raises(StudyProblem) as refused:
        check_code("f2@lab.example", facilitator=True)
    assert str(refused.value) == (
        "The facilitator code 'f2@lab.example' looks like an e-mail address; use a "
        "pseudonymous code such as F2, never anything that identifies a person.")
    with pytest.raises(StudyProblem) as refused:
        check_code("P07-" + "1" * 20)
    assert str(refused.value) == (
        f"The participant code 'P07-{'1' * 20}' is not a code; use a pseudonymous code such "
        "as P07: up to 16 letters, digits, '-' or '_'.")


def test_a_protocol_has_a_title_and_numbered_tasks(tmp_path):
    path = tmp_path / "protocol.md"
    path.write_text(PROTOCOL, encoding="utf-8")
    protocol = load_protocol(path)
    assert protocol.title == "Reviewing photos, session 1"
    assert protocol.tasks == ("Find a photo that shows a face and decide whether to share it.",
                              "Delete a photo you would not share.")
    assert protocol.task_sentence(2) == "Task 2 of 2: Delete a photo you would not share."
    assert parse_protocol("1. Only a task\n").title == "Study tasks"


def _refusal(action) -> str:
    with pytest.raises(StudyProblem) as refused:
        action()
    return str(refused.value)


def test_a_protocol_file_that_cannot_be_used_is_refused_in_one_sentence(tmp_path):
    assert _refusal(lambda: parse_protocol("# Only a title\n")) == (
        "The protocol has no numbered tasks; write each task on a line such as "
        "'1. Find a photo that shows a face'.")
    (tmp_path / "title.md").write_text("# Only a title\n", encoding="utf-8")
    assert _refusal(lambda: load_protocol(tmp_path / "title.md")) == (
        "The protocol file title.md has no numbered tasks; write each task on a line such as "
        "'1. Find a photo that shows a face'.")
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe1. x")
    assert _refusal(lambda: load_protocol(tmp_path / "bad.md")) == \
        "The protocol file bad.md is not UTF-8 text."
    assert _refusal(lambda: load_protocol(tmp_path / "missing.md")) == \
        "The protocol file missing.md cannot be read: No such file or directory."
    (tmp_path / "huge.md").write_text("1. A task\n" * 30_000, encoding="utf-8")
    assert _refusal(lambda: load_protocol(tmp_path / "huge.md")) == \
        "The protocol file huge.md is too large for a list of tasks."


def test_nothing_is_recorded_before_agreement_or_while_paused(store):
    recorder = start_session(store, "P07", "F2")
    recorder.dataset_opened(12)
    assert not recorder.record("photo_moved", position=1)  # not agreed yet
    assert recorder.agree() == "Recording started."
    recorder.record("photo_moved", position=2)
    assert recorder.toggle_pause().startswith("Recording paused")
    assert not recorder.record("photo_moved", position=3)
    assert recorder.toggle_pause() == "Recording resumed."
    recorder.record("decision", position=4, purpose="research", state="given")
    assert recorder.end() == "Study session P07 ended."
    rows = report.event_rows(store)
    assert [(r["event"], r["photo_position"]) for r in rows] == [
        ("recording_agreed", None), ("dataset_opened", None), ("photo_moved", 2),
        ("recording_paused", None), ("recording_resumed", None), ("decision", 4),
        ("session_ended", None)]
    assert rows[1]["detail"] == {"photos": 12}
    assert rows[5]["purpose"] == "research" and rows[5]["state"] == "given"
    elapsed = [r["elapsed_ms"] for r in rows]
    assert elapsed == sorted(elapsed) and all(e >= 0 for e in elapsed)
    assert store.study_sessions()[0].ended is not None


def test_events_are_written_off_the_calling_thread_in_batches(store):
    writes = []
    real = store.record_study_events

    def counting(session_id, events):
        writes.append(len(events))
        real(session_id, events)

    store.record_study_events = counting
    recorder = start_session(store, "P08", batch_seconds=30)  # the writer waits: one batch
    recorder.agree()
    for position in range(1, 201):
        recorder.record("photo_moved", position=position)
    assert writes == []  # record() only queued them
    recorder.end()
    assert writes == [202]  # agreed, 200 moves, ended: one transaction
    assert len(store.study_events(recorder.session_id)) == 202


def test_tasks_give_time_on_task_and_notes_are_kept(store, tmp_path):
    recorder = start_session(store, "P09", protocol=parse_protocol(PROTOCOL))
    said = recorder.agree()
    assert said.endswith("Task 1 of 2: Find a photo that shows a face and decide whether to "
                         "share it.")
    recorder.record("photo_moved", position=1)
    assert recorder.note("Participant asked = what a face means") == "Note added."
    assert recorder.next_task().startswith("Task 2 of 2")
    recorder.record("action", action="delete")
    assert recorder.next_task() == "All tasks are done."
    recorder.end()
    rows = report.event_rows(store, "P09")
    assert [(r["event"], r["task"]) for r in rows] == [
        ("recording_agreed", None), ("task_started", 1), ("photo_moved", 1), ("note", 1),
        ("task_ended", 1), ("task_started", 2), ("action", 2), ("task_ended", 2),
        ("session_ended", None)]
    report.export(store, tmp_path / "study.csv", "csv")
    with open(tmp_path / "study.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == list(report.COLUMNS)
    note = next(r for r in table if r["event"] == "note")
    assert json.loads(note["detail"]) == {"note": "Participant asked = what a face means"}
    summary = report.summary_lines(store, "P09")
    assert re.fullmatch(r"P09, session \d+ \(0 min \d+ s, 9 events\):", summary[0]), summary[0]
    assert re.fullmatch(r"  Before any task: \d+\.\d s; 0 photos reviewed; 0 descriptions "
                        r"heard; decisions: none; walk answers 0 right, 0 wrong; keys used "
                        r"most: none\.", summary[1]), summary[1]
    assert re.fullmatch(r"  Task 1: \d+\.\d s; 1 photo reviewed; 0 descriptions heard; "
                        r"decisions: none; walk answers 0 right, 0 wrong; keys used most: "
                        r"none\.", summary[2]), summary[2]
    assert summary[3].endswith("keys used most: delete (1).")


def test_a_summary_says_one_event_and_one_description_in_the_singular(store):
    session = store.start_study_session("P10")
    store.record_study_events(session, [{"kind": "description_heard", "elapsed_ms": 1500}])
    assert report.summary_lines(store, "P10") == [
        f"P10, session {session} (still open, 1 event):",
        "  Before any task: 0.0 s; 0 photos reviewed; 1 description heard; decisions: none; "
        "walk answers 0 right, 0 wrong; keys used most: none."]


def test_export_json_is_nested_by_session_and_withdrawal_removes_only_study_records(store, tmp_path):
    for code in ("P07", "P08"):
        recorder = start_session(store, code)
        recorder.agree()
        recorder.record("decision", position=1, purpose="research", state="given")
        recorder.end()
    store.append_consent(purpose="research", state="given", actor="contributor",
                         photo_hash="a" * 64)
    report.export(store, tmp_path / "study.json", "json", participant="P07")
    exported = json.loads((tmp_path / "study.json").read_text(encoding="utf-8"))
    assert [s["participant"] for s in exported["sessions"]] == ["P07"]
    assert [e["event"] for e in exported["sessions"][0]["events"]] == [
        "recording_agreed", "decision", "session_ended"]
    said = report.withdraw(store, "P07")
    assert said == ("Removed the study records of P07: 1 session and 3 events. Their own "
                    "consent decisions are theirs and were not touched.")
    assert [s.participant for s in store.study_sessions()] == ["P08"]
    assert len(store.events()) == 1 and store.verify().ok


def test_a_note_from_another_terminal_goes_to_the_open_session(store):
    with pytest.raises(StudyProblem, match="No study session is running"):
        report.add_note(store, "too early")
    recorder = start_session(store, "P10", protocol=parse_protocol(PROTOCOL))
    recorder.agree()
    recorder.flush()
    assert report.add_note(store, "  looks   unsure ") == (
        f"Note added to P10's session {recorder.session_id}.")
    recorder.end()
    note = next(r for r in report.event_rows(store) if r["event"] == "note")
    assert note["detail"] == {"note": "looks unsure"} and note["task"] == 1
    assert note["elapsed_ms"] >= 0


def test_image_content_is_refused_by_the_store(store):
    recorder = start_session(store, "P11")
    with pytest.raises(ValueError, match="never hold image content"):
        store.record_study_events(recorder.session_id, [{"kind": "x", "detail": {"path": "/a"}}])
    recorder.end()


def test_the_recorder_hands_over_notes_another_writer_added_but_not_its_own(store):
    recorder = start_session(store, "P12")
    heard: list[str] = []
    recorder.note_poll_seconds = 0.05
    recorder.on_outside_note = heard.append
    recorder.agree()
    assert recorder.note("my own note") == "Note added."
    recorder.flush()
    assert report.add_note(store, "from  the other terminal").startswith("Note added to P12")
    deadline = time.monotonic() + 10
    while not heard and time.monotonic() < deadline:
        time.sleep(0.02)
    assert heard == ["from the other terminal"]
    recorder.end()
    assert [r["detail"]["note"] for r in report.event_rows(store) if r["event"] == "note"] == [
        "my own note", "from the other terminal"]
    assert heard == ["from the other terminal"]  # each note is handed over once


def test_a_decision_on_many_photos_keeps_their_positions_compactly(store):
    assert compact_positions([10, 1, 2, 3, 7, 9, 3]) == "1-3,7,9-10"
    assert compact_positions([]) == "" and compact_positions([5]) == "5"
    recorder = start_session(store, "P14")
    recorder.agree()
    recorder.record("decision", state="given", purpose="research", photos=2000,
                    positions="1-1999,2001", scope="shown")
    recorder.end()
    decision = next(r for r in report.event_rows(store) if r["event"] == "decision")
    assert decision["detail"] == {"photos": 2000, "positions": "1-1999,2001", "scope": "shown"}
    assert "decisions: 2000 given" in report.summary_lines(store, "P14")[1]
    with pytest.raises(ValueError, match="must be photo positions"):
        store.record_study_events(recorder.session_id, [
            {"kind": "decision", "detail": {"positions": "1-3,cat.jpg"}}])
