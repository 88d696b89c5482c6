"""The README's run command, headless: ``accessshare --smoke`` opens the bundled sample dataset
with the real describer, waits for the first description and prints what a screen reader reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from accessshare.paths import sample_dataset


def test_bare_command_opens_the_sample_dataset_and_describes_the_first_photo(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACCESSSHARE_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "accessshare", "--smoke"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout, result.stderr[-2000:])
    photos = len(list(sample_dataset().glob("*.jpg")))
    assert f"Opened {sample_dataset()}: {photos} photos" in result.stdout
    first_item = next(line for line in result.stdout.splitlines() if line.startswith("Photo 1 of"))
    assert re.match(rf"Photo 1 of {photos}\. .+\. Not yet decided\.$", first_item)
    assert "Being described" not in first_item
    assert f"Opened sample: {photos} photos." in result.stdout  # the spoken announcement


def test_open_names_a_missing_folder_in_one_spoken_sentence(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACCESSSHARE_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "accessshare", "open", str(tmp_path / "nowhere"),
                             "--smoke"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "not a folder that exists" in result.stdout


def test_smoke_fails_and_says_why_when_the_first_photo_cannot_be_described(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    whole = (sample_dataset() / "coffee.jpg").read_bytes()
    damaged = bytearray(whole)
    scan = damaged.index(b"\xff\xda")  # start of scan: its first component now names none
    damaged[scan + 5] = 9
    (folder / "a-damaged.jpg").write_bytes(bytes(damaged))  # its header reads; its pixels do not
    (folder / "b-coffee.jpg").write_bytes(whole)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ACCESSSHARE_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "accessshare", "open", str(folder), "--smoke"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
    first_item = next(line for line in result.stdout.splitlines() if line.startswith("Photo 1 of"))
    # The reason names the file already: the name is said once, not twice.
    assert first_item.startswith("Photo 1 of 2. Could not be described: The photo a-damaged.jpg ")
    assert "is damaged and cannot be shown" in first_item
    assert first_item.count("a-damaged.jpg") == 1
