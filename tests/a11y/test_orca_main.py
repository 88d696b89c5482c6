"""What Orca says on a keyboard walk through the main window (ACCESSIBILITY.md, recipe 4):
start Orca, open the sample dataset, press Down twice, then Space. Orca's speech log must hold
the third photo's position and its description.

The photos are described first with ``accessshare describe`` into the same data folder, so the
app finds every description in its cache and the walk does not wait for the models.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NEEDED = ("orca", "xvfb-run", "xdotool", "dbus-run-session")


def _spoken(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [m.group(1) for m in (re.search(r"SPEECH OUTPUT: '(.*?)'", line) for line in lines) if m]


def _describe(dataset: Path, env: dict) -> dict[str, str]:
    """relpath -> brief sentence, from the real describer through the command line."""
    result = subprocess.run([sys.executable, "-m", "accessshare", "describe", str(dataset), "--json"],
                            env=env, capture_output=True, text=True, timeout=300, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {Path(row["path"]).name: row["sentence"] for row in rows if "sentence" in row}


def test_orca_says_position_and_description_after_down_down_space(tmp_path):
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing:
        pytest.skip("Orca test needs xvfb, orca, xdotool and dbus: missing " + ", ".join(missing))
    from accessshare.paths import sample_dataset

    dataset = tmp_path / "dataset"
    shutil.copytree(sample_dataset(), dataset)
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True)
    (home / "run").chmod(0o700)
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"),
               ACCESSSHARE_DATA_DIR=str(tmp_path / "data"))
    env.pop("QT_QPA_PLATFORM", None)
    sentences = _describe(dataset, env)
    names = sorted(p.name for p in dataset.glob("*.jpg"))
    third = names[2]
    log = home / "orca.log"
    keys = ["wait:4", "Down", "Down", "wait:1", "space", "wait:2"]
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
               sys.executable, str(HERE / "orca_session.py"), str(log), "— AccessShare",
               ",".join(keys), "--", sys.executable, "-m", "accessshare", "open", str(dataset)]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    spoken = _spoken(log)
    print("\n".join(spoken))  # with -s, or on failure: what Orca said
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:], spoken[-20:])
    heard = "\n".join(spoken)
    position = f"Photo 3 of {len(names)}."
    assert position in heard, f"Orca never said {position!r}:\n{heard}"
    sentence = sentences[third].rstrip(".")
    after_position = heard[heard.index(position):]
    assert sentence in after_position, f"Orca never said {sentence!r} for {third}:\n{heard}"
    # Space repeats it: the description is spoken again after the move
    assert after_position.count(sentence) >= 2, f"Space did not repeat the description:\n{heard}"
