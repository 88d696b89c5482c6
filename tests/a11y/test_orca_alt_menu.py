"""Alt alone and Alt with a menu's letter under a private Orca, where they used to fail: right
after the menus were left with Escape, and right after a dialog closed. Qt's AT-SPI bridge
hands each key back to the app only after Orca has seen it; its late copy of the Alt press
switched the menu bar off again, or closed the menu Alt+F had just opened (ui.alt_key).

Each Alt is proved by what Orca says next: the menu bar's first menu, then Right moves along
the bar ("Photo"), so the bar stayed on (Alt fired once, not on and off); Alt+F says the File
menu's first item, then Down its second, so the menu stayed open.
"""

from __future__ import annotations

import shutil

import pytest
from orca_harness import (app_command, describe_first, key, private_env, quiet, run_orca,
                          skip_without_orca)

pytestmark = pytest.mark.xvfb


def alt_then_back(position: str) -> list[dict]:
    """Alt on the bar, Right along it, Escape back to the photo."""
    return [key("alt", "File."), key("Right", "Photo."), key("Escape", position)]


def alt_f_then_back(position: str) -> list[dict]:
    """Alt+F opens File; Down moves in it; two Escapes back to the photo, each heard first."""
    return [key("alt+f", ["Open folder", "Ctrl+O"]), key("Down", ["Open recent", "Ctrl+Shift+O"]),
            key("Escape", "File."), key("Escape", position)]


def test_alt_and_alt_f_reach_the_menu_bar_after_escape_and_after_a_dialog(tmp_path):
    skip_without_orca()
    from accessshare.paths import sample_dataset

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    env = private_env(tmp_path)
    describe_first(dataset, env)
    total = len(list(dataset.glob("*.jpg")))
    position = f"Photo 1 of {total}."
    steps = [
        # The menus left with Escape, then Alt, then Alt+F.
        key("F10", ["Open folder", "Ctrl+O"]), key("Escape", "File."), key("Escape", position),
        *alt_then_back(position),
        *alt_f_then_back(position),
        # Right after a dialog closes: Alt, then (after another dialog) Alt+F.
        key("F1", ["Keyboard help", "In the photo list:"]), key("Escape", position),
        *alt_then_back(position),
        key("ctrl+comma", ["Settings", "Descriptions"]), key("Escape", "Settings not changed."),
        *alt_f_then_back(position),
        quiet(1.0),
    ]
    run = run_orca(tmp_path, steps, app_command(dataset), env=env, ready="Photo 1 of")
    run.check()
    assert not run.repeats(), f"Orca said these twice in a row: {run.repeats()}"
