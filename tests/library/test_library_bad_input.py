"""Every bad file gets a sentence naming it, and the rest of the folder still loads."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from accessshare.library import ImageProblem, open_upright, scan

from library_photos import jpeg_bytes, photo_pixels, save

REPO_ROOT = Path(__file__).resolve().parents[2]


def make_bad_folder(root: Path, outside: Path) -> dict[str, str]:
    """Good photos mixed with every bad case; returns bad file name -> expected words."""
    save(photo_pixels(), root / "good1.jpg", "JPEG")
    save(photo_pixels(), root / "sub" / "good2.png", "PNG")
    (root / "empty.jpg").write_bytes(b"")
    (root / "truncated.jpg").write_bytes(jpeg_bytes(photo_pixels(400, 300))[:3000])
    (root / "notes.png").write_text("this is a text file with an image extension\n")
    bomb = Image.new("L", (12_000, 10_000))  # 120 megapixels, over the 100 MP limit
    bomb.save(root / "bomb.png", "PNG", optimize=False, compress_level=1)
    outside.mkdir(parents=True, exist_ok=True)
    save(photo_pixels(), outside / "elsewhere.jpg", "JPEG")
    (root / "link.jpg").symlink_to(outside / "elsewhere.jpg")
    (root / "linked-folder").symlink_to(outside)
    return {"empty.jpg": "empty (0 bytes)", "truncated.jpg": "cut short",
            "notes.png": "not a photo", "bomb.png": "too large to open safely",
            "link.jpg": "outside the dataset folder", "linked-folder": "outside the dataset folder"}


def test_scan_reports_each_bad_file_by_name_and_loads_the_rest(tmp_path):
    root = tmp_path / "d"
    expected = make_bad_folder(root, tmp_path / "outside")
    result = scan(root)
    assert sorted(p.relpath for p in result.photos) == ["good1.jpg", "sub/good2.png"]
    messages = {p.path.name: p.message for p in result.problems}
    for name, words in expected.items():
        assert words in messages[name], messages.get(name)
        assert name in messages[name]


def test_cli_scan_json_lists_good_photos_and_names_every_bad_one(tmp_path):
    root = tmp_path / "d"
    expected = make_bad_folder(root, tmp_path / "outside")
    run = subprocess.run([sys.executable, "-m", "accessshare", "--data-dir", str(tmp_path / "data"),
                          "scan", "--json", str(root)], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    photos = [line for line in lines if "error" not in line]
    errors = {Path(line["path"]).name: line["error"] for line in lines if "error" in line}
    assert sorted(p["relpath"] for p in photos) == ["good1.jpg", "sub/good2.png"]
    assert all({"id", "path", "bytes", "width", "height", "exif", "problems"} <= set(p) for p in photos)
    assert set(errors) == set(expected)
    for name, words in expected.items():
        assert words in errors[name] and name in errors[name]


def test_bomb_is_refused_from_the_header_without_decoding(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    Image.new("L", (12_000, 10_000)).save(path, "PNG", compress_level=1)

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    with pytest.raises(ImageProblem, match="120 megapixels; the limit is 100"):
        open_upright(path)


def test_unreadable_file_and_folder(tmp_path, monkeypatch):
    """Tests run as root, where chmod does not stop reading, so the OS refusal is simulated
    at the two calls that meet it: opening a file and listing a folder."""
    root = tmp_path / "d"
    save(photo_pixels(), root / "good.jpg", "JPEG")
    save(photo_pixels(), root / "secret.jpg", "JPEG")
    save(photo_pixels(), root / "locked" / "inside.jpg", "JPEG")
    real_open, real_scandir = os.open, os.scandir

    def refusing_open(path, *args, **kwargs):
        if str(path).endswith("secret.jpg"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def refusing_scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    result = scan(root)
    assert [p.relpath for p in result.photos] == ["good.jpg"]
    messages = sorted(p.message for p in result.problems)
    assert "The folder locked cannot be read: permission denied. Photos inside it were skipped." in messages
    assert "The photo secret.jpg cannot be read: permission denied." in messages


def test_missing_folder_is_a_clear_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "accessshare", "scan", str(tmp_path / "nope")],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert run.returncode == 2
    assert "does not exist or is not a folder" in run.stderr


@pytest.mark.parametrize("name, content, reason", [
    ("manifest.csv", "file,label\ngood1.jpg," + "A" * 200_000 + "\n",
     "it is not a CSV file AccessShare can read (field larger than field limit (131072))"),
    ("manifest.json", "[" * 100_000 + "]" * 100_000, "it is nested too deeply"),
    ("manifest.csv", "file,label\n" + "x.jpg,y\n" * 9_000_000,
     "it is larger than 64 MB, more than any list of labels needs")])
def test_a_manifest_no_reader_can_take_is_one_sentence_and_the_photos_load(tmp_path, name,
                                                                            content, reason):
    save(photo_pixels(), tmp_path / "good1.jpg", "JPEG")
    (tmp_path / name).write_text(content)
    child = subprocess.run([sys.executable, "-m", "accessshare", "--data-dir",
                            str(tmp_path / "data"), "scan", str(tmp_path)],
                           capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert (child.returncode, child.stderr) == (0, "")
    assert child.stdout.splitlines()[0] == (f"PROBLEM  The manifest {name} cannot be read: "
                                            f"{reason}. Photos load without their labels.")
    assert "good1.jpg" in child.stdout and "1 photos, 1 problems." in child.stdout
