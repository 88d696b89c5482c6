"""``accessshare open --study`` refuses codes before any window opens, and ``accessshare
study note|summary|list|withdraw`` work on the data folder's store, each with one sentence."""

from __future__ import annotations

import re

import pytest

from accessshare.cli import main
from accessshare.config import resolve_paths
from accessshare.records import RecordStore
from accessshare.study import start_session


@pytest.mark.parametrize("code, words", [("Maria", "looks like a name"),
                                         ("maria@uni.example", "looks like an e-mail address")])
def test_open_refuses_a_code_that_could_identify_someone(tmp_path, capsys, code, words):
    assert main(["--data-dir", str(tmp_path), "open", str(tmp_path), "--study", code]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_open_refuses_study_options_without_a_study(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "open", str(tmp_path), "--record-speech"]) == 2
    assert "add --study CODE" in capsys.readouterr().err


def test_note_summary_list_and_withdraw_from_the_command_line(tmp_path, capsys):
    data = ["--data-dir", str(tmp_path)]
    paths = resolve_paths(tmp_path).ensure()
    with RecordStore.open(paths) as store:
        recorder = start_session(store, "P21", "F3")
        recorder.agree()
        recorder.record("photo_moved", position=2)
        recorder.record("action", action="share")
        recorder.record("decision", position=2, purpose="research", state="given")
        recorder.flush()
        assert main([*data, "study", "note", "asked  about faces"]) == 0
        assert capsys.readouterr().out == f"Note added to P21's session {recorder.session_id}.\n"
        recorder.end()
    assert main([*data, "study", "summary", "--participant", "P21"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"P21, session \d+ \(0 min \d+ s, 6 events\):\n  Before any task: "
                        r"\d+\.\d s; 1 photo reviewed; 0 descriptions heard; decisions: 1 "
                        r"given; walk answers 0 right, 0 wrong; keys used most: share \(1\)\.\n",
                        out), out
    assert main([*data, "study", "list"]) == 0
    assert capsys.readouterr().out.startswith("P21: session 1, facilitator F3, started ")
    assert main([*data, "study", "withdraw", "P21"]) == 2  # without --yes nothing goes
    assert "Nothing was removed" in capsys.readouterr().err
    assert main([*data, "study", "withdraw", "P21", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Removed the study records of P21: 1 session")
    assert main([*data, "study", "note", "late"]) == 2
    assert "No study session is running" in capsys.readouterr().err
