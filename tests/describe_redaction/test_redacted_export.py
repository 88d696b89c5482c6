"""`export photos` for photos shared on condition: what the steward receives is a redacted copy
that the describer and Pillow find nothing removed in, named in the manifest; a copy that
cannot be verified is left out and named; the original is never changed; deleting the photo
deletes the redacted copy too. Real photos, real models, a real records store."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from accessshare.cli import main
from accessshare.config import resolve_paths
from accessshare.consent import Decisions
from accessshare.consent.export import export_photos
from accessshare.describe.faces import DetectedFace
from accessshare.library import scan
from accessshare.library.clean_copy import metadata_left
from accessshare.library.exif import GPS_IFD
from accessshare.records import RecordStore

from redaction_photos import upright_pixels  # noqa: E402 (conftest puts this folder on the path)

CHANGE_LEVEL = 24  # as in test_redaction_real_photos: re-encoding moves pixels a few levels
CONDITIONED = {"group-sample2": "group.jpg", "sign": "sign.jpg", "gps": "cat-with-gps.jpg"}


@pytest.fixture
def dataset(tmp_path, photo_files) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name, file_name in CONDITIONED.items():
        shutil.copy(photo_files[name], folder / file_name)
    shutil.copy(photo_files["astronaut"], folder / "astronaut.png")  # shared with no condition
    return folder


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def manifest_of(folder: Path) -> dict[str, dict]:
    with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as source:
        return {row["file"]: row for row in csv.DictReader(source)}


def changed_share(original: Path, copy: Path) -> float:
    before, after = upright_pixels(original).astype(np.int16), upright_pixels(copy).astype(np.int16)
    return float((np.abs(before - after).max(axis=2) > CHANGE_LEVEL).mean())


def test_export_writes_checked_redacted_copies_from_the_command_line(capsys, dataset, tmp_path, describer):
    originals = {p.name: p.read_bytes() for p in dataset.iterdir()}
    conditioned = [dataset / name for name in CONDITIONED.values()]
    assert run(capsys, "consent", "set", *conditioned, "--purpose", "research", "--state", "given",
               "--redact", "faces,text,location")[0] == 0
    assert run(capsys, "consent", "set", dataset / "astronaut.png", "--purpose", "research",
               "--state", "given")[0] == 0

    out_dir = tmp_path / "research"
    code, out, err = run(capsys, "export", "photos", "--purpose", "research", "-o", out_dir)
    assert (code, err) == (0, "")
    assert out == (f"Copied 4 photos shared for research to {out_dir}, with manifest.csv. 3 are "
                   "redacted copies, each described again to check that what was to be removed "
                   "is gone.\n")

    manifest = manifest_of(out_dir)
    assert sorted(manifest) == ["astronaut.png", "cat-with-gps.jpg", "group.jpg", "sign.jpg"]
    assert manifest["astronaut.png"]["redact"] == ""
    assert (out_dir / "astronaut.png").read_bytes() == originals["astronaut.png"]  # an exact copy
    for name in CONDITIONED.values():
        copy = out_dir / name
        assert manifest[name]["redact"] == "faces,location,text"
        assert manifest[name]["content_hash"] == hashlib.sha256(originals[name]).hexdigest()
        after = describer.describe(copy)
        assert after.faces == 0 and after.text == [], (name, after.sentence)
        assert not {"face", "text", "pii-text", "location", "device-id"} & set(after.privacy)
        with Image.open(copy) as image:
            assert dict(image.getexif()) == {} and image.getexif().get_ifd(GPS_IFD) == {}
        assert metadata_left(copy.read_bytes()) == []
        assert changed_share(dataset / name, copy) < 1 / 3
    assert {p.name: p.read_bytes() for p in dataset.iterdir()} == originals  # originals untouched

    # Deleting the photo deletes its redacted copy and its manifest row, though its bytes differ.
    code, out, _ = run(capsys, "delete", dataset / "group.jpg", "--reason", "changed my mind", "--yes")
    assert (code, out) == (0, "Deleted group.jpg and 1 exported copy. No copy remains.\n")
    assert not (out_dir / "group.jpg").exists()
    assert "group.jpg" not in manifest_of(out_dir)


def test_a_copy_that_cannot_be_verified_is_left_out_and_named(dataset, tmp_path, redactor, describer, monkeypatch):
    paths = resolve_paths(tmp_path / "data").ensure()
    with RecordStore.open(paths) as store:
        result = scan(dataset)
        store.upsert_photos(dataset, result.photos)
        by_name = {p.path.name: p.id for p in result.photos}
        decisions = Decisions(store)
        decisions.decide_photos([by_name["group.jpg"], by_name["cat-with-gps.jpg"]], "research",
                                "given", redact="all")
        # The face detector keeps finding a face in the middle of every image, covered or not.
        monkeypatch.setattr(describer.faces, "detect", lambda image: [DetectedFace(0.95, (0.4, 0.4, 0.6, 0.6))])
        monkeypatch.setattr(describer.faces, "detect_turned", lambda image: [])
        report = export_photos(store, paths, "research", tmp_path / "out", redactor=redactor)
    assert report.copied == [] and report.not_verified == ["cat-with-gps.jpg", "group.jpg"]
    assert report.message.endswith(  # the sign and the astronaut were not decided
        "Left out: 2 not yet decided, 2 whose redacted copy could not be verified. The copy of cat-with-gps.jpg still "
        "shows a face after covering and checking it twice, so it was not verified and will not be "
        "shared. The copy of group.jpg still shows a face after covering and checking it twice, so "
        "it was not verified and will not be shared.")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.csv"]
    assert manifest_of(tmp_path / "out") == {}


def test_a_photo_changed_since_the_decision_is_not_copied(dataset, tmp_path, redactor):
    paths = resolve_paths(tmp_path / "data").ensure()
    with RecordStore.open(paths) as store:
        result = scan(dataset)
        store.upsert_photos(dataset, result.photos)
        sign = next(p for p in result.photos if p.path.name == "sign.jpg")
        Decisions(store).decide_photos([sign.id], "research", "given", redact="text")
        with Image.open(dataset / "sign.jpg") as image:
            image.rotate(180).save(dataset / "sign.jpg")  # edited after the decision
        report = export_photos(store, paths, "research", tmp_path / "out", redactor=redactor)
    assert report.copied == []
    assert "sign.jpg changed since it was decided on, so no copy was made." in report.message


def test_describe_redact_says_the_copy_before_deciding_and_writes_nothing(capsys, dataset):
    before = {p.name: p.read_bytes() for p in dataset.iterdir()}
    code, out, err = run(capsys, "describe", dataset / "sign.jpg", dataset / "cat-with-gps.jpg",
                         "--redact", "all")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{dataset / 'sign.jpg'}: After removal: ")
    assert lines[0].endswith("; text hidden; no location.")
    gps = next(line for line in lines if line.startswith(str(dataset / "cat-with-gps.jpg")))
    assert gps.endswith("; no text; no location.")
    assert {p.name: p.read_bytes() for p in dataset.iterdir()} == before


def test_describe_redact_with_a_kind_that_makes_no_sense(capsys, dataset):
    code, out, err = run(capsys, "describe", dataset / "sign.jpg", "--redact", "voices")
    assert (code, out) == (2, "")
    assert err.endswith("'voices' is not something that can be removed; choose faces, text, location or all.\n")
