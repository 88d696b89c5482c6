"""``accessshare describe`` run as a separate process, as a person or script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from skimage import data


ISSUE_KEYS = {"id", "path", "sentence", "details", "objects", "faces", "text", "quality",
              "privacy", "metadata", "width", "height", "label", "models"}


def run_describe(*arguments, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ACCESSSHARE_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "accessshare", "describe", *map(str, arguments)],
                          capture_output=True, text=True, env=env, timeout=300)


def dataset(folder: Path) -> Path:
    folder.mkdir()
    Image.fromarray(data.coffee()).save(folder / "coffee.jpg", quality=90)
    Image.fromarray(data.chelsea()).save(folder / "cat.jpg", quality=90)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated nonsense")
    (folder / "manifest.csv").write_text("file,label\ncoffee.jpg,my mug\ncat.jpg,puppy\n")
    return folder


def test_json_lines_with_an_error_line_for_a_corrupt_file(tmp_path):
    folder = dataset(tmp_path / "photos")
    done = run_describe(folder, "--json", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    by_name = {Path(line["path"]).name: line for line in lines}
    assert set(by_name) == {"coffee.jpg", "cat.jpg", "broken.jpg"}
    assert set(by_name["broken.jpg"]) == {"path", "error"} and "broken.jpg" in by_name["broken.jpg"]["error"]
    coffee, cat = by_name["coffee.jpg"], by_name["cat.jpg"]
    assert set(coffee) == ISSUE_KEYS
    assert coffee["label"] == "my mug"
    # The label agrees, as surely as the sentence says the cup (the detector and the classifier
    # together): "is" or "may be" visible.
    cup_sure = coffee["sentence"].startswith("A cup.")
    agreement = f"Labelled 'my mug'. A cup {'is' if cup_sure else 'may be'} visible."
    assert agreement in coffee["details"]
    assert "Labelled 'puppy', but no dog was recognised." in cat["details"]
    assert (coffee["width"], coffee["height"]) == (600, 400)
    assert all(0 <= v <= 1 for o in coffee["objects"] for v in o["box"])
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal


def test_second_run_uses_the_cache_and_text_mode_prints_details(tmp_path):
    folder = dataset(tmp_path / "photos")
    first = run_describe(folder / "coffee.jpg", "--json", data_dir=tmp_path / "data")
    again = run_describe(folder / "coffee.jpg", "--json", data_dir=tmp_path / "data")
    assert json.loads(first.stdout) == json.loads(again.stdout)
    detailed = run_describe(folder / "coffee.jpg", "--verbosity", "detailed", data_dir=tmp_path / "data")
    assert detailed.returncode == 0
    head, *details = detailed.stdout.splitlines()
    assert head.startswith(f"{folder / 'coffee.jpg'}: ") and "cup" in head.lower()
    assert details and all(line.startswith("    ") for line in details)
    assert "confidence" in detailed.stdout


def test_exit_status_1_when_nothing_could_be_described(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"nothing here")
    done = run_describe(broken, tmp_path / "missing.jpg", "--json", data_dir=tmp_path / "data")
    assert done.returncode == 1
    errors = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(e["path"]).name for e in errors] == ["broken.jpg", "missing.jpg"]
    assert all(e["error"] for e in errors)


def test_broken_caption_model_is_reported_and_the_detectors_describe(tmp_path):
    folder = dataset(tmp_path / "photos")
    empty = tmp_path / "empty-model"
    empty.mkdir()
    done = run_describe(folder / "coffee.jpg", "--caption-model", empty, "--json",
                        data_dir=tmp_path / "data")
    assert done.returncode == 0
    assert "caption model" in done.stderr
    assert "cup" in json.loads(done.stdout)["sentence"].lower()


def test_control_characters_in_a_file_name_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(data.coffee()).save(folder / "evil\x1b[31m\nname.jpg", quality=90)
    (folder / "cut\x07.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated nonsense")
    done = run_describe(folder / "evil\x1b[31m\nname.jpg", folder / "cut\x07.jpg",
                        data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    first, *rest = done.stdout.splitlines()
    assert first.startswith(f"{folder}/evil\\x1b[31m\\nname.jpg: ") and "cup" in first.lower()
    assert rest[-1].startswith(f"{folder}/cut\\x07.jpg: could not be described.")


def test_a_missing_model_file_is_one_sentence(tmp_path):
    """An install that lost a model file (a broken bundle, a deleted file): the package is
    copied beside an assets folder without the classifier's model."""
    import shutil

    import accessshare
    from accessshare.paths import assets_dir

    install = tmp_path / "install"
    shutil.copytree(Path(accessshare.__file__).parent, install / "accessshare",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for item in assets_dir().iterdir():
        if item.name != "models":
            (install / "assets").mkdir(exist_ok=True)
            (install / "assets" / item.name).symlink_to(item)
    (install / "assets" / "models").mkdir()
    for item in (assets_dir() / "models").iterdir():
        if item.name != "efficientnet_lite0.onnx":
            (install / "assets" / "models" / item.name).symlink_to(item)
    folder = dataset(tmp_path / "photos")
    env = {**os.environ, "ACCESSSHARE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(install)}
    done = subprocess.run([sys.executable, "-m", "accessshare", "describe", str(folder / "coffee.jpg")],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("accessshare: Photos cannot be described: the model file "
                           f"efficientnet_lite0.onnx is missing from {install / 'assets' / 'models'}.\n")
