"""What Orca says during the consent walk (ACCESSIBILITY.md, recipe 4).

The app runs on a copy of the sample dataset under a private Orca, with its photos being
described in the background while the walk is open. Ctrl+I opens the walk, Enter moves
through the sections to the first question. Orca must say each section in full (its last line
too), the question, the explanation of a wrong answer, and nothing from the background (a
photo's description, progress, "Opened…") until the walk is closed.
"""

from __future__ import annotations

import re
import shutil

import pytest
from orca_harness import app_command, key, quiet, run_orca, skip_without_orca

pytestmark = pytest.mark.xvfb

# Words only background news contains: descriptions, progress, the dataset opening.
BACKGROUND = re.compile(r"Reveals|May show|Being described|described|Opened|Photo \d+ of|"
                        r"flagged|Cut off|A person|blurry", re.I)


def _sections_before_first_question(form) -> list:
    sections = []
    for section in form.sections:
        sections.append(section)
        if section.questions:
            return sections
    return sections


def test_orca_speaks_consent_sections_and_a_question(tmp_path):
    skip_without_orca()
    from accessshare.consent.form import load_form
    from accessshare.paths import sample_dataset

    form = load_form()
    sections = _sections_before_first_question(form)
    first_question = form.questions[0]
    assert first_question.answer == 1, "the keys below answer the first choice, then the second"
    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    last_line = sections[0].text.splitlines()[-1].strip()

    # Ctrl+I at once, while the photos are still being described. Each key waits for the last
    # words Orca reads after the one before.
    steps = [key("ctrl+i", [sections[0].title, last_line, "line by line with the arrow keys"],
                 timeout=30)]
    steps += [key("Return", [s.title, s.text.splitlines()[-1].strip()]) for s in sections[1:]]
    steps += [
        key("Return", [first_question.text, "Enter checks the choice you are on"]),
        # The first choice (wrong) is checked with Space and Enter, then explained...
        key("space", "selected"), key("Return", f"Not quite. {first_question.explanation}"),
        # ...then the right one, checked by the arrow key alone, is confirmed.
        key("Down", [first_question.choices[1], "radio button"]),
        key("Return", ["Correct.", "Enter goes on."]),
        key("Return", [form.sections[2].title, form.sections[2].text.splitlines()[-1].strip()]),
        key("Escape", ["Stop the consent walk?", "Keep everything as it is."]),
        key("alt+s", "Consent walk stopped."),
        # Y on the first photo (a face) with Alt+D ("Decide now") saves a decision as the offer
        # closes: its "Saved." must be spoken although focus comes back only after the dialog.
        key("y", ["Learn about consent first?", "Decide nothing now."]),
        key("alt+d", "Saved.", timeout=30),
        quiet(1.5),
    ]
    run = run_orca(tmp_path, steps, app_command(dataset))
    run.check()
    said = run.said
    heard = run.heard
    for section in sections:
        assert section.title in heard, f"Orca never said the section title {section.title!r}"
    assert f"Not quite. {first_question.explanation}" in heard
    assert first_question.explanation.split(". ")[0] in run.after("Correct.")
    # The item read as focus comes back says the new state; "Saved." does not say it again.
    item = run.after("Decide nothing now.")
    assert "Photo 1 of 10." in item and "Shared for research" in item, item
    saved = [line for line in said if line.startswith("Saved.")]
    # (Background news held while the dialog was open may join it, after it.)
    assert saved and saved[-1].strip().startswith("Saved. Remember, it reveals one face."), heard
    assert "Shared for research" not in saved[-1], saved[-1]

    # Nothing from the background while the walk (or its stop question) is on screen.
    opened = next(i for i, line in enumerate(said) if "Consent: what sharing" in line)
    closed = next(i for i, line in enumerate(said) if i > opened and "AccessShare frame" in line)
    during = [line for line in said[opened:closed] if BACKGROUND.search(line)]
    assert not during, f"background news reached Orca during the walk: {during}"
    assert not run.repeats(), f"Orca said these twice in a row: {run.repeats()}"
