"""What Orca says on a keyboard walk through the main window (ACCESSIBILITY.md, recipe 4):
start a private Orca, open the sample dataset, press Down twice, then Space. Orca's speech log
must hold the third photo's position and its description, twice.

The photos are described first with ``accessshare describe`` into the same data folder, so the
app finds every description in its cache and the walk does not wait for the models.
"""

from __future__ import annotations

import shutil

import pytest
from orca_harness import (app_command, describe_first, key, private_env, quiet, run_orca,
                          skip_without_orca)

pytestmark = pytest.mark.xvfb


def test_orca_says_position_and_description_after_down_down_space(tmp_path):
    skip_without_orca()
    from accessshare.paths import sample_dataset

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    env = private_env(tmp_path)
    sentences = describe_first(dataset, env)
    names = sorted(p.name for p in dataset.glob("*.jpg"))
    third = sentences[names[2]].rstrip(".")
    position = f"Photo 3 of {len(names)}."
    steps = [key("Down", f"Photo 2 of {len(names)}."), key("Down", [position, third]),
             key("space", third), quiet(1.0)]
    run = run_orca(tmp_path, steps, app_command(dataset), env=env, ready="Photo 1 of")
    run.check()
    after_position = run.heard[run.heard.index(position):]
    assert after_position.count(third) >= 2, f"Space did not repeat the description:\n{run.heard}"
    assert not run.repeats(), run.repeats()
