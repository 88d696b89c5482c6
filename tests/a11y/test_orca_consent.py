"""What Orca says during the consent walk (ACCESSIBILITY.md, recipe 4).

The app runs on a copy of the sample dataset under Xvfb with Orca; Ctrl+I opens the consent
walk, Enter moves through the sections to the first question. Orca's debug log must show each
section title it passed and the question.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

pytestmark = pytest.mark.xvfb

NEEDED = ("orca", "xvfb-run", "xdotool", "dbus-run-session")


def _missing_tools() -> list[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not Path("/usr/bin/python3").exists():
        missing.append("/usr/bin/python3 (for Orca)")
    return missing


def _spoken(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [m.group(1) for m in (re.search(r"SPEECH OUTPUT: '(.*?)'", line) for line in lines) if m]


def _app_command(dataset: Path) -> list[str]:
    return [sys.executable, "-m", "accessshare", "open", str(dataset)]


def _sections_before_first_question(form) -> list[str]:
    titles = []
    for section in form.sections:
        titles.append(section.title)
        if section.questions:
            return titles
    return titles


def _first_question_text(form) -> str:
    return form.questions[0].text


def test_orca_speaks_consent_sections_and_a_question(tmp_path):
    missing = _missing_tools()
    if missing:
        pytest.skip("Orca test needs xvfb, orca, xdotool and dbus: missing " + ", ".join(missing))
    from accessshare.consent.form import load_form
    from accessshare.paths import sample_dataset

    form = load_form()
    sections_before_question = _sections_before_first_question(form)
    question = _first_question_text(form)

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True)
    (home / "run").chmod(0o700)
    log = home / "orca.log"
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"),
               ACCESSSHARE_DATA_DIR=str(tmp_path / "data"))
    env.pop("QT_QPA_PLATFORM", None)
    # Enter through the sections to the first question, then a wrong answer (the first choice
    # is wrong in the bundled form) that must be explained, then the right one by arrow key.
    # Then Enter goes on from "Correct." to the next section; Escape and Alt+S stop the walk,
    # and Y on the first photo (a face) with Alt+D ("Decide now") saves a decision as the offer
    # closes: its "Saved." must be spoken although focus comes back only after the dialog.
    keys = (["ctrl+i", "wait:1.5"] + ["Return"] * len(sections_before_question)
            + ["space", "Return", "wait:1", "Down", "Return", "wait:1", "Return", "wait:1.5",
               "Escape", "wait:1", "alt+s", "wait:1.5", "y", "wait:1.5", "alt+d", "wait:2.5"])
    command = [
        "xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
        sys.executable, str(HERE / "orca_session.py"), str(log), "— AccessShare", ",".join(keys),
        "--", *_app_command(dataset),
    ]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    spoken = _spoken(log)
    print("\n".join(spoken))  # shown with -s or on failure: what Orca said
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:], spoken[-20:])
    heard = "\n".join(spoken)
    for title in sections_before_question:
        assert title in heard, f"Orca never said the section title {title!r}:\n{heard}"
    assert question in heard, f"Orca never said the question {question!r}:\n{heard}"
    # Part 1 is read in full: its later lines too, not only its first.
    assert form.sections[0].text.splitlines()[-1].strip() in heard, heard
    first_question = form.questions[0]
    assert first_question.answer == 1, "the keys above answer the first choice, then the second"
    assert f"Not quite. {first_question.explanation}" in heard, heard
    # The right answer, checked by the arrow key alone, is confirmed, then Enter goes on.
    assert any(line.startswith("Correct.") for line in spoken), heard
    assert first_question.explanation.split(". ")[0] in heard, heard
    assert form.sections[2].title in heard, heard
    saved = [line for line in spoken if line.startswith("Saved. Shared for research")]
    assert saved and "Remember, it reveals one face." in saved[-1], heard
    # Every page is said once: no long utterance repeats straight after itself.
    repeats = [a for a, b in zip(spoken, spoken[1:]) if a == b and len(a) > 30]
    assert not repeats, f"Orca said these twice in a row: {repeats}"
