"""What Orca says during a study session (ACCESSIBILITY.md, recipe 4): the participant's
agreement, every state change from the Study menu's keys, a note, the Study menu itself read
by keyboard, and the facilitator's view shown and hidden without ever taking focus."""

from __future__ import annotations

import shutil

import pytest
from orca_harness import app_command, key, quiet, run_orca, skip_without_orca

pytestmark = pytest.mark.xvfb

PROTOCOL = "# Session 1\n1. Find a photo of a cup.\n2. Decide for a photo with a face.\n"


def test_orca_speaks_every_change_of_a_study_session(tmp_path):
    skip_without_orca()
    from accessshare.paths import sample_dataset

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    protocol = tmp_path / "protocol.md"
    protocol.write_text(PROTOCOL, encoding="utf-8")
    steps = [
        key("alt+a", "Task 1 of 2: Find a photo of a cup.", timeout=30),
        key("ctrl+shift+p", "Recording paused."),
        key("ctrl+shift+t", "Task 1 of 2: Find a photo of a cup."),
        key("ctrl+shift+p", "Recording resumed."),
        key("ctrl+shift+x", "Task 2 of 2: Decide for a photo with a face."),
        key("ctrl+shift+v", "Facilitator's view hidden."),
        key("ctrl+shift+v", "Facilitator's view shown. It takes no keyboard focus."),
        key("ctrl+shift+n", "Add a note"),
        key("o"), key("k"),
        key("Return", "Note added."),
        # The Study menu by keyboard: F10 opens File; Right goes on to Photo, Consent, View,
        # Study.
        key("F10", "Open folder"),
        key("Right", "Say description"), key("Right", "Learn about consent"),
        key("Right", "Filter"), key("Right", "Start session"),
        key("Down", "Pause or resume recording"),
        # Each Escape waits for its words: sent at once, the second reaches the closing menu
        # and the menu bar stays active (as in the keyboard walk).
        key("Escape", "Study."), key("Escape", "Photo 1 of 10."),
        key("ctrl+shift+e", "Study session P07 ended."),
        quiet(1.5),
    ]
    run = run_orca(tmp_path, steps, app_command(dataset, "--study", "P07", "--protocol",
                                                 str(protocol)),
                   window="agree to recording", ready="Do you agree to recording?")
    run.check()
    heard = run.heard
    assert "It never records file names, descriptions, text in your photos" in heard
    assert "Ctrl+Shift+P" in heard.split("Do you agree to recording?")[0]
    # The view was shown twice, and Orca never moved to it: focus stayed with the participant.
    assert "facilitator's view, P07 frame" not in heard.lower()
