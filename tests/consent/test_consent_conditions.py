"""Sharing on condition that faces, text or location are removed: the condition is part of the
consent event (chained, exported, verified), spoken in the summary and the history, and kept
by undo. No model runs here (tests/describe_redaction checks the copies)."""

from __future__ import annotations

import hashlib
import json

import pytest

from accessshare.cli import main
from accessshare.consent.conditions import condition_words, parse_kinds
from accessshare.consent.decisions import spoken_date
from accessshare.consent.export import export_consent_json, verify_export_file


def photo_id(n: int) -> str:
    return hashlib.sha256(f"photo {n}".encode()).hexdigest()


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_condition_is_stored_in_the_event_as_sorted_kinds(decisions, store):
    decisions.decide_photos([photo_id(1)], "research", "given", redact="text,faces")
    (event,) = store.events()
    assert json.loads(event.detail)["redact"] == ["faces", "text"]
    assert decisions.effective(photo_id(1))["research"].redact == ("faces", "text")


def test_the_summary_speaks_the_condition(decisions):
    photo = photo_id(1)
    decisions.decide_photos([photo], "research", "given", redact=["faces"])
    assert decisions.summary(photo) == "Shared for research, faces removed; other purposes not yet decided."
    decisions.decide_photos([photo], "commercial", "refused")
    assert decisions.summary(photo) == ("Shared for research, faces removed, not for commercial use; "
                                        "other purposes not yet decided.")
    decisions.decide_photos([photo], "train_ai", "given")
    assert decisions.summary(photo).startswith(
        "Shared for training AI models and research with faces removed, not for commercial use")


def test_the_history_speaks_the_condition(decisions, store):
    photo = photo_id(1)
    decisions.decide_photos([photo], "research", "given", redact="faces,text")
    (event,) = store.events()
    assert decisions.history(photo) == [
        f"You shared this for research with faces and text removed on {spoken_date(event.time)}."]


def test_a_condition_goes_only_with_sharing(decisions, store):
    with pytest.raises(ValueError, match="goes only with the state given"):
        decisions.decide_photos([photo_id(1)], "research", "refused", redact="faces")
    assert store.events() == []


def test_undo_restores_a_shared_photo_with_its_condition_never_without(decisions):
    photo = photo_id(1)
    decisions.share_only([photo], ["research"], redact="all")
    decisions.refuse_all([photo])
    assert decisions.effective(photo)["research"].state == "withdrawn"
    decisions.undo_last()
    restored = decisions.effective(photo)["research"]
    assert (restored.state, restored.redact) == ("given", ("faces", "location", "text"))


def test_a_folder_default_can_carry_a_condition(decisions, dataset):
    decisions.decide_dataset(dataset, "research", "given", redact="location")
    assert decisions.folder_states(dataset)["research"] == "given"
    effective = decisions.effective(photo_id(9), dataset)["research"]
    assert (effective.source, effective.redact) == ("dataset", ("location",))


def test_a_stored_kind_this_version_does_not_know_removes_every_kind(decisions, store):
    store.append_consents([dict(photo_hash=photo_id(1), purpose="research", state="given",
                                actor=decisions.actor, form_version=decisions.form.version,
                                form_hash=decisions.form.sha256,
                                detail={"redact": ["faces", "voices"]})])
    assert decisions.effective(photo_id(1))["research"].redact == ("faces", "location", "text")


def test_the_exported_log_records_the_condition_and_verify_checks_it(decisions, store, tmp_path):
    decisions.decide_photos([photo_id(1)], "research", "given", redact="faces,text,location")
    log = tmp_path / "log.json"
    export_consent_json(store, log, decisions.form)
    document = json.loads(log.read_text(encoding="utf-8"))
    (event,) = document["records"][0]["events"]
    assert json.loads(event["detail"])["redact"] == ["faces", "location", "text"]
    (row,) = [r for r in document["records"][0]["current_state"]
              if r["photo_hash"] == photo_id(1) and r["purpose"] == "research"]
    assert row["redact"] == ["faces", "location", "text"]
    assert verify_export_file(log).ok

    # Dropping "faces" from the condition, in the event or in the summary, is caught.
    detail = json.loads(event["detail"])
    detail["redact"] = ["location", "text"]
    event["detail"] = json.dumps(detail)
    log.write_text(json.dumps(document), encoding="utf-8")
    report = verify_export_file(log)
    assert not report.ok and report.message.startswith("log.json was altered at event 1 of 1")
    export_consent_json(store, log, decisions.form)
    document = json.loads(log.read_text(encoding="utf-8"))
    for row in document["records"][0]["current_state"]:
        row.pop("redact", None)
    log.write_text(json.dumps(document), encoding="utf-8")
    assert not verify_export_file(log).ok


def test_consent_set_with_redact_on_the_command_line(capsys, dataset):
    coffee, cat = dataset / "coffee.jpg", dataset / "chelsea.jpg"
    code, out, err = run(capsys, "consent", "set", coffee, cat, "--purpose", "research",
                         "--state", "given", "--redact", "faces,text,location")
    assert (code, err) == (0, "")
    assert ("coffee.jpg: Shared for research, faces, text, location and camera details removed; "
            "other purposes not yet decided.") in out.splitlines()
    code, out, _ = run(capsys, "consent", "show", coffee, "--json")
    shown = json.loads(out)
    assert shown["redact"] == {"research": ["faces", "location", "text"]}
    assert shown["history"][0].startswith(
        "You shared this for research with faces, text, location and camera details removed on ")
    assert run(capsys, "consent", "set", cat, "--purpose", "research", "--state", "given",
               "--redact", "all")[0] == 0
    assert "chelsea.jpg: Shared for research, faces, text, location and camera details removed" in \
        run(capsys, "consent", "show", cat)[1]


@pytest.mark.parametrize(("extra", "message"), [
    (["--state", "given", "--redact", "face"],
     "Nothing was saved: 'face' is not something that can be removed; choose faces, text, location or all.\n"),
    (["--state", "refused", "--redact", "faces"],
     "Nothing was saved: --redact is a condition on sharing, so it goes only with --state given.\n"),
])
def test_a_redact_that_makes_no_sense_saves_nothing_and_says_why_in_one_sentence(capsys, dataset, extra, message):
    code, out, err = run(capsys, "consent", "set", dataset / "coffee.jpg", "--purpose", "research", *extra)
    assert (code, out) == (2, "")
    assert err.endswith(message) and "Traceback" not in err
    assert run(capsys, "log", "verify")[1] == "Chain intact: 0 events verified.\n"


def test_the_kinds_and_their_words():
    assert parse_kinds("all") == {"faces", "text", "location"}
    assert condition_words(["text", "faces"]) == "faces and text removed"
    assert condition_words(["location"]) == "location and camera details removed"


def test_a_folder_shared_on_condition_says_so(capsys, dataset):
    code, out, _ = run(capsys, "consent", "set", dataset, "--purpose", "research", "--state", "given",
                       "--redact", "faces")
    assert out == ("Saved. Folder my photos, for photos with no decision of their own: Shared for "
                   "research, faces removed; other purposes not yet decided.\n")
    out = run(capsys, "consent", "show", dataset / "coffee.jpg")[1]
    assert out.startswith("coffee.jpg: Shared for research, faces removed;")
