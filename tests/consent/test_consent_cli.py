"""The command line, as a steward's script would use it: set, show, export, verify, delete."""

from __future__ import annotations

import csv
import json
import re

from accessshare.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_round_trip_set_show_export_verify_delete(capsys, dataset, tmp_path):
    coffee, cat, coins = (dataset / n for n in ("coffee.jpg", "chelsea.jpg", "coins.jpg"))
    code, out, _ = run(capsys, "consent", "set", coffee, cat, coins, "--purpose", "research",
                       "--state", "given")
    assert code == 0 and out.endswith("Saved for 3 photos.\n")
    assert "coffee.jpg: Shared for research; other purposes not yet decided." in out
    assert run(capsys, "consent", "set", coins, "--purpose", "research", "--state", "refused")[0] == 0
    code, out, _ = run(capsys, "consent", "set", dataset, "--purpose", "commercial",
                       "--state", "refused")
    assert out == ("Saved. Folder my photos, for photos with no decision of their own: Not shared "
                   "for commercial use; other purposes not yet decided.\n")

    code, out, _ = run(capsys, "consent", "show", coffee, "--json")
    shown = json.loads(out)
    assert shown["states"] == {"research": "given", "train_ai": "pending",
                               "public_release": "pending", "commercial": "refused"}
    assert shown["decided_by"]["commercial"] == "dataset"
    assert shown["summary"] == "Shared for research, not for commercial use; other purposes not yet decided."
    code, out, _ = run(capsys, "consent", "show", coins)
    assert out.startswith("coins.jpg: Not shared for research or commercial use;")
    assert "You shared this for research on" in out and "and refused it at" in out

    log, table = tmp_path / "log.json", tmp_path / "log.csv"
    assert run(capsys, "export", "consent", "--format", "json", "-o", log)[1] == \
        f"Saved the consent log with 5 events to {log}.\n"
    assert run(capsys, "export", "consent", "--format", "csv", "-o", table)[0] == 0
    assert table.read_bytes().startswith(b"\xef\xbb\xbfseq,time,data_subject,")
    with open(table, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source))
    assert [(r["purpose"], r["state"], r["consent_status"]) for r in rows][-1] == \
        ("commercial", "refused", "dpv:ConsentRefused")
    assert all(r["time"].endswith("Z") and r["time"][4] == "-" for r in rows)
    code, out, err = run(capsys, "log", "verify", log)
    assert (code, err) == (0, "")
    intact, signed, agree = out.splitlines()
    assert intact == "log.json is intact: 5 events verified."
    assert re.fullmatch(r"Signed by contributor-[0-9a-f]{12} with the device key "
                        r"[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}\.", signed)
    assert re.fullmatch(r"Its chain, its summary and its signature agree\. The key's full "
                        r"fingerprint \(for a steward's pin file\) is [0-9a-f]{64}\.", agree)
    assert agree[-65:-49] == signed[-20:-1].replace(" ", "")  # the short one is its start
    edited = json.loads(log.read_text(encoding="utf-8"))
    edited["records"][0]["events"][1]["state"] = "withdrawn"
    log.write_text(json.dumps(edited), encoding="utf-8")
    code, out, _ = run(capsys, "log", "verify", log)
    assert code == 1 and out.startswith("log.json was altered at event 2 of 5")

    research = tmp_path / "research"
    code, out, _ = run(capsys, "export", "photos", "--purpose", "research", "-o", research)
    assert out.startswith(f"Copied 2 photos shared for research to {research}, with manifest.csv.")
    assert sorted(p.name for p in research.iterdir()) == ["chelsea.jpg", "coffee.jpg", "manifest.csv"]
    with open(research / "manifest.csv", encoding="utf-8-sig", newline="") as source:
        manifest = list(csv.DictReader(source))
    assert [(m["file"], m["label"], m["purpose"]) for m in manifest] == [
        ("chelsea.jpg", "my cat", "research"), ("coffee.jpg", "my coffee mug", "research")]

    code, _, err = run(capsys, "delete", coffee, "--reason", "changed my mind")
    assert code == 2 and "Nothing was deleted" in err and "add --yes" in err and coffee.exists()
    code, out, _ = run(capsys, "delete", coffee, "--reason", "changed my mind", "--yes")
    assert (code, out) == (0, "Deleted coffee.jpg and 1 exported copy. No copy remains.\n")
    assert not (research / "coffee.jpg").exists()
    assert run(capsys, "log", "verify") == (0, "Chain intact: 8 events verified.\n", "")


def test_undo_from_the_command_line(capsys, dataset):
    coffee = dataset / "coffee.jpg"
    run(capsys, "consent", "set", coffee, "--purpose", "all", "--state", "given")
    run(capsys, "consent", "set", coffee, "--purpose", "commercial", "--state", "withdrawn")
    assert run(capsys, "consent", "undo")[1] == (
        "Undone. Shared for research, training AI models, public dataset release and "
        "commercial use.\n")


def test_bad_input_gets_one_sentence(capsys, dataset, tmp_path):
    code, _, err = run(capsys, "consent", "set", tmp_path / "gone.jpg", "--purpose", "research",
                       "--state", "given")
    assert code == 1 and err == "accessshare: gone.jpg is not there; give a photo file or a dataset folder.\n".replace(
        "gone.jpg", str(tmp_path / "gone.jpg"))
    code, _, err = run(capsys, "consent", "set", dataset, "--purpose", "marketing", "--state", "given")
    assert code == 2 and "There is no purpose 'marketing' in the consent form" in err
    broken = tmp_path / "steward.md"
    broken.write_text("---\ntitle: Ours\n---\n## Hello\n\n## Purpose: Research {#research}\nText.\n",
                      encoding="utf-8")
    code, _, err = run(capsys, "consent", "set", dataset, "--purpose", "research", "--state",
                       "given", "--consent-form", broken)
    assert code == 2
    assert "steward.md:1: missing version" in err and "steward.md:4: section 'Hello' is empty" in err
    code, _, err = run(capsys, "export", "photos", "--purpose", "research", "-o", dataset)
    assert code == 2 and "already holds other files; choose a new or empty folder" in err


def test_a_stewards_form_defines_the_purposes_and_is_stored(capsys, dataset, tmp_path):
    form = tmp_path / "steward.md"
    form.write_text("---\nversion: 7\n---\n## Purpose: Teaching {#teaching}\nClassroom use.\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, "consent", "set", dataset / "coins.jpg", "--purpose", "teaching",
                       "--state", "given", "--consent-form", form)
    assert code == 0 and out.startswith("coins.jpg: Shared for teaching.")
    log = tmp_path / "log.json"
    run(capsys, "export", "consent", "-o", log, "--consent-form", form)
    event = json.loads(log.read_text(encoding="utf-8"))["records"][0]["events"][0]
    assert event["notice"]["version"] == "7" and len(event["notice"]["sha256"]) == 64


def test_exporting_again_replaces_the_copies_and_drops_withdrawn_photos(capsys, dataset, tmp_path):
    coffee, cat = dataset / "coffee.jpg", dataset / "chelsea.jpg"
    run(capsys, "consent", "set", coffee, cat, "--purpose", "train_ai", "--state", "given")
    out_dir = tmp_path / "training"
    run(capsys, "export", "photos", "--purpose", "train_ai", "-o", out_dir)
    run(capsys, "consent", "set", coffee, "--purpose", "train_ai", "--state", "withdrawn")
    code, out, _ = run(capsys, "export", "photos", "--purpose", "train_ai", "-o", out_dir)
    assert code == 0 and "Left out: 1 withdrawn, 2 not yet decided." in out
    assert sorted(p.name for p in out_dir.iterdir()) == ["chelsea.jpg", "manifest.csv"]
    assert coffee.exists() and sorted(p.name for p in dataset.iterdir()) == [
        "camera.jpg", "chelsea.jpg", "coffee.jpg", "coins.jpg", "manifest.csv"]


def test_the_consent_walk_in_the_terminal_explains_a_wrong_answer(capsys, monkeypatch):
    from accessshare.consent import load_form

    form = load_form()
    replies = []
    for section in form.sections:
        replies.append("")
        for question in section.questions:
            if question.text.startswith("What does commercial use mean"):
                replies.append("2")  # wrong first: the explanation is given, then try again
            replies.append(str(question.answer + 1))
    answers = iter(replies)
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(answers))
    code, out, _ = run(capsys, "consent", "walk")
    assert code == 0
    assert "Part 1 of 16. Welcome. This is about the photos you took" in out
    assert ("Not quite. Commercial use means companies may use the photo in products that they "
            "sell.") in out
    assert out.rstrip().endswith("Now you can decide for each photo.")
    assert next(answers, None) is None


def test_stopping_the_walk_records_nothing(capsys, monkeypatch):
    def end_of_input(_prompt=""):
        raise EOFError
    monkeypatch.setattr("builtins.input", end_of_input)
    code, out, _ = run(capsys, "consent", "walk")
    assert code == 1 and out.rstrip().endswith("Consent walk stopped. Nothing was recorded.")
